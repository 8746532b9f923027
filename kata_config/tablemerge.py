"""Merging TOML tables as Kata merges a ``config.d/`` drop-in (and containerd its imports).

Kept apart from ``reader.py`` so discovery, which merges containerd's imported files, does not
load the whole configuration reader (~3 ms at start-up) for these two functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def merge(base: dict[str, Any], over: Mapping[str, Any]) -> None:
    """Merge a drop-in into ``base`` in place: tables merge, every other value replaces."""
    for key, value in over.items():
        current = base.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            merge(current, value)
        else:
            base[key] = deep_copy(value)


def deep_copy(value: Any) -> Any:
    """A copy of parsed TOML data whose tables and arrays can be changed independently."""
    if isinstance(value, Mapping):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value
