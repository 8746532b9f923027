"""QEMU as the Go runtime launches it (launch-plans §1): the base builder over arch data.

Argument groups are emitted in ``LaunchQemu``'s fixed order; each group's content follows
``qemu_arch_base.go`` and the arch's ``QemuLaunch`` (``kata_config.arch_spec(arch).qemu``).
"""

from __future__ import annotations

import math

from kata_config import Effective
from kata_runtime.plan import kernel_params as kp
from kata_runtime.plan import qemu_go_devices as dev
from kata_runtime.plan import qemu_tee
from kata_runtime.plan.context import Context
from kata_runtime.plan.model import CONSTANT, RUNTIME_STATE, Arg, Plan
from kata_runtime.plan.qemu_state import QemuState, hv, new_state
from kata_runtime.plan.shared_fs import go_shared_fs


def _machine(st: QemuState, nvdimm_on: bool) -> Arg:
    h = st.eff.hypervisor
    keys = hv("machine_type")
    base = st.launch.machine_options
    if st.launch.split_irqchip_options and (h.enable_iommu or st.tee):
        base = st.launch.split_irqchip_options
        keys += hv("enable_iommu", "confidential_guest")
    parts = [st.machine, base]
    if st.tee:
        parts.append(f"confidential-guest-support={qemu_tee.GUEST_SUPPORT[st.tee]}")
        keys += hv("confidential_guest")
    if nvdimm_on:
        parts.append("nvdimm=on")
        keys += hv("image", "disable_image_nvdimm")
    if h.machine_accelerators:
        parts.append(h.machine_accelerators)
        keys += hv("machine_accelerators")
    return Arg("-machine", ",".join(parts), keys, "arch machine options from kata_config arch data")


def _memory(st: QemuState) -> Arg:
    h = st.eff.hypervisor
    size = f"{h.default_memory}M"
    if st.tee:
        value = f"{size},maxmem={size}" if st.launch.ccw else size
        return Arg("-m", value, hv("default_memory", "confidential_guest"),
                   "confidential guests get no memory hotplug")
    maxmem = h.default_maxmemory
    if st.launch.maxmem == "floor256-plus-offset":
        maxmem = maxmem // 256 * 256
    if st.launch.maxmem != "exact":
        maxmem += h.memory_offset + 1024
    slots = h.memory_slots % 256  # QEMU gets it through an 8-bit field
    return Arg("-m", f"{size},slots={slots},maxmem={maxmem}M",
               hv("default_memory", "memory_slots", "default_maxmemory", "memory_offset"),
               f"maxmem rule for {st.eff.arch}: {st.launch.maxmem}")


def _ram_backend(st: QemuState) -> list[Arg]:
    h = st.eff.hypervisor
    keys = hv("default_memory", "shared_fs", "enable_hugepages", "enable_mem_prealloc")
    virtio_fs = h.shared_fs in ("virtio-fs", "virtio-fs-nydus")
    parts = [f"id=dimm1,size={h.default_memory}M"]
    if h.enable_hugepages:
        kind = "memory-backend-file"
        parts.append("mem-path=/dev/hugepages")
        if virtio_fs or h.enable_vhost_user_store:
            parts.append("share=on")
        prealloc = h.enable_mem_prealloc or virtio_fs
    elif virtio_fs and st.ctx.exists("/dev/shm"):
        kind = "memory-backend-file"
        parts += ["mem-path=/dev/shm", "share=on"]
        prealloc = h.enable_mem_prealloc
    else:
        if virtio_fs:
            st.warnings.append("/dev/shm is missing here: the runtime falls back to a RAM "
                               "backend that virtio-fs cannot share")
        kind = "memory-backend-ram"
        prealloc = h.enable_mem_prealloc
    if prealloc:
        parts.append("prealloc=on")
    backend = Arg("-object", ",".join([kind, *parts]), keys)
    if st.launch.bind_with_machine or st.machine == "microvm":
        return [backend, Arg("-machine", "memory-backend=dimm1", (), "no NUMA on this machine")]
    return [backend, Arg("-numa", "node,memdev=dimm1", (), CONSTANT)]


def _kernel(st: QemuState, nvdimm_root: bool, console: list[str]) -> list[Arg]:
    h = st.eff.hypervisor
    pieces = [kp.Piece(st.launch.kernel_params, (), f"{st.eff.arch} fixed parameters")]
    if h.enable_iommu and st.launch.iommu_kernel_params:
        pieces.append(kp.Piece(st.launch.iommu_kernel_params, hv("enable_iommu")))
    if h.image and st.tee != "se":
        pieces.append(_root_params(st, nvdimm_root))
    pieces.append(kp.Piece(tuple(console), hv("use_legacy_serial")))
    debug = h.enable_debug
    extra = ("systemd.show_status=true", "systemd.log_level=debug") if debug else (
        "systemd.show_status=false",)
    pieces.append(kp.Piece(("debug" if debug else "quiet", *(extra if h.image else ())),
                           hv("enable_debug")))
    pieces.append(kp.Piece(("panic=1",), (), CONSTANT))
    if not st.tee:
        pieces.append(kp.Piece((f"nr_cpus={h.default_maxvcpus}",), hv("default_maxvcpus")))
    pieces.append(kp.Piece((f"selinux={0 if h.disable_guest_selinux else 1}",),
                           hv("disable_guest_selinux")))
    pieces += kp.go_config_level(st.eff)
    for ext in h.guest_extension_images:
        pieces.append(kp.Piece((f"kata.extension.{ext.name}.verity_params={ext.verity_params}",),
                               hv("guest_extension_images")))
    out = [Arg("-kernel", h.kernel, hv("kernel"))]
    if h.initrd:
        out.append(Arg("-initrd", h.initrd, hv("initrd")))
    out.append(Arg("-append", kp.join(pieces), kp.keys_of(pieces),
                   "composed as virtcontainers does: arch, root, console, debug, agent, user"))
    return out


def _root_params(st: QemuState, nvdimm_root: bool) -> kp.Piece:
    h = st.eff.hypervisor
    dax = nvdimm_root and st.launch.rootfs == "nvdimm-dax"
    fstype = h.rootfs_type or "ext4"
    flags = "data=ordered,errors=remount-ro ro" if fstype == "ext4" else "ro"
    if dax:
        flags = "dax," + flags if fstype == "ext4" else "dax ro"
    dev_ = "/dev/pmem0p1" if nvdimm_root else "/dev/vda1"
    keys = hv("image", "disable_image_nvdimm", "rootfs_type")
    if h.kernel_verity_params:
        st.warnings.append("kernel_verity_params: the dm-verity root block is shown as "
                           "root=/dev/dm-0 only; its dm-mod.create table is not planned")
        return kp.Piece(("root=/dev/dm-0", f"rootflags={flags}", f"rootfstype={fstype}"),
                        (*keys, *hv("kernel_verity_params")))
    return kp.Piece((f"root={dev_}", f"rootflags={flags}", f"rootfstype={fstype}"), keys)


def _smp(st: QemuState) -> Arg:
    h = st.eff.hypervisor
    vcpus = max(1, math.ceil(h.default_vcpus))
    if st.tee:
        return Arg("-smp", f"{vcpus},cores=1,threads=1", hv("default_vcpus"),
                   "confidential guests: no CPU hotplug")
    top = h.default_maxvcpus
    return Arg("-smp", f"{vcpus},cores=1,threads=1,sockets={top},maxcpus={top}",
               hv("default_vcpus", "default_maxvcpus"), "rendered last by LaunchQemu")


def build(eff: Effective, ctx: Context) -> Plan:
    """The Go runtime's QEMU command line for ``eff``."""
    st = new_state(eff, ctx)
    h = eff.hypervisor
    nvdimm_root, nvdimm_on, nvdimm_device = _nvdimm(st)
    name = f"sandbox-{ctx.sandbox_id}" + (",debug-threads=on" if h.enable_debug else "")
    args = [
        Arg("-name", name, hv("enable_debug"), RUNTIME_STATE),
        Arg("-uuid", ctx.uuid, (), RUNTIME_STATE + " (random per VM)"),
        _machine(st, nvdimm_on),
        qemu_tee.cpu(st),
        Arg("-qmp", f"unix:fd={ctx.qmp_fd},server=on,wait=off", (),
            "the runtime binds the QMP socket and passes it as the first inherited fd"),
        *_extra_monitor(st),
        _memory(st),
    ]
    console: list[str] = []
    args += dev.bridges(st)
    args += dev.console(st, console)
    args += dev.rootfs(st, nvdimm_device)
    args += dev.extensions(st) + dev.misc(st) + qemu_tee.objects(st) + dev.rng_balloon(st)
    args += dev.pcie_ports(st) + dev.vsock(st)
    fs_args, helpers = go_shared_fs(st)
    args += fs_args
    args += [
        Arg("-rtc", "base=utc,driftfix=slew,clock=host", (), CONSTANT),
        Arg("-global", "kvm-pit.lost_tick_policy=discard", (), CONSTANT),
        *[Arg("-pflash", p, hv("pflashes")) for p in h.pflashes],
        Arg("-vga", "none", (), CONSTANT),
        *[Arg(flag, None, (), CONSTANT)
          for flag in ("-no-user-config", "-nodefaults", "-nographic", "--no-reboot")],
        *_ram_backend(st),
        *_kernel(st, nvdimm_root, console),
        *qemu_tee.bios(st),
        *_iothreads(st),
        Arg("-pidfile", f"{st.run_dir}/pid", (), CONSTANT),
    ]
    if h.seccompsandbox:
        args.append(Arg("-sandbox", h.seccompsandbox, hv("seccompsandbox")))
    args.append(_smp(st))
    return Plan("qemu", "go", eff.arch, h.path or st.launch.binary, hv("path"), tuple(args),
                tuple(helpers), tuple(st.warnings))


def _nvdimm(st: QemuState) -> tuple[bool, bool, bool]:
    """(root on pmem0p1, machine nvdimm=on, image as an NVDIMM device)."""
    h = st.eff.hypervisor
    if not h.image or st.tee or st.launch.rootfs == "block":
        return False, False, False
    if st.launch.rootfs == "nvdimm-cmdline-blk-device":
        # ppc64le never honours disable_image_nvdimm yet attaches the image as virtio-blk
        return True, True, False
    on = not h.disable_image_nvdimm
    return on, on, on


def _extra_monitor(st: QemuState) -> list[Arg]:
    h = st.eff.hypervisor
    if not (h.enable_debug and h.extra_monitor_socket):
        return []
    path = f"unix:path={st.run_dir}/extra-monitor.sock,server=on,wait=off"
    option = {"hmp": "-monitor", "qmp": "-qmp", "qmp-pretty": "-qmp-pretty"}.get(
        h.extra_monitor_socket, "-monitor")
    return [Arg(option, path, hv("enable_debug", "extra_monitor_socket"))]


def _iothreads(st: QemuState) -> list[Arg]:
    h = st.eff.hypervisor
    out: list[Arg] = []
    if h.enable_iothreads and h.block_device_driver == "virtio-scsi":
        out.append(Arg("-object", f"iothread,id=iothread-{st.ctx.device_hex}",
                       hv("enable_iothreads")))
    out += [Arg("-object", f"iothread,id=indep_iothread_{i}", hv("indep_iothreads"))
            for i in range(h.indep_iothreads)]
    return out
