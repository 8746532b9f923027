"""``python -m kata_cli`` runs the ``kata-config`` command line."""

from kata_cli import main

main()
