"""Session-wide guard: in CI a missing shared corpus fails the run before any test skips."""

from __future__ import annotations

import os

import pytest

from tests.corpus import CORPUS, SHARED


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop with exit status 1 when CI asks for the corpus and it is not there.

    Tests that read ../shared skip on a clone without it; .ci/run sets
    KATA_CONFIG_REQUIRE_CORPUS so that CI can never pass by skipping them all.
    """
    del session
    needed = (CORPUS / "kata-upstream" / "rendered", CORPUS / "cpuinfo", SHARED / "reference")
    missing = [str(p) for p in needed if not p.is_dir()]
    if os.environ.get("KATA_CONFIG_REQUIRE_CORPUS") and missing:
        pytest.exit(f"shared corpus missing ({', '.join(missing)}) but "
                    "KATA_CONFIG_REQUIRE_CORPUS is set", returncode=1)
