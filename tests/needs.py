"""Real components a test needs (a QEMU, the upstream oracle, node_exporter, ...).

A test that needs one calls ``need(present, what, how)``: on a developer machine without it the
test skips and says how to get it; under ``.ci/run`` (which sets KATA_CONFIG_CI=1 and installs
every component) a missing one is a failure, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    """True under ``.ci/run``, where every real component must be present."""
    return bool(os.environ.get("KATA_CONFIG_CI"))


def need(present: bool, what: str, how: str = "") -> None:
    """Skip (or, in CI, fail) unless ``present``; ``what`` names the component."""
    if present:
        return
    hint = f"; {how}" if how else ""
    if in_ci():
        pytest.fail(f"{what} is missing but KATA_CONFIG_CI is set (.ci/run installs it){hint}")
    pytest.skip(f"needs {what}{hint}")


def need_program(name: str, how: str = "") -> str:
    """The absolute path of program ``name`` on PATH, or skip/fail as ``need`` does."""
    found = shutil.which(name)
    need(found is not None, f"the program {name!r} on PATH", how)
    assert found is not None
    return found
