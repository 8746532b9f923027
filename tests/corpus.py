"""Where the shared corpus lives and how tests skip (loudly) when a clone lacks it.

CI sets KATA_CONFIG_REQUIRE_CORPUS=1 (see .ci/run), which turns a missing corpus into a
failure instead of a skip, so CI never skips these tests silently.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Final

import pytest

REPO: Final = Path(__file__).resolve().parents[1]
SHARED: Final = REPO.parent / "shared"
CORPUS: Final = SHARED / "corpus"
RENDERED: Final = CORPUS / "kata-upstream" / "rendered"
REASON: Final = f"needs the shared corpus beside the project ({SHARED}); not present in this clone"


def require_corpus() -> None:
    """Skip (or, in CI, fail) when the shared corpus is missing."""
    if RENDERED.is_dir():
        return
    if os.environ.get("KATA_CONFIG_REQUIRE_CORPUS"):
        pytest.fail(f"shared corpus missing at {SHARED} but KATA_CONFIG_REQUIRE_CORPUS is set")
    pytest.skip(REASON)


def rendered_configs() -> list[Path]:
    """Every rendered upstream config (empty when the corpus is missing)."""
    return sorted(RENDERED.glob("*/runtime-*/*.toml")) if RENDERED.is_dir() else []


def corpus_id(path: Path) -> str:
    """``x86_64/runtime-go/configuration-qemu`` style test id."""
    return "/".join((*path.parts[-3:-1], path.stem))


def runtime_of(path: Path) -> str:
    """``go`` or ``rs`` from a rendered file's directory."""
    return "rs" if path.parent.name == "runtime-rs" else "go"


def arch_of(path: Path) -> str:
    """Arch from a rendered file's directory."""
    return path.parts[-3]


def parsed_configs() -> list[dict[str, object]]:
    """The data of every corpus config and every rule fixture that parses (test inputs)."""
    fixtures = Path(__file__).parent / "fixtures" / "configs"
    found = []
    for path in [*rendered_configs(), *sorted(fixtures.rglob("*.toml"))]:
        try:
            found.append(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
    return found
