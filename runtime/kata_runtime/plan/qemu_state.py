"""Facts a QEMU plan derives once from an Effective, shared by the Go and runtime-rs builders."""

from __future__ import annotations

from dataclasses import dataclass, field

from kata_config import Effective, QemuLaunch, arch_spec
from kata_runtime.plan.context import Context

HV = "hypervisor."


def hv(*names: str) -> tuple[str, ...]:
    """Section-form keys of the hypervisor table."""
    return tuple(HV + name for name in names)


@dataclass(slots=True)
class QemuState:
    """One QEMU plan in the making: the inputs, the arch data, and per-plan counters."""

    eff: Effective
    ctx: Context
    launch: QemuLaunch
    machine: str
    run_dir: str
    tee: str = ""
    """The confidential technology (tdx, sev, snp, se, pef, cca) or "" for a plain guest."""
    warnings: list[str] = field(default_factory=list)
    _devno: int = 0

    @property
    def pcie_root(self) -> bool:
        """PCI leaf devices are pinned to ``bus=pcie.0`` (q35 and virt machines)."""
        return self.machine.startswith(("q35", "virt")) and not self.launch.ccw

    def next_devno(self) -> str:
        """The next CCW device number, allocated in emission order from fe.0.0001."""
        self._devno += 1
        return f"fe.0.{self._devno:04x}"

    def disable_modern(self) -> str:
        """The ``disable-modern=`` option of a PCI virtio device ("" on CCW)."""
        return "" if self.launch.ccw else f"disable-modern={str(self.ctx.nested).lower()}"

    def ccw_tail(self) -> list[str]:
        """``iommu_platform=on`` (when enabled) and the devno of a CCW device."""
        if not self.launch.ccw:
            return []
        tail = ["iommu_platform=on"] if self.eff.hypervisor.enable_iommu_platform else []
        return [*tail, f"devno={self.next_devno()}"]


def _host_says(ctx: Context, path: str) -> bool:
    # through the plan's HostFiles: a FIFO in a --root tree never blocks the plan (issue 9)
    text = ctx.host.read_text(path, limit=64 << 10)  # sysfs files claim 4096 bytes
    return text is not None and text.strip() in ("Y", "1")


def _tee(eff: Effective, launch: QemuLaunch, ctx: Context, warnings: list[str]) -> str:
    if not eff.hypervisor.confidential_guest:
        return ""
    if launch.confidential:
        return launch.confidential
    # x86: the runtime asks the host, not the file, which technology to use.
    if _host_says(ctx, "/sys/module/kvm_intel/parameters/tdx"):
        return "tdx"
    if _host_says(ctx, "/sys/module/kvm_amd/parameters/sev_snp"):
        return "snp" if eff.hypervisor.sev_snp_guest else "sev"
    guess = "snp" if eff.hypervisor.sev_snp_guest else "tdx"
    warnings.append(
        "confidential_guest = true but this host offers neither TDX nor SEV-SNP (the runtime "
        f"would refuse to create the VM); planned as {guess.upper()}, guessed from the file"
    )
    return guess


def new_state(eff: Effective, ctx: Context) -> QemuState:
    """Derive the per-plan facts: arch data, machine type, state dir, TEE."""
    spec = arch_spec(eff.arch)
    if spec.qemu is None:
        raise ValueError(f"no QEMU launch data for {eff.arch}")
    warnings: list[str] = []
    machine = eff.hypervisor.machine_type or spec.machine_types[0]
    state = QemuState(eff, ctx, spec.qemu, machine, ctx.run_dir(eff.flavour), warnings=warnings)
    state.tee = _tee(eff, spec.qemu, ctx, warnings)
    return state
