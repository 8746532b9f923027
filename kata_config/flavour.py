"""Which runtime a configuration is for, from its contents and where it lives.

Its own small module because discovery, the reader's callers and the model all ask it, and
discovery must not load the model (and with it the key catalogue) to find a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from kata_config.keys import Runtime

_RS_MARKERS: Final = ("hypervisor_name", "agent_name", "name")


def detect_runtime(data: Mapping[str, object], path: Path | None = None) -> Runtime:
    """runtime-rs when the file has its required ``[runtime]`` selectors (or lives in a
    ``runtime-rs`` directory); the Go runtime otherwise."""
    table = data.get("runtime")
    if isinstance(table, Mapping) and any(k in table for k in _RS_MARKERS):
        return "rs"
    if path is not None and "runtime-rs" in path.parts:
        return "rs"
    return "go"
