"""Every ``[runtime]`` key (config-keys.md §8)."""

from __future__ import annotations

from typing import Any, Final

from kata_config.keys.hv_base import BOOL, GO, INT, RS, STR, STRS, TABLES, key
from kata_config.keys.spec import HYPERVISOR_NAMES, REQUIRED, KeySpec, Table, ValueType

_LOG_LEVELS: Final = ("trace", "debug", "info", "warn", "error", "critical")


def _rt(name: str, type_: ValueType, description: str, **kw: Any) -> KeySpec:
    return key(Table.RUNTIME, name, type_, description, **kw)


KEYS: Final[tuple[KeySpec, ...]] = (
    # --- logging and tracing ---
    _rt("enable_debug", BOOL, "Turn on debug logging of the runtime (shim).", default=False),
    _rt("enable_tracing", BOOL, "Emit OpenTelemetry traces from the runtime.", default=False),
    _rt("jaeger_endpoint", STR, "URL of the Jaeger collector that receives traces.", default=""),
    _rt("jaeger_user", STR, "User name for the Jaeger collector.", default=""),
    _rt(
        "jaeger_password", STR, "Password for the Jaeger collector (stored in plain text).",
        default="", secret=True,
    ),
    _rt("enable_pprof", BOOL, "Serve pprof profiling data from the shim.", default=False),
    # --- networking ---
    _rt(
        "internetworking_model", STR, "How the container network is connected to the VM.",
        # Both runtimes take "" as tcfilter; runtime-rs forces none when [hypervisor.remote] exists.
        default="tcfilter",
        choices={
            "go": ("", "tcfilter", "macvtap", "none", "default"),
            "rs": ("", "tcfilter", "macvtap", "none", "l3forwarding"),
        },
    ),
    _rt(
        "disable_new_netns", BOOL, "Do not create a network namespace for the VM process.",
        default=False,
    ),
    _rt(
        "dan_conf", STR, "Host directory of directly attachable network configs.",
        default="",
    ),
    # --- sandbox behaviour ---
    _rt(
        "disable_guest_seccomp", BOOL, "Do not apply container seccomp profiles in the guest.",
        default=False,
    ),
    _rt(
        "enable_vcpus_pinning", BOOL, "Pin each vCPU thread to one host CPU when counts match.",
        default=False,
    ),
    _rt(
        "guest_selinux_label", STR, "SELinux label (user:role:type) given to the guest.",
        runtimes=GO, default="",
    ),
    _rt(
        "sandbox_cgroup_only", BOOL, "Put every sandbox thread in the pod's cgroup only.",
        default=False,
    ),
    _rt(
        "static_sandbox_resource_mgmt", BOOL, "Size the VM from pod limits at boot, no hotplug.",
        default=False,
    ),
    _rt(
        "sandbox_bind_mounts", STRS,
        "Host paths bind-mounted into every sandbox (runtime-rs: optional :ro/:rw suffix).",
        default=[],
    ),
    _rt(
        "vfio_mode", STR, "How VFIO devices reach containers: bound in-guest or passed as VFIO.",
        default="guest-kernel", choices=("", "guest-kernel", "vfio"),
    ),
    _rt(
        "disable_guest_empty_dir", BOOL,
        "Create emptyDir volumes on the host and share them in, not in the guest.",
        runtimes=GO, default=False,
    ),
    _rt(
        "emptydir_mode", STR, "Where emptyDir volumes live: shared fs or a guest block device.",
        default="shared-fs", choices=("", "shared-fs", "block-encrypted", "block-plain"),
    ),
    # Go registers no experimental feature, so any entry there fails the load.
    _rt("experimental", STRS, "Experimental features to turn on.", default=[]),
    _rt(
        "experimental_force_guest_pull", BOOL, "Always pull container images inside the guest.",
        runtimes=GO, default=False,
    ),
    _rt(
        "create_container_timeout", INT, "Deadline of the CreateContainer request to the agent.",
        # 0 (the built-in) gives a zero deadline; templates always set it.
        runtimes=GO, default=0, unit="s", minimum=0,
    ),
    _rt(
        "pod_resource_api_sock", STR, "Kubelet pod-resources socket for VFIO cold plug.",
        default="",
    ),
    _rt(
        "kubelet_root_dir", STR, "Kubelet root directory on the host.",
        runtimes=GO, default="",
    ),
    # --- runtime-rs selection and plumbing ---
    _rt(
        "name", STR, "Which runtime-rs runtime handles the sandbox.",
        runtimes=RS, default=REQUIRED,
        choices=("virt_container", "linux_container", "wasm_container"),
    ),
    _rt(
        "hypervisor_name", STR, "Name of the [hypervisor.X] table to use.",
        runtimes=RS, default=REQUIRED, choices=HYPERVISOR_NAMES["rs"],
    ),
    _rt("agent_name", STR, "Name of the [agent.X] table to use.", runtimes=RS, default=REQUIRED),
    _rt(
        "log_level", STR, "Log level of the runtime-rs shim.",
        runtimes=RS, default="info", choices=_LOG_LEVELS,
    ),
    _rt(
        "keep_abnormal", BOOL, "Keep sandbox leftovers after an abnormal exit, for debugging.",
        runtimes=RS, default=False,
    ),
    _rt(
        "shared_mounts", TABLES, "Mounts shared between containers of the pod.",
        runtimes=RS, default=[],
    ),
    _rt(
        "use_passfd_io", BOOL, "Pass container stdio to the guest as file descriptors.",
        runtimes=RS, default=False,
    ),
    _rt(
        "passfd_listener_port", INT, "vsock port of the passfd I/O listener.",
        runtimes=RS, default=1027, minimum=0,
    ),
)
