"""The position scanner: every key tomllib sees gets the line and column it starts at."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from kata_config.sourcemap import scan
from tests.corpus import corpus_id, rendered_configs, require_corpus


def _keys(data: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        yield path
        if isinstance(value, Mapping):
            yield from _keys(value, path)
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            for index, item in enumerate(value):
                yield from _keys(item, f"{path}[{index}]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('a = 1\n"q.k" = 2\n', {"a": (1, 1), "q.k": (2, 1)}),
        ("[t]\nx = '''\nfake = 1\n'''\ny = 2\n", {"t": (1, 1), "t.x": (2, 1), "t.y": (5, 1)}),
        ('[t]\nx = [1,\n  "]", # ]\n  3]\ny = 2\n', {"t.x": (2, 1), "t.y": (5, 1)}),
        ("[t]\n  z = { a = 1, b = [2] }\n", {"t.z": (2, 3)}),
        ("[[a]]\nn = 1\n[a.sub]\nm = 1\n[[a]]\nn = 2\n",
         {"a": (1, 1), "a[0].n": (2, 1), "a[0].sub.m": (4, 1), "a[1].n": (6, 1)}),
        ('x = """a\\"""\nb = 1"""\ny = 1\n', {"x": (1, 1), "y": (3, 1)}),
        ("a.b.c = 1\n", {"a.b.c": (1, 1)}),
    ],
    ids=["quoted-key", "multiline-literal", "multiline-array", "inline-table", "array-of-tables",
         "escaped-quote", "dotted-key"],
)
def test_positions(text: str, expected: dict[str, tuple[int, int]]) -> None:
    tomllib.loads(text)  # the scanner assumes valid TOML
    found = scan(text)
    for key, pos in expected.items():
        assert found[key] == pos, key


def test_odd_input_never_raises() -> None:
    for text in ("", "[", "= 1", '"unterminated', "[[a", "x = [\n", "\x00\x01"):
        assert isinstance(scan(text), dict)


PARAMS = rendered_configs() or [pytest.param(None, id="corpus-missing")]


@pytest.mark.parametrize("path", PARAMS, ids=lambda p: corpus_id(p) if p else "none")
def test_every_corpus_key_has_a_position(path: Path | None) -> None:
    if path is None:
        require_corpus()
        return
    text = path.read_text(encoding="utf-8")
    positions = scan(text)
    missing = [key for key in _keys(tomllib.loads(text)) if key not in positions]
    assert missing == []
    lines = text.splitlines()
    for key, (line, col) in positions.items():
        leaf = key.rsplit(".", 1)[-1].split("[")[0]
        assert leaf in lines[line - 1][col - 1 :], (key, line, col)
