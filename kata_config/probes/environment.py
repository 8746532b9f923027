"""Where kata-config runs: VM guest, nested virtualization, PVM, inside a container.

None of these is a failure by itself; each line says what it means for Kata. A VM guest
needs nested virtualization (or PVM) for KVM; PVM needs a PVM-aware guest kernel; inside a
container the checks see the container's ``/dev`` and ``/sys``, not the node's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from kata_config.probes.base import CheckResult, Probe, ProbeContext, Status
from kata_config.probes.facts import Facts

_CONTAINER_CGROUP: Final = re.compile(r"docker|kubepods|containerd|libpod|crio|lxc|podman")


def probe_guest(ctx: ProbeContext, facts: Facts) -> CheckResult:
    """``env.vm-guest``: bare metal or VM, and whether KVM still works in the VM."""
    if not facts.guest:
        return CheckResult("env.vm-guest", Status.PASS, "bare metal (no sign of a hypervisor)",
                           facts.guest_evidence)
    if facts.kvm_device:
        how = "through PVM" if facts.pvm and not facts.flags & ctx.spec.virt_flags else "nested"
        return CheckResult("env.vm-guest", Status.PASS, f"VM guest; KVM works {how}, so Kata "
                           "VMs run one level deeper (slower start, less memory headroom)",
                           facts.guest_evidence + "; /dev/kvm present")
    return CheckResult("env.vm-guest", Status.WARN, "VM guest without /dev/kvm: Kata needs "
                       "nested virtualization (or PVM) here", facts.guest_evidence,
                       "enable nested virtualization for this VM on its host")


def probe_nested(ctx: ProbeContext, facts: Facts) -> CheckResult | None:
    """``env.nested``: may Kata guests run VMs themselves (not needed by Kata)."""
    module = facts.vendor.kvm_module if facts.vendor else ctx.spec.nested_module
    if not module or (facts.pvm and not facts.flags & ctx.spec.virt_flags):
        return None
    if not ctx.host.is_dir(f"sys/module/{module}"):
        return None
    rel = f"sys/module/{module}/parameters/nested"
    value = ctx.host.read_value(rel)
    if value is None:
        return CheckResult("env.nested", Status.SKIP, f"{module} nested parameter unreadable",
                           f"/{rel}: missing or unreadable")
    on = value.upper() in ("Y", "1")
    return CheckResult("env.nested", Status.PASS, f"nested virtualization for guests is "
                       f"{'on' if on else 'off'}; Kata does not need it",
                       f"/{rel} = {value}")


def probe_pvm(ctx: ProbeContext, facts: Facts) -> CheckResult | None:
    """``env.pvm``: KVM through the PVM module, which runs only PVM-aware guest kernels."""
    if not facts.pvm:
        return None
    return CheckResult(
        "env.pvm", Status.WARN, "KVM is provided by PVM (kvm_pvm) without hardware "
        "virtualization: the guest kernel must be built for PVM",
        "/sys/module/kvm_pvm exists", "point the Kata config's kernel at a guest kernel built "
        "with PVM guest support (CONFIG_PVM_GUEST)",
    )


def _overlay_root(ctx: ProbeContext) -> str | None:
    root = None
    for line in (ctx.host.read_text("proc/self/mountinfo") or "").splitlines():
        fields = line.split()
        if len(fields) > 4 and fields[4] == "/" and " - " in line:
            root = line.split(" - ", 1)[1].split()[0]
    return root


def probe_container(ctx: ProbeContext) -> CheckResult:
    """``env.container``: a container sees its own /dev and /sys, so say so."""
    strong: list[str] = []
    if ctx.host.exists("run/.containerenv"):
        strong.append("/run/.containerenv exists")
    cgroup = ctx.host.read_text("proc/1/cgroup") or ""
    hit = _CONTAINER_CGROUP.search(cgroup)
    if hit:
        strong.append(f"/proc/1/cgroup mentions {hit.group(0)}")
    # Under --root /host --live, proc/self is the checker's own pod, not the node: its overlay
    # root says nothing about the node (whose files we read through the root).
    fstype = None if ctx.host.devices_live and not ctx.host.live else _overlay_root(ctx)
    if fstype == "overlay":
        strong.append("/ is an overlay mount")
    weak = ctx.host.exists(".dockerenv")
    if strong:
        return CheckResult(
            "env.container", Status.WARN, "running inside a container: results describe the "
            "container's /dev and /sys, not the node's", "; ".join(strong),
            "run the check on the node, or pass /dev/kvm and /sys into the container",
        )
    if weak:
        return CheckResult("env.container", Status.PASS, "not a container by cgroups and root "
                           "mount; /.dockerenv is likely left over from an image build",
                           f"/.dockerenv exists; root fs {fstype or 'unknown'}")
    return CheckResult("env.container", Status.PASS, "not running in a container",
                       f"root fs {fstype or 'unknown'}; no container markers")


def probe_environment(ctx: ProbeContext) -> Iterator[CheckResult]:
    """The ``env.*`` lines."""
    facts = ctx.facts
    yield probe_guest(ctx, facts)
    for extra in (probe_nested(ctx, facts), probe_pvm(ctx, facts)):
        if extra is not None:
            yield extra
    yield probe_container(ctx)


CHECK_IDS: Final = ("env.vm-guest", "env.nested", "env.pvm", "env.container")
PROBES: Final[tuple[Probe, ...]] = (probe_environment,)
