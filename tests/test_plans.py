"""Launch plans for every corpus config, golden plans per arch, and the worked example."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from kata_runtime.plan import UnsupportedHypervisor
from tests.corpus import SHARED, corpus_id, rendered_configs, require_corpus
from tests.planhelp import HOST_CPUS, HOST_MIB, plan_doc, plan_on_root

GOLDEN = Path(__file__).parent / "golden" / "plans"
NO_PLAN = {"remote", "stratovirt", "openvmm"}
"""Hypervisors upstream launches without a VMM command line of ours to plan."""


@pytest.mark.corpus
@pytest.mark.parametrize("config", rendered_configs(), ids=corpus_id)
def test_every_corpus_config_has_a_plan(config: Path, tmp_path: Path) -> None:
    require_corpus()
    try:
        eff, plan = plan_on_root(tmp_path, config)
    except UnsupportedHypervisor as exc:
        reason = str(exc)
        assert any(name in reason for name in NO_PLAN), reason
        return
    assert plan.hypervisor == eff.hypervisor_name
    for arg in (*plan.args, *plan.body_fields):
        assert arg.keys or arg.rule, f"{arg.option} {arg.value} names no origin"
    argv = plan.argv()
    if plan.hypervisor == "qemu" and plan.flavour == "go":
        assert argv[1:3] == ["-name", "sandbox-sb1"]
        assert argv[-2] == "-smp"  # LaunchQemu renders -smp last
        assert argv[argv.index("-m") + 1].startswith(f"{eff.hypervisor.default_memory}M")
    if plan.hypervisor == "qemu" and plan.flavour == "rs":
        assert argv[-1] == "-no-reboot"
        assert argv.index("-smp") < argv.index("-machine") < argv.index("-cpu")
    if plan.hypervisor in ("clh", "firecracker", "dragonball"):
        assert plan.body


GOLDEN_CASES = [
    "x86_64/runtime-go/configuration-qemu.toml",
    "aarch64/runtime-go/configuration-qemu.toml",
    "ppc64le/runtime-go/configuration-qemu.toml",
    "s390x/runtime-go/configuration-qemu.toml",
    "x86_64/runtime-rs/configuration-qemu-runtime-rs.toml",
]


@pytest.mark.corpus
@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden_plan(case: str, tmp_path: Path) -> None:
    require_corpus()
    config = SHARED / "corpus" / "kata-upstream" / "rendered" / case
    _, plan = plan_on_root(tmp_path, config)
    doc = plan_doc(plan, tmp_path)
    golden = GOLDEN / (case.replace("/", "-").removesuffix(".toml") + ".json")
    if os.environ.get("KATA_CONFIG_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(doc, indent=1) + "\n")
    assert doc == json.loads(golden.read_text())


def _worked_example() -> list[str]:
    """The argv of launch-plans.md §1.10, one element per line, NIC lines dropped."""
    text = (SHARED / "reference" / "launch-plans.md").read_text()
    block = text.split("One argv element per line:", 1)[1].split("```", 2)[1]
    lines = [line.split("   ")[0].strip() for line in block.strip().splitlines()]
    out: list[str] = []
    skip = 0
    for line in lines:
        if skip:
            skip -= 1
            continue
        if line in ("-netdev",) or line.startswith("driver=virtio-net"):
            skip = 1 if line == "-netdev" else 0
            if line.startswith("driver="):
                out.pop()  # its -device
            continue
        out.append(line)
    return out


@pytest.mark.corpus
def test_x86_go_plan_is_the_worked_example(tmp_path: Path) -> None:
    require_corpus()
    """Every element of §1.10, with its placeholders filled from the fixed host."""
    config = SHARED / "corpus" / "kata-upstream" / "rendered" / GOLDEN_CASES[0]
    eff, plan = plan_on_root(tmp_path, config)
    expected = []
    for raw in _worked_example():
        line = raw.replace("<HM+1024>", str(HOST_MIB + 1024)).replace("<H>", str(HOST_CPUS))
        line = line.replace("<QEMU>", plan.binary).replace("<KERNEL>", eff.hypervisor.kernel)
        line = line.replace("<IMAGE>", eff.hypervisor.image)
        line = line.replace("<IMGSIZE>", "<size of image>").replace("<UUID>", plan.argv()[4])
        line = re.sub("<CID>", "3", line).replace("<HEX>", "0000000000000001")
        expected.append(line)
    assert plan.argv() == expected
