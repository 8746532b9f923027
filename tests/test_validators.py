"""The semantic rules in kata_config.validators: contract, documentation, fixtures, corpus."""

from __future__ import annotations

import inspect
import re
import shlex
import textwrap
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from kata_config.findings import Issue, Rule, Severity
from kata_config.keys import Runtime
from kata_config.keys.history import NEWEST
from kata_config.model import KataConfig
from kata_config.validators import CHECKS, RULES, run_checks
from kata_config.validators.numa import node_list_ok
from kata_config.validators.verity import verity_problem
from tests.corpus import arch_of, corpus_id, rendered_configs, require_corpus, runtime_of

FIXTURES: Final = Path(__file__).parent / "fixtures" / "configs"
RULE_IDS: Final = frozenset(rule.id for rule in RULES)
_KEBAB: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CheckFn = Callable[[KataConfig], Iterator[Issue]]


def options(text: str) -> tuple[Runtime, str, str]:
    """Runtime, arch and Kata release of a fixture or snippet, as the fixture convention
    defines them."""
    runtime: Runtime = "go"
    arch = "x86_64"
    release = NEWEST
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith("# kata-config:"):
        words = shlex.split(first.removeprefix("# kata-config:"))
        for flag, value in zip(words[::2], words[1::2], strict=False):
            if flag == "--runtime":
                runtime = "rs" if value == "rs" else "go"
            elif flag == "--arch":
                arch = value
            elif flag == "--kata-version":
                release = value
        return runtime, arch, release
    data = tomllib.loads(text)
    if isinstance(data.get("runtime"), dict) and "hypervisor_name" in data["runtime"]:
        runtime = "rs"
    return runtime, arch, release


def config_of(text: str) -> KataConfig:
    """A model of TOML text with the options its header (or content) implies."""
    runtime, arch, release = options(text)
    return KataConfig(tomllib.loads(text), runtime, arch, release)


def snippet(doc: str, label: str) -> str:
    """The indented TOML block that follows ``Fails:`` or ``Passes:`` in a docstring."""
    match = re.search(rf"^{label}:\n((?:[ \t]+\S.*\n?)+)", doc, re.M)
    assert match, f"no {label}: block"
    return textwrap.dedent(match.group(1))


def _rule_fires(rule: Rule, cfg: KataConfig) -> list[str]:
    return [issue.message for r, issue in run_checks(cfg) if r.id == rule.id]


def _check_id(item: tuple[Rule, _CheckFn]) -> str:
    return item[0].id


# --- contract -------------------------------------------------------------------------------


def test_rule_ids_are_unique_and_kebab_case() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert [i for i in ids if not _KEBAB.fullmatch(i)] == []


def test_every_rule_has_one_check_and_a_summary() -> None:
    for rule, check in CHECKS:
        assert rule.summary
        assert not rule.summary.endswith(".")
        assert check.__name__.startswith("check_")


@pytest.mark.parametrize(("rule", "check"), CHECKS, ids=[r.id for r, _ in CHECKS])
def test_docstring_examples_behave_as_documented(rule: Rule, check: _CheckFn) -> None:
    doc = inspect.getdoc(check)
    assert doc, f"{check.__name__} has no docstring"
    summary = doc.split("\n", 1)[0]
    assert summary
    assert "Fails:" in doc
    assert "Passes:" in doc
    failing, passing = snippet(doc, "Fails"), snippet(doc, "Passes")
    assert list(check(config_of(failing))), f"Fails: snippet does not trigger {rule.id}"
    assert list(check(config_of(passing))) == [], f"Passes: snippet triggers {rule.id}"


# --- fixtures -------------------------------------------------------------------------------


def _fixtures(kind: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / kind).glob("*/*.toml") if p.parent.name in RULE_IDS)


def _fixture_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.mark.parametrize("case", _fixtures("invalid"), ids=_fixture_id)
def test_invalid_fixture_triggers_its_rule(case: Path) -> None:
    rule = next(r for r in RULES if r.id == case.parent.name)
    assert _rule_fires(rule, config_of(case.read_text()))


@pytest.mark.parametrize("case", _fixtures("valid"), ids=_fixture_id)
def test_valid_fixture_passes_its_rule(case: Path) -> None:
    rule = next(r for r in RULES if r.id == case.parent.name)
    assert _rule_fires(rule, config_of(case.read_text())) == []


def test_every_rule_has_both_fixtures() -> None:
    failing = {p.parent.name for p in _fixtures("invalid")}
    passing = {p.parent.name for p in _fixtures("valid")}
    assert sorted(RULE_IDS - failing) == []
    assert sorted(RULE_IDS - passing) == []


# --- upstream corpus ------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("path", rendered_configs(), ids=corpus_id)
def test_upstream_configs_have_no_errors(path: Path) -> None:
    require_corpus()
    runtime: Runtime = "rs" if runtime_of(path) == "rs" else "go"
    cfg = KataConfig(tomllib.loads(path.read_text()), runtime, arch_of(path))
    errors = [
        f"{rule.id} {issue.key}: {issue.message}"
        for rule, issue in run_checks(cfg)
        if rule.severity == Severity.ERROR
    ]
    assert errors == []


def test_corpus_is_all_there() -> None:
    require_corpus()
    assert len(rendered_configs()) == 37


# --- odd data never crashes a check ---------------------------------------------------------

_ODD_VALUES: Final[tuple[Any, ...]] = ("x", "", -1, 0, 10**20, 1.5, True, [], ["a", 1], {})


def _oddify(data: Any, odd: Any) -> Any:
    if isinstance(data, dict):
        return {k: _oddify(v, odd) for k, v in data.items()}
    if isinstance(data, list) and data and all(isinstance(i, dict) for i in data):
        return [_oddify(i, odd) for i in data]
    return odd


@pytest.mark.parametrize("odd", _ODD_VALUES, ids=repr)
@pytest.mark.parametrize("runtime", ["go", "rs"])
def test_checks_skip_values_of_unexpected_type(odd: Any, runtime: Runtime) -> None:
    base = "\n".join(
        [
            "[hypervisor.qemu]",
            'kernel = "/k"',
            "default_vcpus = 8",
            "[[hypervisor.qemu.guest_extension_images]]",
            'name = "coco"',
            "[hypervisor.dragonball]",
            'path = "/p"',
            "[factory]",
            "enable_template = true",
            "[agent.kata]",
            "dial_timeout_ms = 0",
            "[runtime]",
            'hypervisor_name = "qemu"',
            "[[runtime.shared_mounts]]",
            'name = "n"',
        ]
    )
    data = _oddify(tomllib.loads(base), odd)
    for arch in ("x86_64", "aarch64", "ppc64le"):
        list(run_checks(KataConfig(data, runtime, arch)))


def test_odd_top_level_shapes_do_not_crash() -> None:
    for data in ({"hypervisor": "x"}, {"hypervisor": {"qemu": 1}}, {"runtime": []}, {}):
        for runtime in ("go", "rs"):
            list(run_checks(KataConfig(data, runtime, "x86_64")))  # type: ignore[arg-type]


# --- pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", None),
        ("root_hash=a,salt=b,data_blocks=1,data_block_size=512,hash_block_size=4096", None),
        ("root_hash=a,salt=b,data_blocks=1,data_block_size=512", "missing hash_block_size"),
        ("root_hash=a,salt=b,data_blocks=0,data_block_size=512,hash_block_size=512", "data_b"),
        ("root_hash=a,salt=b,data_blocks=1,data_block_size=1000,hash_block_size=512", "512"),
        ("root_hash", "not key=value"),
    ],
    ids=["empty", "valid", "missing", "zero", "not-512", "no-equals"],
)
def test_verity_problem(text: str, problem: str | None) -> None:
    found = verity_problem(text)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


@pytest.mark.parametrize(
    ("entry", "ok"),
    [("0", True), ("0-1", True), ("0,2-3", True), ("1-0", False), ("node0", False), ("", False)],
)
def test_node_list(entry: str, ok: bool) -> None:
    assert node_list_ok(entry) is ok


def test_message_names_both_values() -> None:
    cfg = config_of("[hypervisor.qemu]\ndefault_vcpus = 8\ndefault_maxvcpus = 4\n")
    messages = [i.message for r, i in run_checks(cfg) if r.id == "vcpus-exceed-max"]
    assert messages == [
        "default_vcpus (8) exceeds default_maxvcpus (4): QEMU fails to start; set "
        "default_maxvcpus to at least 8 or lower default_vcpus"
    ]


def test_huge_integers_do_not_crash_numeric_rules() -> None:
    """tomllib accepts integers far past 64 bits; float() of one overflows (found by fuzzing)."""
    import tempfile
    from pathlib import Path

    from kata_config.findings import Severity
    from kata_config.pipeline import findings_for
    from kata_config.reader import load_config

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "configuration.toml"
        path.write_text("[hypervisor.qemu]\ndefault_vcpus = " + "9" * 400 + "\n"
                        "default_maxvcpus = " + "9" * 400 + "\ndefault_memory = -" + "9" * 40
                        + "\n")
        findings = findings_for(load_config(path), "rs", "ppc64le")
    assert "internal-error" not in {f.rule_id for f in findings}
    assert any(f.severity == Severity.ERROR for f in findings)


@pytest.mark.parametrize(("key", "value", "shown", "advice"), [
    # integers past 2**53 lost their last digits (and past 2**63 printed as 1e+20) through float
    ("default_memory", "123456789012345678", "123456789012345678", "KiB write 120563270519868,"),
    ("default_memory", "100000000000000000000", "100000000000000000000",
     "KiB write 97656250000000000,"),
    ("dial_timeout", "9007199254740993", "9007199254740993", "write 9007199254740"),
], ids=["above-2**53", "above-2**63", "seconds"])
def test_unit_suspicious_quotes_huge_integers_exactly(key: str, value: str, shown: str,
                                                      advice: str) -> None:
    table = "hypervisor.qemu" if key == "default_memory" else "agent.kata"
    cfg = config_of(f"[{table}]\n{key} = {value}\n")
    messages = [issue.message for rule, issue in run_checks(cfg) if rule.id == "unit-suspicious"]
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"{key} = {shown} looks like the wrong unit")
    assert advice in messages[0]
    assert "e+" not in messages[0]
