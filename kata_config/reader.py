"""Load a configuration as Kata does: the main file, then its ``config.d/`` drop-ins merged in.

Parsing uses fasttoml (plain TOML) or tomllib; positions come from ``sourcemap.scan`` and are
only computed when something asks for them, so a clean file never pays for them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Final

from kata_config.atomic import is_temp_name
from kata_config.findings import Finding, Location, Severity
from kata_config.inputs import STDIN
from kata_config.probes.host import HostRoot, Unreadable
from kata_config.probes.inroot import kind
from kata_config.record import field, record
from kata_config.sourcemap import scan
from kata_config.tablemerge import deep_copy, merge
from kata_config.tomlfile import (
    DROPIN_NOT_FILE,
    DROPIN_SYMLINK,
    DROPIN_TEMP,
    FILE_UNREADABLE,
    MAX_BYTES,
    RULES,
    ParsedFile,
    finding_at,
    parse_bytes,
    read_file,
)

CONFIG_NAME: Final = "configuration.toml"

__all__ = ["CONFIG_NAME", "MAX_BYTES", "RULES", "Loaded", "ParsedFile", "dropin_paths",
           "load_config", "merge", "parse_bytes", "read_file", "resolve_main"]


@record(slots=False)
class Loaded:
    """The effective configuration of one main file and its drop-ins."""

    main: Path
    data: dict[str, Any]
    files: tuple[str, ...]
    findings: tuple[Finding, ...]
    parsed: tuple[ParsedFile, ...] = field(repr=False, default=())

    @property
    def ok(self) -> bool:
        """False when the main file or a drop-in could not be read or parsed."""
        return not any(f.severity == Severity.ERROR for f in self.findings)

    @cached_property
    def positions(self) -> Mapping[str, Location]:
        """Dotted key -> where its winning value is written (drop-ins override the main file)."""
        result: dict[str, Location] = {}
        for index, parsed in enumerate(self.parsed):
            if parsed.text is None or parsed.data is None:
                continue
            for key, (line, col) in scan(parsed.text).items():
                if index == 0:
                    result[key] = Location(parsed.path, line, col, key)
                    continue
                # a drop-in that replaces an array (of tables) makes the old entries' places stale
                stale = [k for k in result if k.startswith((key + "[", key + "."))]
                if stale and not _is_table(parsed.data, key):
                    for old in stale:
                        del result[old]
                result[key] = Location(parsed.path, line, col, key)
        return result

    def locate(self, key: str | None) -> Location:
        """Where ``key`` (or its nearest written parent) is; the main file when nowhere."""
        if key:
            positions = self.positions
            probe = key
            while probe:
                if probe in positions:
                    found = positions[probe]
                    return Location(found.path, found.line, found.col, key)
                cut = max(probe.rfind("."), probe.rfind("["))
                probe = probe[:cut] if cut > 0 else ""
        return Location(str(self.main), None, None, key)



def _is_table(data: Mapping[str, Any], dotted: str) -> bool:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return isinstance(node, Mapping)


def resolve_main(path: str | os.PathLike[str], reader: HostRoot) -> tuple[str, str]:
    """The main file as the user named it and as Kata resolves it (symlinks followed).

    A directory stands for its ``configuration.toml``. Output keeps the user's spelling;
    the resolved form decides where ``config.d/`` is, as it does for Kata. Under a host root
    both are paths inside it, and resolution never leaves it.
    """
    named = os.fspath(path)
    if reader.is_dir(named):
        named = os.path.join(named, CONFIG_NAME)
    resolved = reader.resolve(named)
    if resolved is None:
        return named, named
    if os.path.dirname(resolved) == reader.resolve(os.path.dirname(named) or "."):
        return named, named  # no symlink in the way: keep the (maybe relative) spelling
    return named, resolved


def dropin_paths(main: str, reader: HostRoot) -> tuple[list[str], list[Finding]]:
    """Entries of ``config.d/`` beside the (resolved) main file, in name order, with problems."""
    directory = os.path.join(os.path.dirname(main), "config.d")
    shown = reader.shown(directory)
    try:
        names = reader.entries(directory)
    except Unreadable as exc:
        if str(exc) == "does not exist":
            return [], []
        msg = f"cannot list {shown}: it {exc}; both runtimes fail to load"
        return [], [finding_at(FILE_UNREADABLE, msg, shown)]
    paths: list[str] = []
    problems: list[Finding] = []
    for name in names:
        entry = os.path.join(directory, name)
        where = reader.shown(entry)
        if is_temp_name(name):
            msg = (f"{where} is a temporary file left by an interrupted write; both runtimes "
                   "read it as a drop-in all the same: delete it")
            problems.append(finding_at(DROPIN_TEMP, msg, where))
        if reader.is_symlink(entry):
            msg = (f"{where} is a symbolic link: runtime-rs checks the entry's own type and "
                   "most likely refuses it; copy the file into config.d/ instead")
            problems.append(finding_at(DROPIN_SYMLINK, msg, where))
        st = reader.stat(entry)
        if st is None or not stat.S_ISREG(st.st_mode):
            what = kind(st.st_mode) if st else "a symbolic link leading nowhere (in the root)"
            msg = (f"{where} is {what}, not a regular file: both runtimes read every entry of "
                   "config.d/ and fail on this one; remove it or move it elsewhere")
            problems.append(finding_at(DROPIN_NOT_FILE, msg, where))
            continue
        paths.append(entry)
    return paths, problems


def load_config(path: str | os.PathLike[str], dropins: bool = True, *,
                host: HostRoot | None = None) -> Loaded:
    """Load ``path`` (a file, or a directory holding configuration.toml) with its drop-ins.

    ``-`` (without ``host``) reads one file from standard input, with no drop-ins.
    With ``host``, ``path`` is a path inside that host root (``/etc/kata-containers/x.toml``)
    and the main file, the ``config.d/`` listing and every drop-in are read through it, so
    no symlink or ``..`` leads outside the root; paths in the result are host paths. Without,
    ``path`` is an ordinary path (relative to the working directory).
    """
    reader = host or HostRoot.plain()
    if host is None and os.fspath(path) == STDIN:  # one file, no config.d beside it
        only = read_file(STDIN)
        return Loaded(Path(STDIN), deep_copy(only.data) if only.data is not None else {},
                      (STDIN,), only.findings, (only,))
    main, resolved = resolve_main(path, reader)
    first = read_file(main, reader)
    parsed = [first]
    findings = list(first.findings)
    data: dict[str, Any] = first.data if first.data is not None else {}
    if dropins and first.data is not None:
        entries, problems = dropin_paths(resolved, reader)
        findings.extend(problems)
        if entries:
            data = deep_copy(data)  # merging must not change the main file's own data
        for entry in entries:
            extra = read_file(entry, reader)
            parsed.append(extra)
            findings.extend(extra.findings)
            if extra.data is not None:
                merge(data, extra.data)
    return Loaded(Path(reader.shown(main)), data, tuple(p.path for p in parsed),
                  tuple(findings), tuple(parsed))
