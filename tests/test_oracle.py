"""Differential tests against upstream's own loader and host checker (issue 14).

The oracle is upstream's Go runtime 3.30.0, built by .ci/setup.d/20-oracle.sh; tests that run
it skip without it (and root) and fail under .ci/run. The whole suite here takes about a
minute on 2 cores: ~1,150 configs at ~30 ms each in the oracle, 2 at a time, plus ours.
``python -m tests.oracle run`` is the long form (5,000 generated configs) behind
docs/fidelity.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kata_config.rules import registry
from tests.needs import need
from tests.oracle import fidelity, hostcheck, sources, suite
from tests.oracle.__main__ import CI_GENERATED, STOCK
from tests.oracle.generate import generate, go_keys
from tests.oracle.harness import Case, Oracle, find_binary, usable
from tests.oracle.refusals import REFUSALS, classify

REPO = Path(__file__).resolve().parents[1]
NETNS = b"""[hypervisor.qemu]
kernel = "/usr/share/kata-containers/vmlinux.container"
image = "/usr/share/kata-containers/kata-containers.img"
virtio_fs_daemon = "/usr/libexec/virtiofsd"
[agent.kata]
[runtime]
disable_new_netns = true
internetworking_model = "tcfilter"
"""


@pytest.fixture(scope="module")
def oracle() -> Iterator[Oracle]:
    ok, why = usable()
    need(ok, why)
    binary = find_binary()
    assert binary is not None
    with Oracle(binary) as running:
        yield running


def _mounts() -> int:
    with open("/proc/self/mountinfo", encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def test_oracle_loads_refuses_and_leaves_the_host_alone(oracle: Oracle) -> None:
    before = _mounts()
    stock = oracle.load(Case("stock", (REPO / STOCK).read_bytes()))
    refused = oracle.load(Case("netns", NETNS))
    assert stock.loaded, stock.message
    assert stock.env["Hypervisor"]["MachineType"] == "q35"
    # the worker puts the config's own path spellings back into kata-env's answer
    assert stock.env["Kernel"]["Path"] == "/usr/share/kata-containers/vmlinux.container"
    assert not refused.loaded
    assert refused.message == ("config disable_new_netns only works with 'none' "
                               "internetworking_model")
    assert _mounts() == before  # every mount lived in the workers' own namespaces


def test_oracle_runs_have_a_deadline() -> None:
    ok, why = usable()
    need(ok, why)
    binary = find_binary()
    assert binary is not None
    with Oracle(binary, workers=1, timeout=0.001) as hasty:
        verdict = hasty.load(Case("stock", (REPO / STOCK).read_bytes()))
    assert verdict.timed_out
    assert not verdict.loaded
    assert classify(verdict.message) is not None


def test_differential_suite(oracle: Oracle) -> None:
    items = list(sources.corpus())
    fixtures, _ = sources.fixtures()
    items += fixtures + list(sources.generated(CI_GENERATED, 14))
    outcomes = list(suite.run(items, oracle))
    assert len(outcomes) == len(items) > CI_GENERATED
    unmapped = [(o.name, o.message) for o in outcomes if o.verdict == "unmapped"]
    assert not unmapped, f"upstream refusals no rule of ours is mapped to: {unmapped[:5]}"
    unexplained = [(o.name, o.note, o.verdict, o.message, o.errors) for o in outcomes
                   if not o.agrees and not o.known]
    assert not unexplained, f"disagreements without a documented reason: {unexplained[:5]}"
    values = [(o.name, o.note, o.differ, o.load_error) for o in outcomes
              if (o.differ or (o.loaded and o.load_error)) and not o.values_known]
    assert not values, f"resolved values that differ without a documented reason: {values[:5]}"
    agree = sum(o.agrees for o in outcomes)
    assert agree >= 0.99 * len(outcomes), f"only {agree} of {len(outcomes)} agree"


def test_refusal_table_names_real_load_time_rules() -> None:
    rules = registry()
    for refusal in REFUSALS:
        for rule in refusal.rules:
            assert rule in rules, (refusal.id, rule)
            assert rules[rule].rule.severity.name == "ERROR", (refusal.id, rule)


def test_generator_is_seeded_and_covers_every_key_in_and_out_of_range() -> None:
    first = [g.data for g in generate(200, 7)]
    assert first == [g.data for g in generate(200, 7)]
    assert first != [g.data for g in generate(200, 8)]
    notes = [g.note for g in generate(CI_GENERATED, 14)]
    for spec in go_keys():
        mine = [n for n in notes if f".{spec.name} = " in n]
        assert mine, f"{spec.name} is never generated"
    kinds = " ".join(notes)
    for label in ("(wrong-type)", "(above-u32)", "(below-min)", "(choice-typo)", "misspelt",
                  "(home-variable)", "second hypervisor table"):
        assert label in kinds, label


def test_fidelity_page_is_current() -> None:
    results = json.loads(fidelity.RESULTS.read_text(encoding="utf-8"))
    assert fidelity.PAGE.read_text(encoding="utf-8") == fidelity.render(results), \
        "docs/fidelity.md is stale: python -m tests.oracle.fidelity"
    assert results["verdicts"]["unexplained differences"] == 0
    assert results["run"]["counts"]["generated"] >= 5000


def test_host_checkers_both_run_and_ours_explains_each_upstream_failure() -> None:
    ok, why = usable()
    need(ok, why)
    binary = find_binary()
    assert binary is not None
    ours = hostcheck.ours(str(REPO / STOCK))
    assert ours["verdict"][0] in ("pass", "warn", "fail")
    for _, args, fake_vsock in hostcheck.VARIANTS:
        with Oracle(binary, workers=1, host_dev=True, fake_vsock=fake_vsock) as upstream:
            reply = upstream.run(hostcheck.stock_case(str(REPO / STOCK)), args)
        assert not reply["timed_out"]
        assert reply["rc"] in (0, 1), reply["stderr"][-500:]
        for row in hostcheck.compare(reply["stderr"], ours):
            assert row.status != "missing", f"no check of ours covers {row.upstream}"
            assert row.message, row
        if reply["rc"] == 1:  # a failing run must be one whose failures we can read
            assert hostcheck.upstream_failures(reply["stderr"]), reply["stderr"][-500:]
