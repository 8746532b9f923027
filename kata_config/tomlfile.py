"""One TOML file: bytes (from a path, a host root or standard input) to data, or findings.

Every failure is a finding with a rule id, never an exception: unreadable, not UTF-8 text,
over the size cap, not TOML, or shaped beyond any Kata configuration (too deep, too many
tables), which is refused before any later stage walks the data recursively.
"""

from __future__ import annotations

import os
import re
from functools import cache
from itertools import repeat
from typing import Any, Final

from kata_config import fasttoml
from kata_config.findings import Finding, Location, Rule, Severity
from kata_config.inputs import MAX_INPUT_BYTES, STDIN, InputError, read_stdin
from kata_config.probes.host import HostRoot, Unreadable
from kata_config.record import record

MAX_BYTES: Final = MAX_INPUT_BYTES
"""A Kata config is ~30 KB; anything past 4 MiB is not one and is refused before parsing."""

FILE_UNREADABLE = Rule("file-unreadable", Severity.ERROR, "A configuration file cannot be read")
FILE_NOT_TEXT = Rule("file-not-text", Severity.ERROR, "A configuration file is not UTF-8 text")
FILE_TOO_LARGE = Rule("file-too-large", Severity.ERROR, "A configuration file is implausibly large")
TOML_SYNTAX = Rule("toml-syntax", Severity.ERROR, "The file is not valid TOML")
DROPIN_NOT_FILE = Rule(
    "dropin-not-file", Severity.ERROR, "An entry of config.d/ is not a regular file"
)
DROPIN_SYMLINK = Rule(
    "dropin-symlink", Severity.WARNING, "A config.d/ entry is a symbolic link (runtime-rs)"
)
DROPIN_TEMP = Rule(
    "dropin-temp-file", Severity.WARNING, "A config.d/ entry is a leftover temporary file"
)
FILE_TOO_COMPLEX = Rule(
    "file-too-complex", Severity.ERROR, "A file nests or repeats tables beyond any Kata config"
)
MAX_DEPTH: Final = 16
"""Deepest table nesting accepted; Kata's deepest is 4 (``hypervisor.qemu.factory.x``)."""
MAX_TABLES: Final = 1000
"""Most tables (and arrays of tables) accepted; a stock Kata config has about 10."""

RULES: Final = (
    FILE_UNREADABLE,
    FILE_NOT_TEXT,
    FILE_TOO_LARGE,
    TOML_SYNTAX,
    DROPIN_NOT_FILE,
    DROPIN_SYMLINK,
    DROPIN_TEMP,
    FILE_TOO_COMPLEX,
)

_TOML_POS: Final = r"\(at line (\d+), column (\d+)\)"
"""Where tomllib's message says the error is (``re``'s cache compiles it on a first error)."""
def finding_at(rule: Rule, message: str, path: str, line: int | None = None,
               col: int | None = None) -> Finding:
    """A finding of ``rule`` at a place in a file."""
    return Finding(rule.id, rule.severity, message, Location(path, line, col))


@record(slots=False)
class ParsedFile:
    """One file as read: its text (None when unusable), its data and any findings."""

    path: str
    text: str | None
    data: dict[str, Any] | None
    findings: tuple[Finding, ...] = ()


def read_file(path: str | os.PathLike[str], host: HostRoot | None = None) -> ParsedFile:
    """Read and parse one TOML file; every failure becomes a finding, never an exception.

    With ``host``, ``path`` is a path inside that host root and is read through it; without,
    it is an ordinary path. Either way only a regular file of at most ``MAX_BYTES`` is read,
    and a FIFO or device in its place is refused without blocking.
    """
    reader = host or HostRoot.plain()
    name = reader.shown(path)
    if host is None and name == STDIN:
        try:
            return parse_bytes(name, read_stdin(MAX_BYTES))
        except InputError as exc:
            return ParsedFile(name, None, None, (finding_at(FILE_TOO_LARGE, str(exc), name),))
    try:
        raw = reader.read(path, MAX_BYTES)
    except Unreadable as exc:
        why = str(exc)
        if why.startswith("is larger"):
            msg = f"{name} {why}; a Kata configuration is a few KiB"
            return ParsedFile(name, None, None, (finding_at(FILE_TOO_LARGE, msg, name),))
        fix = ("expected a TOML file" if why.startswith("is ") and "regular" in why
               else "check the path and its permissions")
        msg = f"cannot read {name}: it {why}; {fix}"
        return ParsedFile(name, None, None, (finding_at(FILE_UNREADABLE, msg, name),))
    return parse_bytes(name, raw)


def parse_bytes(name: str, raw: bytes) -> ParsedFile:
    """Parse the bytes of one file called ``name`` (a file, or ``-`` for standard input)."""
    if len(raw) > MAX_BYTES:
        msg = f"{name} is larger than {MAX_BYTES >> 20} MiB; a Kata configuration is a few KiB"
        return ParsedFile(name, None, None, (finding_at(FILE_TOO_LARGE, msg, name),))
    if b"\x00" in raw:
        msg = f"{name} contains NUL bytes: it is a binary file, not a TOML configuration"
        return ParsedFile(name, None, None, (finding_at(FILE_NOT_TEXT, msg, name),))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        msg = f"byte {exc.start} is not valid UTF-8; TOML files must be UTF-8 encoded"
        return ParsedFile(name, None, None, (finding_at(FILE_NOT_TEXT, msg, name, line),))
    deep = deep_key_line(text)
    if deep is not None:
        msg = (f"{name} has a key or table name of more than {MAX_DEPTH} dotted parts: this is "
               "not a Kata configuration, so it is not checked further")
        return ParsedFile(name, None, None, (finding_at(FILE_TOO_COMPLEX, msg, name, deep),))
    data = fasttoml.parse(text)
    if data is None:  # beyond the plain subset, or not TOML: tomllib decides and words it
        data, failed = _by_tomllib(name, text)
        if failed is not None:
            return failed
    problem = too_complex(data)
    if problem:
        msg = f"{name} {problem}: this is not a Kata configuration, so it is not checked further"
        return ParsedFile(name, text, None, (finding_at(FILE_TOO_COMPLEX, msg, name),))
    return ParsedFile(name, text, data)


def _by_tomllib(name: str, text: str) -> tuple[dict[str, Any], ParsedFile | None]:
    """tomllib's data, or the file with the syntax error as tomllib words it."""
    import tomllib  # noqa: PLC0415 (stdlib, ~2 ms: only text fasttoml leaves needs it)

    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc)
        match = re.search(_TOML_POS, reason)
        at_line = int(match.group(1)) if match else None
        col = int(match.group(2)) if match else None
        reason = re.sub(_TOML_POS, "", reason).strip()
        msg = f"invalid TOML: {reason}; fix the syntax at this position"
        return {}, ParsedFile(name, text, None,
                              (finding_at(TOML_SYNTAX, msg, name, at_line, col),))
    except RecursionError:
        msg = "invalid TOML: nesting is too deep to be a Kata configuration"
        return {}, ParsedFile(name, text, None, (finding_at(TOML_SYNTAX, msg, name),))


_PART: Final = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""


@cache  # compiled when a line has MAX_DEPTH dots (rare), not at every start-up (~0.2 ms)
def deep_key_pattern() -> re.Pattern[str]:
    """A dotted key or table name of more than ``MAX_DEPTH`` parts."""
    return re.compile(rf"(?m)(?:^|[\[{{,])[ \t]*(?:{_PART}[ \t]*\.[ \t]*){{{MAX_DEPTH},}}")


_MANY_DOTS: Final = re.compile(rf"\.(?:[^.\n]*\.){{{MAX_DEPTH - 1}}}")


def deep_key_line(text: str) -> int | None:
    """The line of a dotted key or table name of more than ``MAX_DEPTH`` parts, else None.

    Checked on the text, before parsing: tomllib takes quadratic time in the number of parts
    of one dotted key (20,000 parts: 5 s; a 4 MiB file of them would never finish).
    """
    if _MANY_DOTS.search(text) is None:  # no line has MAX_DEPTH dots: the common case
        return None
    # A match lies within one line and needs MAX_DEPTH dots on it: search only such lines
    # (a whole-text search tries the pattern at every line start, ~0.4 ms a config).
    lines = text.split("\n")
    dots = list(map(str.count, lines, repeat(".")))
    for number in (n for n, count in enumerate(dots) if count >= MAX_DEPTH):
        if deep_key_pattern().search(lines[number]):
            return number + 1
    return None


def too_complex(data: dict[str, Any]) -> str | None:
    """Why ``data`` is beyond any Kata config (too deep, too many tables), else None.

    Checked without recursion, before any stage walks the data recursively.
    """
    stack: list[tuple[Any, int]] = [(data, 1)]
    tables = 0
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nests tables or arrays more than {MAX_DEPTH} levels deep (Kata uses 4)"
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                tables += isinstance(child, dict)
                if tables > MAX_TABLES:
                    return f"has more than {MAX_TABLES} tables (a Kata configuration has ~10)"
                stack.append((child, depth + 1))
    return None
