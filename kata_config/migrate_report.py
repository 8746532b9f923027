"""What ``migrate`` reports: every edit as a ``Step`` with its reason, and the ``Migration``.

The engine (``migrate.py``) and the conversions (``migrate_map.py``, ``migrate_tables.py``,
``migrate_fixes.py``) log steps; the CLI renders them; ``touched_keys``/``explains`` let
the round-trip tests tell an explained difference from a lost setting.
"""

from __future__ import annotations

from typing import Any, Literal

from kata_config.findings import Finding
from kata_config.keys.spec import Runtime
from kata_config.record import record

StepKind = Literal["renamed", "converted", "moved", "added", "changed", "dropped"]


@record
class Step:
    """One edit: ``key`` (dotted, in the source) became ``target`` (None when dropped)."""

    kind: StepKind
    key: str
    target: str | None
    old: Any
    new: Any
    reason: str


@record
class Migration:
    """The migrated text plus every step taken."""

    source: str
    from_runtime: Runtime
    to_runtime: Runtime
    hypervisor: str
    text: str
    steps: tuple[Step, ...]
    blockers: tuple[Finding, ...] = ()
    """Errors ``validate`` finds in ``text`` for the target runtime: reasons it would refuse
    the file; a file with blockers is written only on request (``--force``)."""

    @property
    def lost(self) -> tuple[Step, ...]:
        """Settings that could not be carried over."""
        return tuple(s for s in self.steps if s.kind == "dropped")

    def counts(self) -> dict[str, int]:
        """How many steps of each kind (renamed, converted, ..., dropped)."""
        out: dict[str, int] = {}
        for step in self.steps:
            out[step.kind] = out.get(step.kind, 0) + 1
        return out


def touched_keys(migration: Migration) -> set[str]:
    """Every dotted key (source or target side) a step mentions, for explaining differences."""
    return {k for s in migration.steps for k in (s.key, s.target) if k}


def explains(migration: Migration, key: str) -> bool:
    """True when a step of ``migration`` is about ``key`` or a table holding it."""
    return any(key == k or key.startswith(f"{k}.") for k in touched_keys(migration))
