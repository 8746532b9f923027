"""``diff`` for keys the file leaves out: compared by the value the runtime would use.

A key missing from the file is not a change when the runtime's built-in value (after its
load-time normalisation) equals the baseline's; otherwise it is ``removed`` with that
effective value. Both sides are resolved by ``kata_config.load`` (the public resolver), so
``diff`` and ``load`` cannot disagree about a default.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import kata_config
from kata_config.errors import KataConfigError
from kata_config.keys.spec import Runtime

if TYPE_CHECKING:
    from kata_config.effective.model import Effective

Same = Callable[[Any, Any], bool]


def _values(path: str | os.PathLike[str], runtime: Runtime, arch: str | None,
            root: str | os.PathLike[str] = "/", release: str | None = None,
            ) -> tuple[Mapping[str, Any], Effective] | None:
    try:
        # through the public API table: the resolver (~20 ms of imports) loads only when a
        # file leaves keys out
        effective = kata_config.load(path, runtime=runtime, arch=arch, root=root,
                                     kata_version=release)
    except (KataConfigError, OSError, ValueError):
        return None  # a file the runtime refuses: its absent keys keep the plain comparison
    return effective.values(), effective


def resolve_removed(removed: list[str], target: str | os.PathLike[str],
                    baseline: str | os.PathLike[str] | None, runtime: Runtime, *,
                    arch: str | None, same: Same, root: str | os.PathLike[str] = "/",
                    release: str | None = None) -> dict[str, tuple[bool, Any]]:
    """For each removed dotted key: (still a change?, the value the target file gets), the
    built-in values being those of ``release`` (default: the newest).

    Keys the resolver does not know (or files it refuses) are left out of the answer, and the
    caller keeps them as plain ``removed``.
    """
    if not removed or baseline is None:
        return {}
    mine = _values(target, runtime, arch, root, release)
    theirs = _values(baseline, runtime, arch, release=release)
    if mine is None or theirs is None:
        return {}
    out: dict[str, tuple[bool, Any]] = {}
    for key in removed:
        try:
            section_key = mine[1].section_key(key)
        except KeyError:
            continue
        if section_key in mine[0] and section_key in theirs[0]:
            value = mine[0][section_key]
            out[key] = (not same(value, theirs[0][section_key]), value)
    return out
