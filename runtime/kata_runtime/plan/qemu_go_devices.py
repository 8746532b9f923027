"""The Go runtime's QEMU device list, in emission order (launch-plans §1.5, §1.8).

CreateVM adds bridges, console, rootfs, extension images, vIOMMU, pvpanic, SCSI, the
protection object, RNG, balloon and PCIe ports; the agent then adds vsock and the shared
filesystem. NICs come from the pod's network namespace at sandbox creation and are not
planned (a plan has no pod).
"""

from __future__ import annotations

from kata_runtime.plan.model import CONSTANT, RUNTIME_STATE, Arg
from kata_runtime.plan.qemu_state import QemuState, hv


def _dev(parts: list[str], keys: tuple[str, ...], rule: str = "") -> Arg:
    return Arg("-device", ",".join(p for p in parts if p), keys, rule)


def bridges(st: QemuState) -> list[Arg]:
    """``default_bridges`` PCI bridges (none on s390x)."""
    count = st.eff.hypervisor.default_bridges
    bus = st.launch.bridge_bus
    if not bus or count <= 0:
        return []
    keys = hv("default_bridges")
    out: list[Arg] = []
    nested = st.machine == "q35" and bool(st.eff.hypervisor.firmware)
    for i in range(count):
        if nested:
            # OVMF reserves hot-plug windows only behind PCIe ports (Kata 3.31+)
            port = f"rp-pci-bridge-{i}"
            out.append(_dev([
                "pcie-root-port", f"id={port}", "bus=pcie.0", f"chassis={16 + i}", "slot=0",
                f"addr={2 + i:x}", "multifunction=off", "bus-reserve=0x1", "pref64-reserve=1m",
                "mem-reserve=1m", "io-reserve=4k"], (*keys, *hv("firmware")),
                "q35 with firmware: each bridge behind its own root port"))
            out.append(_dev(["pcie-pci-bridge", f"bus={port}", f"id=pci-bridge-{i}"],
                            (*keys, *hv("firmware"))))
            continue
        out.append(_dev([
            "pci-bridge", f"bus={bus}", f"id=pci-bridge-{i}", f"chassis_nr={i + 1}", "shpc=off",
            f"addr={2 + i:x}", "io-reserve=4k", "mem-reserve=1m", "pref64-reserve=1m"], keys))
    return out


def console(st: QemuState, params: list[str]) -> list[Arg]:
    """The guest console: a virtio console on a socket, or a legacy serial port."""
    path = f"{st.run_dir}/console.sock"
    chardev = Arg("-chardev", f"socket,id=charconsole0,path={path},server=on,wait=off",
                  (), "the runtime reads the guest console from this socket")
    if st.eff.hypervisor.use_legacy_serial:
        params.append("console=ttyS0")
        return [Arg("-serial", "chardev:charconsole0", hv("use_legacy_serial")), chardev]
    params.extend(st.launch.console_params)
    kind = "virtio-serial-ccw" if st.launch.ccw else "virtio-serial-pci"
    return [
        _dev([kind, st.disable_modern(), "id=serial0", *st.ccw_tail()], (), CONSTANT),
        _dev(["virtconsole", "chardev=charconsole0", "id=console0"], (), CONSTANT),
        chardev,
    ]


def block_disk(st: QemuState, ident: str, path: str, keys: tuple[str, ...]) -> list[Arg]:
    """A read-only virtio-blk disk (rootfs image, guest extension image)."""
    kind = "virtio-blk-ccw" if st.launch.ccw else "virtio-blk-pci"
    device = [kind, st.disable_modern(), f"drive={ident}", "config-wce=off"]
    device += st.ccw_tail()
    device += ["share-rw=on", f"serial={ident}"]
    return [
        _dev(device, keys),
        Arg("-drive", f"id={ident},file={path},aio=threads,format=raw,if=none,readonly=on",
            keys, "read-only; always aio=threads (block_device_aio is for hot-plugged volumes)"),
    ]


def rootfs(st: QemuState, nvdimm: bool) -> list[Arg]:
    """The guest image as an NVDIMM or a virtio-blk disk (an initrd needs no device)."""
    image = st.eff.hypervisor.image
    if not image:
        return []
    if nvdimm:
        size = st.ctx.size(image)
        shown = str(size) if size is not None else "<size of image>"
        keys = hv("image", "disable_image_nvdimm")
        return [
            _dev(["nvdimm", "id=nv0", "memdev=mem0", "unarmed=on"], keys),
            Arg("-object",
                f"memory-backend-file,id=mem0,mem-path={image},size={shown},readonly=on",
                keys, "size is the image file's size"),
        ]
    ident = f"image-{st.ctx.device_hex}"
    return block_disk(st, ident, image, hv("image", "disable_image_nvdimm"))


def extensions(st: QemuState) -> list[Arg]:
    """One read-only disk per guest extension image with a path."""
    out: list[Arg] = []
    for ext in st.eff.hypervisor.guest_extension_images:
        if ext.path:
            out += block_disk(st, f"extension-{ext.name}", ext.path,
                              hv("guest_extension_images"))
    return out


def misc(st: QemuState) -> list[Arg]:
    """vIOMMU, pvpanic and the SCSI controller."""
    h = st.eff.hypervisor
    out: list[Arg] = []
    if h.enable_iommu and st.machine == "q35":
        out.append(_dev(["intel-iommu", "intremap=on", "device-iotlb=on", "caching-mode=on"],
                        hv("enable_iommu")))
    elif h.enable_iommu:
        st.warnings.append(f"enable_iommu = true on a {st.machine} machine: the Go runtime "
                           "refuses to create the VM (vIOMMU is q35 only)")
    if h.guest_memory_dump_path:
        out.append(Arg("-device", "pvpanic", hv("guest_memory_dump_path")))
        out.append(Arg("-no-shutdown", None, hv("guest_memory_dump_path")))
    if h.block_device_driver == "virtio-scsi":
        kind = "virtio-scsi-ccw" if st.launch.ccw else "virtio-scsi-pci"
        parts = [f"{kind},id=scsi0", st.disable_modern()]
        keys = hv("block_device_driver")
        if h.enable_iothreads:
            parts.append(f"iothread=iothread-{st.ctx.device_hex}")
            keys += hv("enable_iothreads")
        out.append(_dev([*parts, *st.ccw_tail()], keys))
    return out


def rng_balloon(st: QemuState) -> list[Arg]:
    """The entropy device and the free-page-reporting balloon."""
    h = st.eff.hypervisor
    out: list[Arg] = []
    if st.launch.rng and not st.tee:
        src = h.entropy_source or "/dev/urandom"
        out.append(Arg("-object", f"rng-random,id=rng0,filename={src}", hv("entropy_source")))
        out.append(_dev(["virtio-rng-pci", "rng=rng0"], hv("entropy_source")))
    if h.reclaim_guest_freed_memory and not st.tee:
        kind = "virtio-balloon-ccw" if st.launch.ccw else "virtio-balloon-pci"
        out.append(_dev([kind, "id=balloon0", "deflate-on-oom=on", "disable-modern=false",
                         "free-page-reporting=on", *st.ccw_tail()],
                        hv("reclaim_guest_freed_memory")))
    return out


def pcie_ports(st: QemuState) -> list[Arg]:
    """PCIe root or switch ports for VFIO (q35), or the virt machine's hot-plug ports."""
    h = st.eff.hypervisor
    modes = (h.hot_plug_vfio, h.cold_plug_vfio)
    keys = hv("hot_plug_vfio", "cold_plug_vfio")
    if st.launch.root_ports == "never":
        return []
    if "root-port" in modes:
        count = min(h.pcie_root_port, 16)
        keys += hv("pcie_root_port")
    elif "switch-port" in modes:
        count = min(h.pcie_switch_port, 16)
        out = [_dev(["pcie-root-port", "id=swrp0", "bus=pcie.0", "chassis=1", "slot=0",
                     "multifunction=off"], (*keys, *hv("pcie_switch_port"))),
               _dev(["x3130-upstream", "id=swup0", "bus=swrp0"], hv("pcie_switch_port"))]
        out += [_dev(["xio3130-downstream", f"id=swdp{i}", "bus=swup0", "chassis=2",
                      f"slot={i}"], hv("pcie_switch_port")) for i in range(count)]
        return out
    elif st.launch.root_ports == "always":
        # virt: one port per pod network link (a fresh netns has only lo) + one for virtio-mem
        count = 1 + (1 if h.enable_virtio_mem else 0)
        keys = hv("enable_virtio_mem")
    else:
        return []
    return [_dev(["pcie-root-port", f"id=rp{i}", "bus=pcie.0", "chassis=0", f"slot={i}",
                  "multifunction=off"], keys, "" if i else RUNTIME_STATE)
            for i in range(count)]


def vsock(st: QemuState) -> list[Arg]:
    """The agent's vsock: the runtime opens /dev/vhost-vsock and reserves a CID."""
    kind = "vhost-vsock-ccw" if st.launch.ccw else "vhost-vsock-pci"
    cid = st.ctx.vsock_cid
    fd = f"vhostfd={st.ctx.vsock_fd}" if st.ctx.vsock_fd is not None else ""
    parts = [kind, st.disable_modern(), fd, f"id=vsock-{cid}", f"guest-cid={cid}"]
    if st.pcie_root:
        parts.append("bus=pcie.0")
    return [_dev([*parts, *st.ccw_tail()], (), RUNTIME_STATE + " (vsock CID, fd)")]
