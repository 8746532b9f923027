"""The fast TOML path returns exactly tomllib's result, or None (and tomllib reads the file).

The property that matters: ``fasttoml.parse`` never accepts a text that tomllib refuses, and
never returns data that differs from tomllib's in any value, type or key order. Checked on
every corpus config and fixture, on mutations of real configs, and on texts built from
statement fragments chosen to collide (repeated keys and tables, tables through values).
"""

from __future__ import annotations

import random
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kata_config import fasttoml
from tests.corpus import corpus_id, rendered_configs, require_corpus
from tests.mutations import mutate, seeds

FIXTURES = sorted(p for p in Path(__file__).parent.rglob("*.toml") if p.is_file())
SEEDS = seeds()


def _tomllib(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None


def _same(fast: dict[str, Any] | None, text: str) -> None:
    """``fast`` is None, or tomllib accepts ``text`` with equal data (types and order too)."""
    if fast is None:
        return
    slow = _tomllib(text)
    assert slow is not None, "the fast path accepted what tomllib refuses"
    assert repr(fast) == repr(slow)  # repr: bool vs int, float vs int, key order


@pytest.mark.parametrize("path", rendered_configs() or [None],
                         ids=lambda p: corpus_id(p) if p else "corpus-missing")
def test_every_corpus_config_takes_the_fast_path(path: Path | None) -> None:
    if path is None:
        require_corpus()
        return
    text = path.read_text(encoding="utf-8")
    fast = fasttoml.parse(text)
    assert fast is not None
    _same(fast, text)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(Path(__file__).parent)))
def test_fixtures_agree_with_tomllib(path: Path) -> None:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return
    _same(fasttoml.parse(text), text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n\n   \t\n",
        "a = 1",
        "a = 1\n[t]\nb = 'x' # c\n",
        "[a.b]\nx = 1\n[a]\ny = 2\n",
        "[[a]]\nn = 1\n[[a]]\nn = 2\n",
        "[ a . b ]\nx = [ 1, 2.5e3, -0.0, +0, 1_000, true, \"s\", 's', ]\n",
        "x = []\ny = [\"a#b\"] # ]\n",
        "[x]\n[y]\n[x.z]\n",
        "k = \"tab\there\"\n",
        "k = \"é ü\"\nn = 9" + "9" * 30 + "\n",
        'a = [\n  "x", # "not an element"\n\n  2 , # ]\n]\nb = [ # c\n]\n',
    ],
    ids=["empty", "comments", "no-newline", "table", "super-table-later", "array-of-tables",
         "spaced-header-mixed-array", "array-comment", "reopen-parent-implicitly", "tab-in-string",
         "unicode-big-int", "multi-line-array-comments"],
)
def test_plain_toml_is_parsed_as_tomllib_does(text: str) -> None:
    fast = fasttoml.parse(text)
    assert fast is not None
    _same(fast, text)


@pytest.mark.parametrize(
    "text",
    [
        "a = 1\na = 2\n",
        "[t]\n[t]\n",
        "[[t]]\n[t]\n",
        "[t]\n[[t]]\n",
        "a = 1\n[a]\n",
        "a = [1]\n[[a]]\n",
        "[a]\nb = 1\n[a.b.c]\n",
        "[a.b]\n[a]\nb = 1\n",
        "a = \"x\\ty\"\n",
        "a = [[1]]\n",
        "a = { b = 1 }\n",
        "a.b = 1\n",
        "a = 1\r\n",
        "a = \"\x01\"\n",
        "# \x7f\n",
        "a = 1979-05-27\n",
        "a = 0x10\n",
        "a = 01\n",
        "a = inf\n",
        "a = 1 b = 2\n",
        "a = \"\"\"x\"\"\"\n",
        "\"q\" = 1\n",
        "[a]]\n",
        "a = 1.\n",
        "a = 1__0\n",
        "a = [1, # c",
        "a = [\n1\n2]\n",
    ],
    ids=["repeated-key", "repeated-table", "table-after-array", "array-after-table",
         "table-over-value", "array-over-value", "table-through-value", "key-over-table",
         "escape", "nested-array", "inline-table", "dotted-key", "crlf", "control-char",
         "del-in-comment", "date", "hex", "leading-zero", "inf", "two-statements",
         "multi-line-string", "quoted-key", "bad-header", "bad-float", "double-underscore",
         "array-comment-at-end", "array-without-comma"],
)
def test_anything_else_is_left_to_tomllib(text: str) -> None:
    assert fasttoml.parse(text) is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, len(SEEDS) - 1),
       rounds=st.integers(1, 4))
def test_mutated_configs_agree_with_tomllib(seed: int, index: int, rounds: int) -> None:
    text = mutate(SEEDS[index], random.Random(seed), rounds).decode("utf-8", errors="replace")
    _same(fasttoml.parse(text), text)


_KEYS = st.sampled_from(["a", "b", "t", "x-1", "0"])
_HEADERS = st.lists(_KEYS, min_size=1, max_size=3).map(".".join)
_VALUES = st.sampled_from([
    "1", "-0", "+7", "1_0", "01", "0x1", "1.5", "1.5e-3", "1e3", "1.", "true", "false", "tru",
    '"s"', '""', "'l'", "''", '"a\\nb"', '"""m"""', "[]", "[1, 'x']", "[1,]", "[,]", "[[1]]",
    "[\n1,\n# c 'x'\n2 # d\n]", "[\n", "[ # c\n]", "[1\n,2]", "[1 # c", "[\n,]",
    "{}", "{ a = 1 }", "2024-01-01", "inf", "nan",
])
_LINES = st.one_of(
    st.tuples(_KEYS, st.sampled_from([" = ", "=", " =\t"]), _VALUES).map("".join),
    _HEADERS.map(lambda h: f"[{h}]"),
    _HEADERS.map(lambda h: f"[[{h}]]"),
    st.sampled_from(["", "# c", "  # c", "a.b = 1", "[ t ]", "[[ t ]]", "x = 1 # c", "\t",
                     "[t] # c", "= 1", "[]", "\x7f", "\r"]),
)


@settings(max_examples=1500, deadline=None)
@given(lines=st.lists(_LINES, max_size=12), newline=st.sampled_from(["\n", "\r\n"]))
def test_colliding_statements_agree_with_tomllib(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    _same(fasttoml.parse(text), text)


STOCK = sorted(p for folder in ("defaults", "kata_config/stock/releases")
               for p in (Path(__file__).parents[1] / folder).rglob("*.toml"))


@pytest.mark.parametrize("path", STOCK, ids=lambda p: "/".join(p.parts[-3:]))
def test_every_stock_file_takes_the_fast_path(path: Path) -> None:
    """diff parses its candidate baselines on every run: none of them falls back to tomllib."""
    text = path.read_text(encoding="utf-8")
    fast = fasttoml.parse(text)
    assert fast is not None
    _same(fast, text)
