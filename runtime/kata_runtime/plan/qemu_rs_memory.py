"""runtime-rs QEMU: guest memory (``-machine``, ``-m``, the RAM backend) and the rootfs disk.

Split from ``qemu_rs`` so each module keeps one job; ``cmdline_generator.rs`` builds these in
its machine, memory and block-device parts.
"""

from __future__ import annotations

from kata_runtime.plan import qemu_tee
from kata_runtime.plan.model import RUNTIME_STATE, Arg
from kata_runtime.plan.qemu_state import QemuState, hv


def fmt_mib(mib: int) -> str:
    """runtime-rs ``format_memory``: whole GiB as ``<n>G``, else ``<n>M``."""
    return f"{mib // 1024}G" if mib % 1024 == 0 else f"{mib}M"


def rootfs(st: QemuState, nvdimm: bool, bus: str) -> list[Arg]:
    """The image as an NVDIMM (``virtio-pmem``) or a block device per ``vm_rootfs_driver``."""
    h = st.eff.hypervisor
    if not h.image or h.initrd:
        return []
    keys = hv("image", "vm_rootfs_driver")
    if nvdimm:
        size = st.ctx.size(h.image)
        shown = fmt_mib(size // (1 << 20)) if size and size % (1 << 20) == 0 else (
            str(size) if size is not None else "<size of image>")
        return [Arg("-object", f"memory-backend-file,id=TODO,mem-path={h.image},size={shown},"
                    "share=off,prealloc=off,readonly=on", keys, "the id is literally TODO"),
                Arg("-device", "nvdimm,memdev=TODO,unarmed=on", keys)]
    ident = "rootfs"
    direct = "on" if h.block_device_cache_direct else "off"
    out = [Arg("-blockdev", f"driver=file,node-name=image-{ident},filename={h.image},aio=threads,"
               f"cache.direct={direct},cache.no-flush=off,read-only=on",
               (*keys, *hv("block_device_cache_direct")), RUNTIME_STATE + " (device id)")]
    if h.vm_rootfs_driver == "virtio-scsi":
        out.append(Arg("-device", f"scsi-hd,drive=image-{ident},bus=scsi0.0", keys))
    else:
        devno = ",".join(st.ccw_tail())
        out.append(Arg("-device", f"virtio-blk-{bus},drive=image-{ident},config-wce=off,"
                       f"share-rw=on,serial=image-{ident}" + (f",{devno}" if devno else ""), keys))
    return out


def machine_memory(st: QemuState, nvdimm: bool, virtio_fs: bool) -> tuple[Arg, Arg, Arg]:
    """``-machine``, ``-m`` and the guest RAM backend ``-object`` it names."""
    h = st.eff.hypervisor
    irqchip = "split" if (h.enable_iommu or st.tee in ("snp", "tdx")) else "on"
    mem = h.default_memory
    slots, maxmem = (0, 0) if st.tee else (h.memory_slots, h.default_maxmemory)
    if virtio_fs and not (h.vm_rootfs_driver in ("nvdimm", "virtio-pmem") or h.enable_virtio_mem):
        slots, maxmem = 0, 0
    if virtio_fs:
        backend_id = "entire-guest-memory-share"
        prealloc = "on" if h.enable_mem_prealloc else "off"
        backend = (f"memory-backend-file,id={backend_id},mem-path=/dev/shm,size={fmt_mib(mem)},"
                   f"share=on,prealloc={prealloc},readonly=off")
    else:
        backend_id = "entire-guest-memory"
        backend = f"memory-backend-ram,id={backend_id},size={fmt_mib(mem)}" + (
            ",prealloc=on" if h.enable_mem_prealloc else "")
    machine = [st.machine, "accel=kvm"]
    if h.machine_accelerators:
        machine.append(h.machine_accelerators)
    if nvdimm and st.machine != "microvm" and not st.tee:  # protection turns NVDIMM off
        machine.append("nvdimm=on")
    machine += [f"kernel_irqchip={irqchip}", f"memory-backend={backend_id}"]
    if st.tee:
        machine.append(f"confidential-guest-support={qemu_tee.GUEST_SUPPORT[st.tee]}")
    m_value = fmt_mib(mem) + (f",slots={slots}" if slots else "") + (
        f",maxmem={fmt_mib(maxmem)}" if maxmem else "")
    return (
        Arg("-machine", ",".join(machine), hv(
            "machine_type", "machine_accelerators", "vm_rootfs_driver", "enable_iommu",
            "shared_fs"), "kernel_irqchip is always present in runtime-rs"),
        Arg("-m", m_value, hv("default_memory", "memory_slots", "default_maxmemory", "shared_fs"),
            "runtime-rs: no +1 GiB; virtio-fs zeroes slots/maxmem without pmem or virtio-mem"),
        Arg("-object", backend, hv("default_memory", "shared_fs", "enable_mem_prealloc")),
    )
