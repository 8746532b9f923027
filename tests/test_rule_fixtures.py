"""Every rule has a fixture that fails it and one that passes it, run through the whole pipeline.

Layout: tests/fixtures/configs/invalid/<rule-id>/<case>(.toml | directory with
configuration.toml and config.d/) and tests/fixtures/configs/valid/<rule-id>/<case>. A first
line ``# kata-config: --runtime rs --arch aarch64`` sets the options; ``<case>.expected`` beside
a failing case lists every finding the pipeline must report, as ``rule-id line:col``.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Final

import pytest

from kata_config.findings import Report
from kata_config.keys.history import NEWEST
from kata_config.pipeline import RuntimeChoice, validate_file
from kata_config.rules import registry

FIXTURES: Final = Path(__file__).parent / "fixtures" / "configs"
NO_FIXTURE: Final = {
    # made at test time in test_load.py: a 4 MiB file does not belong in the repository
    "file-too-large",
    # raised only when a rule itself crashes; test_pipeline.py injects such a rule
    "internal-error",
    # needs a file inside a config.d/ directory; tests/test_fragment.py makes one
    "dropin-fragment",
}


def _cases(kind: str) -> list[Path]:
    root = FIXTURES / kind
    return sorted(p for p in root.glob("*/*") if p.suffix != ".expected")


def _options(case: Path) -> tuple[RuntimeChoice, str, str]:
    main = case / "configuration.toml" if case.is_dir() else case
    runtime: RuntimeChoice = "auto"
    arch = "x86_64"
    release = NEWEST
    try:
        first = main.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    except OSError:
        first = ""
    if first.startswith("# kata-config:"):
        words = shlex.split(first.removeprefix("# kata-config:"))
        for flag, value in zip(words[::2], words[1::2], strict=False):
            if flag == "--runtime":
                runtime = value  # type: ignore[assignment]
            elif flag == "--arch":
                arch = value
            elif flag == "--kata-version":
                release = value
    return runtime, arch, release


def _run(case: Path) -> Report:
    runtime, arch, release = _options(case)
    return validate_file(case, runtime=runtime, arch=arch, release=release)


def _ident(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("case", _cases("invalid"), ids=_ident)
def test_invalid_fixture_fails_its_rule(case: Path) -> None:
    rule_id = case.parent.name
    report = _run(case)
    assert rule_id in {f.rule_id for f in report.findings}, [
        (f.rule_id, f.message) for f in report.findings
    ]
    expected_file = case.with_suffix(".expected") if case.is_file() else Path(f"{case}.expected")
    if expected_file.exists():
        got = sorted(f"{f.rule_id} {f.location.line}:{f.location.col}" for f in report.findings)
        want = sorted(line.strip() for line in expected_file.read_text().splitlines() if line)
        assert got == want


@pytest.mark.parametrize("case", _cases("valid"), ids=_ident)
def test_valid_fixture_passes_its_rule(case: Path) -> None:
    rule_id = case.parent.name
    report = _run(case)
    hits = [f.message for f in report.findings if f.rule_id == rule_id]
    assert hits == []


def test_every_rule_has_both_fixtures() -> None:
    rules = set(registry())
    failing = {p.parent.name for p in _cases("invalid")}
    passing = {p.parent.name for p in _cases("valid")}
    assert sorted(rules - NO_FIXTURE - failing) == [], "rules without a failing fixture"
    assert sorted(rules - NO_FIXTURE - passing) == [], "rules without a passing fixture"
    assert sorted((failing | passing) - rules) == [], "fixture folders naming no rule"


def test_rule_ids_are_unique_and_kebab_case() -> None:
    ids = list(registry())  # registry() raises on a duplicate id
    for rule_id in ids:
        assert rule_id == rule_id.lower()
        assert all(part.isalnum() for part in rule_id.split("-")), rule_id
