"""The deep-key guard (``tomlfile.deep_key_line``) finds the same line as a plain scan.

It runs on every file before parsing; a quick test for "no line has 16 dots" lets almost
every file skip the line-by-line search, and must never hide a line the search would find.
"""

from __future__ import annotations

import pytest

from kata_config.tomlfile import MAX_DEPTH, deep_key_line, deep_key_pattern
from tests.corpus import rendered_configs


def _every_line(text: str) -> int | None:
    for number, line in enumerate(text.split("\n"), 1):
        if deep_key_pattern().search(line):
            return number
    return None


DEEP = ".".join(["k"] * (MAX_DEPTH + 1))
SHALLOW = ".".join(["k"] * MAX_DEPTH)


@pytest.mark.parametrize("text", [
    "", "a = 1\n", f"{DEEP} = 1\n", f"x = 1\n[{DEEP}]\n", f"{SHALLOW} = 1\n",
    f"# {DEEP}\n", f"# , {DEEP}\n", f"x = [1, {DEEP}]\n", "." * 40 + "\n",
    f"a = 1\n{SHALLOW} = 1\n{SHALLOW}.\n{DEEP} = 2\n", f'"{DEEP}" = 1\n',
    "\n".join([SHALLOW] * 50) + f"\n{DEEP}", f"{'k .' * 20} = 1",
], ids=["empty", "plain", "deep-key", "deep-table", "sixteen-parts", "comment",
        "comment-after-comma", "array", "dots", "later-line", "quoted", "after-many", "spaced"])
def test_same_line_as_a_scan_of_every_line(text: str) -> None:
    assert deep_key_line(text) == _every_line(text)


def test_corpus_configs_have_no_deep_key() -> None:
    for path in rendered_configs():
        text = path.read_text(encoding="utf-8")
        assert deep_key_line(text) is None
        assert _every_line(text) is None
