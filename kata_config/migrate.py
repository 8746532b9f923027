"""Convert a configuration between the Go runtime and runtime-rs, keeping comments and layout.

Every edit is recorded as a ``Step`` with the reason, so the user sees what changed and what
could not be carried over. This module is the engine: it parses, runs the conversions in
order and validates the result. The key map is ``migrate_map.py`` (config-keys.md §4), the
table-level conversions ``migrate_tables.py``, what the release history says about retired
and required settings ``migrate_fixes.py``, and the report ``migrate_report.py``. Keys the
target runtime does not read are dropped (runtime-rs refuses unknown keys in its agent and
factory tables, and silently ignoring a setting is worse than saying it is gone).
"""

from __future__ import annotations

from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from kata_config import migrate_fixes as fixes
from kata_config import migrate_map as keymap
from kata_config import migrate_tables as tables
from kata_config.diff import active_hypervisor
from kata_config.flavour import detect_runtime
from kata_config.inputs import InputError, read_input
from kata_config.keys.history import NEWEST
from kata_config.keys.spec import HYPERVISOR_NAMES, Runtime
from kata_config.migrate_edit import NAMES, Edit
from kata_config.migrate_guard import MigrateBlocked, MigrateError, check_layout, check_toml
from kata_config.migrate_report import Migration, Step, StepKind, explains, touched_keys


def migrate_text(text: str, to: Runtime, source: str = "<input>", *,
                 release: str = NEWEST) -> Migration:
    """Migrate one configuration's text to runtime ``to``.

    Raises:
        MigrateError: not TOML, already for ``to``, or no hypervisor the target supports.
    """
    check_toml(text, source)
    try:
        doc = tomlkit.parse(text)
    except (TOMLKitError, RecursionError) as err:
        raise MigrateError(f"{source} is not valid TOML: {err}") from None
    data = doc.unwrap()
    frm = detect_runtime(data)
    if frm == to:
        raise MigrateError(f"{source} is already a configuration for {NAMES[to]}")
    hv = active_hypervisor(data, frm)
    if hv is None:
        raise MigrateError(f"{source} has no [hypervisor.<name>] table to migrate")
    if hv not in HYPERVISOR_NAMES[to]:
        known = ", ".join(HYPERVISOR_NAMES[to])
        raise MigrateBlocked(f"{NAMES[to]} has no {hv} hypervisor (it knows: {known}); "
                             "nothing to convert it to")
    agents = [k for k, v in (data.get("agent") or {}).items() if isinstance(v, dict)]
    e = Edit(doc, to, hv, agents)
    forward = to == "rs"
    try:
        fixes.retired_tables(e)
        fixes.retired_keys(e)
        for step in (keymap.renames, keymap.units, keymap.moves, keymap.force_guest_pull,
                     keymap.block_drivers, tables.factory):
            step(e, forward)
        if forward:
            tables.selectors(e)
        fixes.retired_values(e)
        fixes.required_values(e)
        tables.drop_unsupported(e)
        out = tomlkit.dumps(doc)
    except (TOMLKitError, AttributeError, KeyError, TypeError) as err:
        # tomlkit fails on some edits of a table written in pieces (issue 9): say so
        check_layout(doc, source)
        if isinstance(err, TOMLKitError):
            raise MigrateError(f"cannot convert {source} while keeping its layout: {err}") \
                from None
        raise
    arch = fixes.file_arch(data["hypervisor"][hv])
    return Migration(source, frm, to, hv, out, tuple(e.steps),
                     fixes.blockers(out, to, arch, source, release))


def migrate_file(path: Path, to: Runtime, *, release: str = NEWEST) -> Migration:
    """Migrate the file at ``path`` (drop-ins in config.d/ are separate files: migrate each);
    ``blockers`` are the errors ``release`` of the target runtime would find in the result."""
    try:
        text = read_input(path, "input").decode("utf-8")
    except InputError as err:
        raise MigrateError(str(err)) from None
    except UnicodeDecodeError as err:
        raise MigrateError(f"cannot read {path}: byte {err.start} is not valid UTF-8; "
                           "TOML files must be UTF-8 encoded") from None
    return migrate_text(text, to, str(path), release=release)


__all__ = [
    "MigrateBlocked",
    "MigrateError",
    "Migration",
    "Step",
    "StepKind",
    "explains",
    "migrate_file",
    "migrate_text",
    "touched_keys",
]
