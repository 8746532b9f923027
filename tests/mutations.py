"""Mutations of real configs for the property test and the long fuzz run.

Each mutation turns valid TOML text into something a careless edit, a bad tool or a hostile
user could produce: deleted, renamed or retyped keys, garbage bytes, truncation, huge values.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Final

from tests.corpus import rendered_configs

_KEY_LINE: Final = re.compile(rb"^([A-Za-z0-9_-]+)(\s*=\s*)(.*)$", re.MULTILINE)
_LITERALS: Final = (
    b'"text"', b"''", b"-1", b"0", b"1.5", b"true", b"false", b"[]", b'["a", 1]', b"{}",
    b"{ a = 1 }", b"1979-05-27T07:32:00Z", b"9" * 400, b"-" + b"9" * 40, b"1e999", b"nan",
    b'"' + b"x" * 100_000 + b'"', b"[" * 50 + b"]" * 50, b'"@SOME_VAR@"', b'"\\u0000"',
    b'"(unclosed"', b'["^path$", "[a-"]',
)
FALLBACK: Final = (
    Path(__file__).parent / "fixtures" / "configs" / "valid" / "schema-type" / "number.toml"
)


def seeds() -> list[bytes]:
    """The corpus configs, or one fixture when the corpus is absent."""
    paths = rendered_configs() or [FALLBACK]
    return [p.read_bytes() for p in paths]


def _keys(data: bytes) -> list[re.Match[bytes]]:
    return list(_KEY_LINE.finditer(data))


def delete_key(data: bytes, rnd: random.Random) -> bytes:
    keys = _keys(data)
    if not keys:
        return data
    m = rnd.choice(keys)
    return data[: m.start()] + data[m.end():]


def rename_key(data: bytes, rnd: random.Random) -> bytes:
    keys = _keys(data)
    if not keys:
        return data
    m = rnd.choice(keys)
    name = bytearray(m.group(1))
    pos = rnd.randrange(len(name))
    name[pos : pos + 1] = rnd.choice([b"", b"_", b"x", name[pos : pos + 1] * 2])
    return data[: m.start(1)] + bytes(name or b"k") + data[m.end(1):]


def retype_value(data: bytes, rnd: random.Random) -> bytes:
    keys = _keys(data)
    if not keys:
        return data
    m = rnd.choice(keys)
    return data[: m.start(3)] + rnd.choice(_LITERALS) + data[m.end(3):]


def garbage(data: bytes, rnd: random.Random) -> bytes:
    pos = rnd.randrange(len(data) + 1)
    junk = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 16)))
    return data[:pos] + junk + data[pos:]


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data) + 1)]


def duplicate_line(data: bytes, rnd: random.Random) -> bytes:
    lines = data.split(b"\n")
    index = rnd.randrange(len(lines))
    lines.insert(index, lines[index])
    return b"\n".join(lines)


def add_table(data: bytes, rnd: random.Random) -> bytes:
    extra = rnd.choice([b"[hypervisor.clh]\n", b"[agent.other]\n", b"[image]\npath = 1\n",
                        b"[hypervisor.qemu.factory]\nvm_cache_number = 3\n",
                        b"[[runtime.shared_mounts]]\nname = 1\n", b"[hypervisor.bogus]\n"])
    return data + b"\n" + extra


MUTATIONS: Final[tuple[Callable[[bytes, random.Random], bytes], ...]] = (
    delete_key, rename_key, retype_value, garbage, truncate, duplicate_line, add_table,
)


def mutate(data: bytes, rnd: random.Random, rounds: int) -> bytes:
    """Apply ``rounds`` random mutations."""
    for _ in range(rounds):
        data = rnd.choice(MUTATIONS)(data, rnd)
    return data
