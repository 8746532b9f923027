"""A QEMU plan's shared filesystem: virtio-fs and its virtiofsd, or virtio-9p (§1.5, §1.9, §2)."""

from __future__ import annotations

from kata_runtime.plan.model import Arg, Helper
from kata_runtime.plan.qemu_state import QemuState, hv

_DAEMON_KEYS = hv("virtio_fs_daemon", "virtio_fs_cache", "virtio_fs_extra_args",
                  "disable_guest_selinux")


def go_shared_fs(st: QemuState) -> tuple[list[Arg], list[Helper]]:
    """The Go runtime's shared-fs device(s) and the virtiofsd it starts before QEMU."""
    h = st.eff.hypervisor
    shared = st.ctx.shared_path("go")
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
        fd = st.ctx.fs_fd
        argv = [h.virtio_fs_daemon, "--syslog", f"--cache={h.virtio_fs_cache or 'never'}",
                f"--shared-dir={shared}", f"--fd={fd}", *h.virtio_fs_extra_args]
        if not h.disable_guest_selinux:
            argv.append("--xattr")
        helper = Helper("virtiofsd", tuple(argv), _DAEMON_KEYS,
                        f"started before QEMU; fd {fd} listens on {sock}", sock, fd)
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


def rs_shared_fs(st: QemuState, sock: str) -> tuple[list[Arg], list[Helper]]:
    """runtime-rs's virtio-fs device and its virtiofsd, which creates ``sock`` itself."""
    h = st.eff.hypervisor
    if h.shared_fs not in ("virtio-fs", "virtio-fs-nydus"):
        return [], []
    bus = "ccw" if st.launch.ccw else "pci"
    queue = h.virtio_fs_queue_size
    # runtime-rs drops a queue size QEMU would refuse (not a power of two up to 1024)
    q = f",queue-size={queue}" if queue and queue <= 1024 and queue & (queue - 1) == 0 else ""
    args = [Arg("-chardev", f"socket,id=virtiofsd-chardev,path={sock}", hv("shared_fs")),
            Arg("-device", f"vhost-user-fs-{bus},chardev=virtiofsd-chardev,tag=kataShared{q}",
                hv("shared_fs", "virtio_fs_queue_size"))]
    argv = [h.virtio_fs_daemon, "--socket-path", sock, "--shared-dir",
            st.ctx.shared_path("rs"), "--cache", h.virtio_fs_cache or "never",
            *h.virtio_fs_extra_args]
    if not h.disable_guest_selinux:
        argv.append("--xattr")
    helper = Helper("virtiofsd", tuple(argv), _DAEMON_KEYS,
                    "started before QEMU; it creates the socket", sock, None)
    return args, [helper]
