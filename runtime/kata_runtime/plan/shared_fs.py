"""The shared filesystem of a QEMU plan: virtio-fs with its virtiofsd, or virtio-9p (§1.5, §1.9)."""

from __future__ import annotations

from kata_runtime.plan.model import Arg, Helper
from kata_runtime.plan.qemu_state import QemuState, hv

SHARED_DIR = "/run/kata-containers/shared/sandboxes/{id}/shared"


def go_shared_fs(st: QemuState) -> tuple[list[Arg], list[Helper]]:
    """The Go runtime's shared-fs device(s) and the virtiofsd it starts before QEMU."""
    h = st.eff.hypervisor
    shared = SHARED_DIR.format(id=st.ctx.sandbox_id)
    if h.shared_fs in ("virtio-fs", "virtio-fs-nydus"):
        char = f"char-{st.ctx.device_hex}"
        sock = f"{st.run_dir}/vhost-fs.sock"
        kind = "vhost-user-fs-ccw" if st.launch.ccw else "vhost-user-fs-pci"
        queue = 1024 if st.launch.ccw else (h.virtio_fs_queue_size or 1024)
        parts = [kind, f"chardev={char}", "tag=kataShared", f"queue-size={queue}"]
        if h.virtio_fs_cache_size:
            parts.append(f"cache-size={h.virtio_fs_cache_size}M")
        parts += st.ccw_tail()
        if st.pcie_root:
            parts.append("bus=pcie.0")
        keys = hv("shared_fs", "virtio_fs_queue_size", "virtio_fs_cache_size")
        args = [Arg("-chardev", f"socket,id={char},path={sock}", hv("shared_fs"),
                    "client side: virtiofsd listens on it"),
                Arg("-device", ",".join(parts), keys)]
        if h.shared_fs == "virtio-fs-nydus":
            st.warnings.append("virtio-fs-nydus: nydusd's own arguments are not planned")
            return args, []
        argv = [h.virtio_fs_daemon, "--syslog", f"--cache={h.virtio_fs_cache or 'never'}",
                f"--shared-dir={shared}", "--fd=3", *h.virtio_fs_extra_args]
        if not h.disable_guest_selinux:
            argv.append("--xattr")
        helper = Helper("virtiofsd", tuple(argv), hv(
            "virtio_fs_daemon", "virtio_fs_cache", "virtio_fs_extra_args",
            "disable_guest_selinux"), f"started before QEMU; fd 3 listens on {sock}")
        return args, [helper]
    if h.shared_fs == "virtio-9p":
        fsdev = "extra-9p-kataShared"
        kind = "virtio-9p-ccw" if st.launch.ccw else "virtio-9p-pci"
        device = [kind, st.disable_modern(), f"fsdev={fsdev}", "mount_tag=kataShared",
                  *st.ccw_tail()]
        local = f"local,id={fsdev},path={shared},security_model=none"
        if st.launch.ninep_multidevs:
            local += ",multidevs=remap"
        keys = hv("shared_fs")
        return [Arg("-device", ",".join(p for p in device if p), keys,
                    "msize_9p goes to the agent's mount options, not to QEMU"),
                Arg("-fsdev", local, keys)], []
    return [], []
