"""Checks of one Kata configuration against the host it would run on.

The config is the one given with ``--config`` or, failing that, the one Kata would load from
the host root (``resolve``). Every configured path is looked up below the host root, so a
snapshot is checked against its own files. Sizes are compared with what the host has.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

from kata_config.arch.base import QEMU_LIKE
from kata_config.probes import tee
from kata_config.probes.base import CheckResult, Probe, ProbeContext, Status

if TYPE_CHECKING:
    from kata_config.model import KataConfig

PATH_KEYS: Final = ("kernel", "image", "initrd", "firmware", "firmware_volume", "jailer_path",
                    "virtio_fs_daemon")
"""Hypervisor keys naming host files the runtime opens or executes (``path`` is separate)."""


def host_cpus(ctx: ProbeContext) -> int | None:
    """Online CPUs from sysfs ranges ("0-3,8"), else the cpuinfo processor count."""
    online = ctx.host.read_value("sys/devices/system/cpu/online")
    if online:
        try:
            return sum(
                int(b) - int(a) + 1 if sep else 1
                for a, sep, b in (part.partition("-") for part in online.split(","))
            )
        except ValueError:
            pass
    info = ctx.facts.info
    return info.processors if info is not None and info.processors else None


def host_mem_mib(ctx: ProbeContext) -> int | None:
    """MemTotal in MiB from /proc/meminfo, or None."""
    for line in (ctx.host.read_text("proc/meminfo") or "").splitlines():
        key, _, value = line.partition(":")
        if key == "MemTotal" and value.split() and value.split()[0].isdigit():
            return int(value.split()[0]) // 1024
    return None


def _paths(ctx: ProbeContext, hv: Mapping[str, Any]) -> Iterator[CheckResult]:
    binary = hv.get("path")
    if isinstance(binary, str) and binary:
        st = ctx.host.stat(binary)
        ok = st is not None and stat.S_ISREG(st.st_mode) and bool(st.st_mode & 0o111)
        state = "is executable" if ok else "is missing or not executable"
        yield CheckResult("config.hypervisor-path", Status.PASS if ok else Status.FAIL,
                          f"hypervisor binary {binary} {state}",
                          f"stat {binary}: {'mode ' + oct(st.st_mode) if st else 'absent'}",
                          "" if ok else f"install the hypervisor or fix path = {binary!r}")
    for key in PATH_KEYS:
        value = hv.get(key)
        if not isinstance(value, str) or not value:
            continue
        if key == "virtio_fs_daemon" and hv.get("shared_fs") not in (None, "virtio-fs"):
            continue
        ok = ctx.host.exists(value)
        yield CheckResult(f"config.path.{key}", Status.PASS if ok else Status.FAIL,
                          f"{key} = {value} {'exists' if ok else 'does not exist'}",
                          f"stat {value}", "" if ok else f"install it or fix {key}")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _sizes(ctx: ProbeContext, cfg: KataConfig) -> Iterator[CheckResult]:
    cpus = host_cpus(ctx)
    vcpus, maxv = _number(cfg.hv_value("default_vcpus")), _number(cfg.hv_value("default_maxvcpus"))
    if cpus is None:
        yield CheckResult("config.vcpus", Status.SKIP, "host CPU count unreadable")
    else:
        over = [f"{k} ({v:g})" for k, v in (("default_vcpus", vcpus), ("default_maxvcpus", maxv))
                if v is not None and v > cpus]
        yield CheckResult(
            "config.vcpus", Status.WARN if over else Status.PASS,
            f"{' and '.join(over)} exceed the host's {cpus} CPUs; the runtime caps them"
            if over else f"vCPU settings fit the host's {cpus} CPUs",
            f"host CPUs = {cpus}; default_vcpus = {vcpus}; default_maxvcpus = {maxv}",
            f"set them to {cpus} or less" if over else "")
    mem, want = host_mem_mib(ctx), _number(cfg.hv_value("default_memory"))
    if mem is None or want is None:
        yield CheckResult("config.memory", Status.SKIP, "MemTotal or default_memory unknown")
    else:
        fits = want <= mem
        yield CheckResult(
            "config.memory", Status.PASS if fits else Status.FAIL,
            f"default_memory ({want:g} MiB) {'fits' if fits else 'exceeds'} the host's "
            f"{mem} MiB", f"/proc/meminfo MemTotal = {mem} MiB",
            "" if fits else f"lower default_memory below {mem}")


def _machine_and_vsock(ctx: ProbeContext, cfg: KataConfig) -> Iterator[CheckResult]:
    machine = cfg.hv_value("machine_type")
    types = ctx.spec.machine_types
    if isinstance(machine, str) and machine:
        ok = machine in types
        yield CheckResult("config.machine-type", Status.PASS if ok else Status.FAIL,
                          f"machine_type {machine!r} {'fits' if ok else 'does not fit'} "
                          f"{ctx.arch}", f"{ctx.arch} accepts {', '.join(types)}",
                          "" if ok else f"use one of {', '.join(types)}")
    hv = cfg.active_hypervisor
    if hv in QEMU_LIKE:
        ok = ctx.host.is_device("dev/vhost-vsock")
        yield CheckResult("config.vsock", Status.PASS if ok else Status.FAIL,
                          f"{hv} needs /dev/vhost-vsock: {'present' if ok else 'missing'}",
                          "/dev/vhost-vsock", "" if ok else "modprobe vhost_vsock")


def _confidential(ctx: ProbeContext, cfg: KataConfig) -> Iterator[CheckResult]:
    if cfg.hypervisor.get("confidential_guest") is not True:
        return
    wanted = tee.requested_tee(cfg, ctx.host, ctx.spec)
    have = tee.available_tees(ctx.host, ctx.spec)
    ok = wanted in have
    yield CheckResult("config.confidential", Status.PASS if ok else Status.FAIL,
                      f"confidential_guest = true asks for {wanted or 'a TEE'}: "
                      f"{'offered' if ok else 'not offered'} by this host",
                      f"available: {', '.join(sorted(have)) or 'none'}",
                      "" if ok else f"see the tee.{wanted} line for the missing link")


def probe_config(ctx: ProbeContext) -> Iterator[CheckResult]:
    """The ``config.*`` lines for the resolved config (nothing when there is none)."""
    cfg = ctx.config
    if cfg is None:
        return
    yield from _paths(ctx, cfg.hypervisor)
    yield from _sizes(ctx, cfg)
    yield from _machine_and_vsock(ctx, cfg)
    yield from _confidential(ctx, cfg)


CHECK_IDS: Final = ("config.file", "config.hypervisor-path", "config.path", "config.vcpus",
                    "config.memory", "config.machine-type", "config.vsock",
                    "config.confidential")
PROBES: Final[tuple[Probe, ...]] = (probe_config,)
