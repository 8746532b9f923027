"""The configs the differential suite runs: the corpus's Go configs, our Go fixtures, and
generated ones (``generate.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.flavour import detect_runtime
from kata_config.reader import load_config
from tests.corpus import CORPUS
from tests.oracle.generate import generate
from tests.oracle.harness import Case
from tests.test_rule_fixtures import FIXTURES, _options

Item = tuple[Case, str, str]
"""A case, its source (corpus, fixture, generated) and a note on what it is."""
UPSTREAM: Final = CORPUS / "kata-upstream"


def corpus() -> Iterator[Item]:
    """Every Go config in the shared corpus: the rendered files and the raw templates."""
    rendered = sorted(UPSTREAM.glob("rendered/*/runtime-go/*.toml"))
    templates = sorted(UPSTREAM.glob("templates/runtime-go/*.toml.in"))
    for path in (*rendered, *templates):
        name = "corpus/" + str(path.relative_to(UPSTREAM))
        note = "upstream template, placeholders unsubstituted" if path.suffix == ".in" else \
            "upstream rendered config"
        yield Case.from_path(path, name), "corpus", note


def fixtures() -> tuple[list[Item], list[tuple[str, str]]]:
    """Our Go rule fixtures, and those that cannot be copied into the oracle (with why)."""
    items: list[Item] = []
    skipped: list[tuple[str, str]] = []
    for path in sorted(p for p in FIXTURES.glob("*/*/*") if p.suffix != ".expected"):
        name = "fixture/" + str(path.relative_to(FIXTURES))
        runtime = _options(path)[0]
        if runtime == "auto":
            loaded = load_config(path)
            runtime = detect_runtime(loaded.data, loaded.main)
        if runtime != "go":
            continue
        try:
            items.append((Case.from_path(path, name), "fixture", f"{path.parent.name} fixture"))
        except OSError as exc:
            skipped.append((name, f"{exc.strerror}: not a set of files the oracle can load"))
    return items, skipped


def generated(count: int, seed: int) -> Iterator[Item]:
    """The first ``count`` generated configs of ``seed``."""
    for gen in generate(count, seed):
        yield Case(gen.name, gen.data), "generated", gen.note
