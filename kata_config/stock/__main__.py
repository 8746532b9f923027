"""Regenerate the shipped stock files: ``python -m kata_config.stock [--check] [ROOT]``."""

from __future__ import annotations

import sys
from pathlib import Path

from kata_config.stock.generate import generate, repo_defaults, stale_files, write_all


def main(argv: list[str]) -> int:
    """Write every stock file under ROOT (default: the repo's defaults/); ``--check`` only lists
    the files that are out of date and exits 1 when there are any."""
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    root = Path(args[0]) if args else repo_defaults()
    if check:
        stale = stale_files(root)
        for rel in stale:
            print(f"out of date: {rel}")
        return 1 if stale else 0
    count = write_all(root, generate())
    print(f"wrote {count} files under {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
