"""QEMU as runtime-rs launches it (launch-plans §2, ``cmdline_generator.rs``).

Same arch data as the Go plan, a different builder: fixed top-level order (name, kernel,
smp, machine, cpu, memory, qmp, devices, bios, knobs), sizes in G when whole, the RAM
backend bound on ``-machine``, the console last.
"""

from __future__ import annotations

import math

from kata_config import Effective
from kata_runtime.plan import kernel_params as kp
from kata_runtime.plan import qemu_tee
from kata_runtime.plan.context import Context
from kata_runtime.plan.model import CONSTANT, RUNTIME_STATE, Arg, Plan
from kata_runtime.plan.qemu_rs_memory import machine_memory, rootfs
from kata_runtime.plan.qemu_state import QemuState, hv, new_state
from kata_runtime.plan.shared_fs import rs_shared_fs

_SE_DROPS = frozenset({"reboot", "systemd.unit", "systemd.mask", "root", "rootflags",
                       "rootfstype"})
"""Parameters runtime-rs removes for an s390x Secure Execution guest (its image boots itself)."""


def _kernel(st: QemuState, iommu: tuple[str, ...]) -> list[Arg]:
    h = st.eff.hypervisor
    base = ("reboot=k", "panic=1", *kp.SYSTEMD) + (("agent.log_vport=1025",)
                                                   if h.enable_debug else ())
    pieces = [kp.Piece(base, hv("enable_debug"), "runtime-rs base parameters")]
    if not h.initrd:
        pieces.append(_root(st))
    pieces += [*kp.rs_agent_params(st.eff),
               kp.Piece(kp.split_params(h.kernel_params), hv("kernel_params"))]
    pieces.append(kp.Piece((f"selinux={0 if h.disable_guest_selinux else 1}",),
                           hv("disable_guest_selinux")))
    for ext in h.guest_extension_images:
        pieces.append(kp.Piece((f"kata.extension.{ext.name}.verity_params={ext.verity_params}",),
                               hv("guest_extension_images")))
    if iommu:
        pieces.append(kp.Piece(iommu, hv("enable_iommu")))
    if st.tee == "se":
        pieces = [kp.Piece(tuple(p for p in piece.params
                                 if p.partition("=")[0] not in _SE_DROPS), piece.keys, piece.rule)
                  for piece in pieces]
    pieces.append(kp.Piece(("console=hvc0",), (), "added with the console device"))
    out = [Arg("-kernel", h.kernel, hv("kernel"))]
    if h.initrd:
        out.append(Arg("-initrd", h.initrd, hv("initrd")))
    out.append(Arg("-append", kp.join(pieces), kp.keys_of(pieces),
                   "composed as runtime-rs does: base, root, agent+user, selinux, iommu, console"))
    return out


def _root(st: QemuState) -> kp.Piece:
    h = st.eff.hypervisor
    driver = h.vm_rootfs_driver
    fstype = h.rootfs_type or "ext4"
    keys = hv("vm_rootfs_driver", "rootfs_type")
    if driver in ("virtio-pmem", "nvdimm"):
        dax = st.launch.rs_dax
        flags = "data=ordered,errors=remount-ro ro" if fstype == "ext4" else "ro"
        if dax:
            flags = "dax," + flags if fstype == "ext4" else "dax ro"
        return kp.Piece(("root=/dev/pmem0p1", f"rootflags={flags}", f"rootfstype={fstype}"), keys)
    if driver not in ("virtio-blk-pci", "virtio-blk-ccw", "virtio-blk-mmio"):
        st.warnings.append(f"vm_rootfs_driver = {driver!r}: runtime-rs has no root parameters "
                           "for it and refuses to start the VM")
    flags = "data=ordered,errors=remount-ro ro" if fstype == "ext4" else "ro"
    return kp.Piece(("root=/dev/vda1", f"rootflags={flags}", f"rootfstype={fstype}"), keys)


def _bridges(st: QemuState) -> list[Arg]:
    count = st.eff.hypervisor.default_bridges
    if st.launch.ccw or count <= 0:
        return []
    bus = st.launch.bridge_bus or "pcie.0"
    return [Arg("-device", f"pci-bridge,bus={bus},id=pci-bridge-{i},chassis_nr={i + 1},"
                f"shpc=off,addr={2 + i},io-reserve=4k,mem-reserve=1m,pref64-reserve=1m",
                hv("default_bridges"), "addr in decimal (Go: hex)") for i in range(count)]


def build(eff: Effective, ctx: Context) -> Plan:
    """runtime-rs's QEMU command line for ``eff``."""
    st = new_state(eff, ctx)
    h = eff.hypervisor
    root = f"{st.run_dir}/root"
    bus = "ccw" if st.launch.ccw else "pci"
    virtio_fs = h.shared_fs in ("virtio-fs", "virtio-fs-nydus", "inline-virtio-fs")
    nvdimm = bool(h.image) and not h.initrd and h.vm_rootfs_driver in ("virtio-pmem", "nvdimm")
    iommu: tuple[str, ...] = ()
    early: list[Arg] = []
    if h.enable_iommu:
        if st.machine == "virt":
            iommu = ("iommu.passthrough=0",)
        else:
            iommu = ("intel_iommu=on", "iommu=pt")
            early.append(Arg("-device", "intel-iommu,intremap=on,device-iotlb=on,caching-mode=on",
                             hv("enable_iommu")))
    machine, memory, backend = machine_memory(st, nvdimm, virtio_fs)
    vcpus = max(1, math.ceil(h.default_vcpus))
    top = vcpus if st.tee else h.default_maxvcpus
    args = [
        Arg("-name", f"sandbox-{ctx.sandbox_id}", (), RUNTIME_STATE),
        *_kernel(st, iommu),
        Arg("-smp", f"{vcpus}" + (f",maxcpus={top}" if top > vcpus else ""),
            hv("default_vcpus", "default_maxvcpus"), "maxcpus only when above the boot vCPUs"),
        machine,
        qemu_tee.cpu(st),
        memory,
        backend,
        Arg("-qmp", f"unix:fd={ctx.qmp_fd},server=on,wait=off", (), RUNTIME_STATE),
        *early,
        *_debug_monitor(st),
        Arg("-rtc", "base=utc,clock=host,driftfix=slew", (), CONSTANT),
    ]
    if not st.launch.ccw:
        args += [Arg("-object", "rng-random,id=rng0,filename=/dev/urandom", (),
                     "runtime-rs ignores entropy_source"),
                 Arg("-device", "virtio-rng-pci,rng=rng0", (), CONSTANT)]
    args += _bridges(st) + _scsi_iothreads(st, bus)
    if h.reclaim_guest_freed_memory:
        args.append(Arg("-device", "virtio-balloon,free-page-reporting=on",
                        hv("reclaim_guest_freed_memory")))
    if h.seccompsandbox:
        args.append(Arg("-sandbox", h.seccompsandbox, hv("seccompsandbox")))
    disable = ",disable-modern=true" if ctx.nested and not h.disable_nesting_checks else ""
    fd = f",vhostfd={ctx.vsock_fd}" if ctx.vsock_fd is not None else ""
    args.append(Arg("-device", f"vhost-vsock-{bus}{disable}{fd},guest-cid={ctx.vsock_cid}",
                    (), RUNTIME_STATE + " (vsock CID, fd)"))
    fs_args, helpers = rs_shared_fs(st, f"{root}/virtiofsd.sock")
    args += fs_args
    args += rootfs(st, nvdimm, bus)
    args += qemu_tee.objects(st) + ([Arg("-bios", h.firmware, hv("firmware"))]
                                    if st.tee in ("tdx", "sev", "snp") and h.firmware else [])
    args += [Arg("-device", f"virtio-serial-{bus},id=serial0", (), CONSTANT),
             Arg("-device", "virtconsole,id=console0,chardev=charconsole0", (), CONSTANT),
             Arg("-chardev", f"socket,id=charconsole0,server=on,wait=off,path={root}/console.sock",
                 (), "console added last")]
    if h.firmware and not st.tee:
        args.append(Arg("-bios", h.firmware, hv("firmware")))
    args += [Arg("-vga", "none", (), CONSTANT)] + [
        Arg(flag, None, (), CONSTANT)
        for flag in ("-no-user-config", "-nodefaults", "-nographic", "-no-reboot")]
    return Plan("qemu", "rs", eff.arch, h.path or st.launch.binary, hv("path"), tuple(args),
                tuple(helpers), tuple(st.warnings))


def _debug_monitor(st: QemuState) -> list[Arg]:
    h = st.eff.hypervisor
    if not (h.enable_debug and h.extra_monitor_socket):
        return []
    return [Arg("-monitor", "unix:path=debug-monitor.sock,server=on,wait=off",
                hv("enable_debug", "extra_monitor_socket"), "relative to the shim's cwd")]


def _scsi_iothreads(st: QemuState, bus: str) -> list[Arg]:
    h = st.eff.hypervisor
    out: list[Arg] = []
    if h.block_device_driver == "virtio-scsi":
        parts = f"virtio-scsi-{bus},id=scsi0"
        if h.enable_iothreads:
            out.append(Arg("-object", "iothread,id=scsi-io-thread", hv("enable_iothreads")))
            parts += ",iothread=scsi-io-thread"
        out.append(Arg("-device", parts, hv("block_device_driver")))
    if h.block_device_driver == "virtio-blk-pci" and h.enable_iothreads:
        out += [Arg("-object", f"iothread,id=indep_iothread_{i}",
                    hv("indep_iothreads", "enable_iothreads")) for i in range(h.indep_iothreads)]
    return out
