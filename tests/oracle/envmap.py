"""kata-env's resolved values next to ``kata_config.load(..., runtime="go")``'s, field by field.

kata-env (Go 3.30) shows a fixed set of resolved values; ``FIELDS`` maps each one to the
``Effective`` attribute that must hold the same value. It does not show vCPUs or memory
sizes. ``Kernel.Parameters`` is the whole guest command line the Go loader builds (systemd
units with an image, the SCSI scan mode, the agent's parameters, then ``kernel_params``);
it is compared with the launch plan's composition of it when kata_runtime has one, and
otherwise on the part ``kernel_params`` contributes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Final

from kata_config import Effective

FIELDS: Final[tuple[tuple[str, str], ...]] = (
    ("Kernel.Path", "hypervisor.kernel"),
    ("Image.Path", "hypervisor.image"),
    ("Initrd.Path", "hypervisor.initrd"),
    ("Hypervisor.Path", "hypervisor.path"),
    ("Hypervisor.MachineType", "hypervisor.machine_type"),
    ("Hypervisor.BlockDeviceDriver", "hypervisor.block_device_driver"),
    ("Hypervisor.EntropySource", "hypervisor.entropy_source"),
    ("Hypervisor.SharedFS", "hypervisor.shared_fs"),
    ("Hypervisor.VirtioFSDaemon", "hypervisor.virtio_fs_daemon"),
    ("Hypervisor.Msize9p", "hypervisor.msize_9p"),
    ("Hypervisor.MemorySlots", "hypervisor.memory_slots"),
    ("Hypervisor.HotPlugVFIO", "hypervisor.hot_plug_vfio"),
    ("Hypervisor.ColdPlugVFIO", "hypervisor.cold_plug_vfio"),
    ("Hypervisor.PCIeRootPort", "hypervisor.pcie_root_port"),
    ("Hypervisor.PCIeSwitchPort", "hypervisor.pcie_switch_port"),
    ("Hypervisor.Debug", "hypervisor.enable_debug"),
    ("Hypervisor.SecurityInfo.Rootless", "hypervisor.rootless"),
    ("Hypervisor.SecurityInfo.DisableSeccomp", "hypervisor.disable_seccomp"),
    ("Hypervisor.SecurityInfo.GuestHookPath", "hypervisor.guest_hook_path"),
    ("Hypervisor.SecurityInfo.EnableAnnotations", "hypervisor.enable_annotations"),
    ("Hypervisor.SecurityInfo.ConfidentialGuest", "hypervisor.confidential_guest"),
    ("Runtime.Debug", "runtime.enable_debug"),
    ("Runtime.Trace", "runtime.enable_tracing"),
    ("Runtime.DisableGuestSeccomp", "runtime.disable_guest_seccomp"),
    ("Runtime.DisableNewNetNs", "runtime.disable_new_netns"),
    ("Runtime.SandboxCgroupOnly", "runtime.sandbox_cgroup_only"),
    ("Runtime.GuestSeLinuxLabel", "runtime.guest_selinux_label"),
    ("Runtime.Experimental", "runtime.experimental"),
    ("Agent.Debug", "agent.enable_debug"),
    ("Agent.Trace", "agent.enable_tracing"),
    ("Kernel.Parameters", "hypervisor.kernel_params"),
)
KERNEL_PARAMETERS: Final = "Kernel.Parameters"


def _theirs(env: Mapping[str, Any], dotted: str) -> Any:
    node: Any = env
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def _ours(eff: Effective, dotted: str) -> Any:
    section, name = dotted.split(".", 1)
    return getattr(getattr(eff, section), name)


def _same(theirs: Any, ours: Any) -> bool:
    # Go prints an empty list as null; ours are tuples
    if isinstance(ours, tuple | list):
        return list(theirs or []) == list(ours)
    return bool(theirs == ours)


def _go_command_line() -> Callable[[Effective], str] | None:
    # kata_runtime composes the launch's kernel command line; until it ships that part,
    # only the kernel_params share of kata-env's string is compared
    try:
        module = importlib.import_module("kata_runtime.plan.kernel_params")
    except ImportError:
        return None
    compose, join = module.go_config_level, module.join

    def line(eff: Effective) -> str:
        return str(join(compose(eff)))

    return line


COMMAND_LINE: Final = _go_command_line()


def _params_agree(theirs: str, eff: Effective) -> tuple[bool, str]:
    if COMMAND_LINE is not None:
        ours = COMMAND_LINE(eff)
        return theirs == ours, ours
    tail = " ".join(eff.hypervisor.kernel_params.split())
    return (theirs.endswith(tail) if tail else True), f"... {tail}"


def compare(env: Mapping[str, Any], eff: Effective
            ) -> tuple[list[str], list[tuple[str, Any, Any]]]:
    """(fields that agree, [(field, kata-env's value, ours)] for those that do not)."""
    same: list[str] = []
    differ: list[tuple[str, Any, Any]] = []
    for field, attribute in FIELDS:
        theirs = _theirs(env, field)
        if field == KERNEL_PARAMETERS:
            ok, ours = _params_agree(str(theirs or ""), eff)
        else:
            ours = _ours(eff, attribute)
            ok = _same(theirs, ours)
        if ok:
            same.append(field)
        else:
            differ.append((field, theirs, ours if not isinstance(ours, tuple) else list(ours)))
    return same, differ
