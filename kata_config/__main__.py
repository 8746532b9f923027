"""``python -m kata_config`` runs the CLI."""

from kata_config.cli import main

main()
