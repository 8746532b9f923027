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


HM = HOST_MIB
ARCH_FACTS = {
    # launch-plans.md §1.4 (machine example, maxmem table), §1.6 (arch params), §1.7 (table)
    "aarch64/runtime-go/configuration-qemu.toml": {
        "-machine": "virt,usb=off,accel=kvm,gic-version=host,nvdimm=on",
        "-cpu": "host,pmu=off",
        "-m": f"2048M,slots=10,maxmem={HM + 1024}M",
        "-bios": "/usr/share/aavmf/AAVMF_CODE.fd",
        "append-starts": "iommu.passthrough=0 root=/dev/pmem0p1 rootflags=data=ordered,"
                         "errors=remount-ro ro rootfstype=ext4 console=hvc0 console=hvc1",
        "devices": ["pci-bridge,bus=pcie.0,", "pcie-root-port,id=rp0,bus=pcie.0,chassis=0,slot=0"],
    },
    "ppc64le/runtime-go/configuration-qemu.toml": {
        "-machine": "pseries,accel=kvm,usb=off,cap-ail-mode-3=off,nvdimm=on,cap-cfpc=broken,"
                    "cap-sbbc=broken,cap-ibs=broken,cap-large-decr=off,cap-ccf-assist=off",
        "-cpu": "host,",
        "-m": f"2048M,slots=10,maxmem={HM // 256 * 256 + 1024}M",
        "append-starts": "rcupdate.rcu_expedited=1 reboot=k cryptomgr.notests net.ifnames=0 "
                         "root=/dev/pmem0p1 rootflags=data=ordered,errors=remount-ro ro",
        "devices": ["pci-bridge,bus=pci.0,", "virtio-blk-pci,disable-modern=false,drive=image-"],
    },
    "s390x/runtime-go/configuration-qemu.toml": {
        "-machine": "s390-ccw-virtio,accel=kvm",
        "-cpu": "host,",
        "-m": f"2048M,slots=10,maxmem={HM}M",
        "append-starts": "root=/dev/vda1 rootflags=data=ordered,errors=remount-ro ro "
                         "rootfstype=ext4 quiet",
        "devices": ["virtio-serial-ccw,id=serial0,devno=fe.0.0001", "devno=fe.0.0002",
                    "virtio-scsi-ccw,id=scsi0,devno=fe.0.0003", "devno=fe.0.0004",
                    "vhost-user-fs-ccw,chardev=char-0000000000000001,tag=kataShared,"
                    "queue-size=1024,devno=fe.0.0005"],
    },
    "x86_64/runtime-rs/configuration-qemu-runtime-rs.toml": {
        "-machine": "q35,accel=kvm,nvdimm=on,kernel_irqchip=on,"
                    "memory-backend=entire-guest-memory-share",
        "-cpu": "host,pmu=off",
        "-m": f"2G,slots=10,maxmem={HM // 1024}G",
        "-smp": f"1,maxcpus={HOST_CPUS}",
        "append-starts": "reboot=k panic=1 systemd.unit=kata-containers.target",
        "devices": ["virtio-rng-pci,rng=rng0", "pci-bridge,bus=pcie.0,", "virtio-scsi-pci,id=scsi0",
                    "vhost-vsock-pci,vhostfd=4,guest-cid=3", "vhost-user-fs-pci,chardev=virtiofsd",
                    "nvdimm,memdev=TODO,unarmed=on", "virtio-serial-pci,id=serial0"],
    },
}


@pytest.mark.corpus
@pytest.mark.parametrize("case", sorted(ARCH_FACTS))
def test_arch_facts_match_launch_plans(case: str, tmp_path: Path) -> None:
    """Each arch's arguments as launch-plans.md states them (the golden files hold the rest)."""
    require_corpus()
    facts = ARCH_FACTS[case]
    _, plan = plan_on_root(tmp_path, SHARED / "corpus" / "kata-upstream" / "rendered" / case)
    pairs = [(a.option, a.value) for a in plan.args if a.value is not None]
    values = dict(reversed(pairs))  # the first -machine, not s390x's memory-backend one
    for option in ("-machine", "-cpu", "-m", "-bios", "-smp"):
        if option in facts:
            assert values[option] == facts[option], option
    assert values["-append"].startswith(facts["append-starts"])
    devices = [v for o, v in pairs if o == "-device"]
    found = iter(devices)  # in this order
    for want in facts["devices"]:
        assert any(want in d for d in found), f"{want} missing or out of order in {devices}"
    if case.startswith("s390x"):
        assert not any("rng" in d for d in devices)  # never on s390x (CPACF)
        assert ("-machine", "memory-backend=dimm1") in pairs


TEE_CASES = {
    # launch-plans.md §1.8 (Go) and §2 (runtime-rs): the host, not the file, picks the TEE
    "runtime-go/configuration-qemu-tdx.toml": ("tdx", {
        "-machine": "q35,accel=kvm,kernel_irqchip=split,confidential-guest-support=tdx",
        "-object": '{"qom-type":"tdx-guest","id":"tdx","quote-generation-socket":'
                   '{"type":"vsock","cid":"2","port":"4050"}}',
        "-bios": "/usr/share/ovmf/OVMF.inteltdx.fd", "-m": "2048M", "-smp": "1,cores=1,threads=1",
    }),
    "runtime-rs/configuration-qemu-tdx-runtime-rs.toml": ("tdx", {
        "-machine": "q35,accel=kvm,kernel_irqchip=split,memory-backend=entire-guest-memory,"
                    "confidential-guest-support=tdx",
        "-object": '{"qom-type":"tdx-guest","id":"tdx","sept-ve-disable":true,'
                   '"quote-generation-socket":{"type":"vsock","cid":"2","port":"4050"}}',
        "-bios": "/usr/share/ovmf/OVMF.inteltdx.fd", "-m": "2G", "-smp": "1",
    }),
    "runtime-go/configuration-qemu-snp.toml": ("sev_snp", {
        "-machine": "q35,accel=kvm,kernel_irqchip=split,confidential-guest-support=snp",
        "-cpu": "EPYC-v4,pmu=off",
        "-object": "sev-snp-guest,id=snp,cbitpos=51,reduced-phys-bits=1,kernel-hashes=on,"
                   "policy=196608",
        "-bios": "/usr/share/ovmf/AMDSEV.fd",
    }),
    "runtime-rs/configuration-qemu-snp-runtime-rs.toml": ("sev_snp", {
        "-machine": "q35,accel=kvm,kernel_irqchip=split,memory-backend=entire-guest-memory,"
                    "confidential-guest-support=snp",
        "-cpu": "EPYC-v4,pmu=off",
        "-object": "sev-snp-guest,id=snp,cbitpos=51,reduced-phys-bits=1,kernel-hashes=on,"
                   "policy=0x30000",
        "-bios": "/usr/share/ovmf/AMDSEV.fd", "-m": "2G",
    }),
}


@pytest.mark.corpus
@pytest.mark.parametrize("case", sorted(TEE_CASES))
def test_confidential_guest_objects(case: str, tmp_path: Path) -> None:
    require_corpus()
    flag, facts = TEE_CASES[case]
    module = "kvm_intel" if flag == "tdx" else "kvm_amd"
    param = tmp_path / "sys" / "module" / module / "parameters" / flag
    param.parent.mkdir(parents=True)
    param.write_text("Y\n")
    _, plan = plan_on_root(tmp_path, SHARED / "corpus/kata-upstream/rendered/x86_64" / case)
    values: dict[str, str] = {}
    for arg in plan.args:
        protection = arg.value is not None and arg.value.startswith(("sev", '{"qom-type"'))
        if arg.value is not None and (arg.option != "-object" or protection):
            values.setdefault(arg.option, arg.value)
    assert {k: values.get(k) for k in facts} == facts
    assert not any("neither TDX nor SEV-SNP" in w for w in plan.warnings)
    assert "nvdimm=on" not in values["-machine"]
    has_rng = any(a.value and "rng-random" in a.value for a in plan.args)
    assert has_rng == (plan.flavour == "rs")  # Go skips RNG for a confidential guest, rs not
