"""``plan --try``: start the planned hypervisor paused and ask it what it built.

``try_plan`` returns a ``TryResult`` whose ``exit_code`` is 0 when the hypervisor started,
1 when it refused (its words in ``error``, ours in ``explanation``), 2 when it could not be
tried at all (no binary, no KVM without ``--accel tcg``, a hypervisor without a QMP trial).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kata_config import HostFiles, UnknownArchError, canonical_arch
from kata_runtime.plan import Context, Plan
from kata_runtime.trial import virtiofsd
from kata_runtime.trial.adapt import WITHOUT, Trial, argv_builder
from kata_runtime.trial.explain import explain
from kata_runtime.trial.queries import Device
from kata_runtime.trial.runner import Outcome, start_paused

__all__ = ["WITHOUT", "TryResult", "kvm_usable", "try_plan"]


@dataclass(frozen=True, slots=True)
class TryResult:
    """What ``--try`` found; ``as_json()`` is the documented JSON shape."""

    started: bool
    binary: str
    exit_code: int
    hypervisor_version: str = ""
    vcpus: int | None = None
    memory_mib: int | None = None
    devices: tuple[Device, ...] = ()
    left_out: tuple[str, ...] = ()
    swapped: tuple[str, ...] = ()
    error: str | None = None
    explanation: str = ""
    argv: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    refused_by: str = ""
    """The helper whose words are in ``error`` ("" = the hypervisor's)."""

    def as_json(self) -> dict[str, Any]:
        """``{"version":1,"started",...}`` as in the issue."""
        return {
            "version": 1, "started": self.started, "binary": self.binary,
            "hypervisor_version": self.hypervisor_version or None, "vcpus": self.vcpus,
            "memory_mib": self.memory_mib,
            "devices": [{"id": d.id, "type": d.type, "pci": d.pci or None} for d in self.devices],
            "left_out": list(self.left_out), "swapped": list(self.swapped),
            "error": self.error, "explanation": self.explanation or None,
        }


def kvm_usable() -> tuple[bool, str]:
    """Whether /dev/kvm can be opened read-write here, and why not."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError as exc:
        return False, f"/dev/kvm: {exc.strerror}"
    os.close(fd)
    return True, ""


def _host_notes(without: tuple[str, ...]) -> tuple[str, ...]:
    if "vsock" not in without and not HostFiles("/").exists("/dev/vhost-vsock"):
        return ("/dev/vhost-vsock is missing on this host (modprobe vhost_vsock)",)
    return ()


def _helpers_missing(plan: Plan, without: tuple[str, ...]) -> str:
    """Why a helper the plan starts first cannot run here ("" when they all can)."""
    for helper in plan.helpers:
        if helper.name == "virtiofsd" and "virtio-fs" in without:
            continue
        if not os.access(shutil.which(helper.argv[0]) or helper.argv[0], os.X_OK):
            return (f"{helper.argv[0]} is not an executable here: the runtime starts "
                    f"{helper.name} before the hypervisor and would fail the sandbox. Install "
                    "it or point virtio_fs_daemon at one, or try without the shared "
                    "filesystem: --without virtio-fs")
    return ""


def binary_version(binary: str) -> str:
    """``7.2.22 (Debian ...)`` from ``binary --version``; "" when it does not say."""
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, timeout=5,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    first = done.stdout.decode("utf-8", errors="replace").partition("\n")[0]
    return first.partition(" version ")[2].strip()


def _refusal(outcome: Outcome, version: str, timeout: float) -> str:
    if outcome.timed_out:
        who = outcome.refused_by or "the hypervisor"
        return f"no answer within {timeout:g} s: {who} hung and was killed"
    _, why = explain(outcome.error or "", version)
    if outcome.refused_by and not why:
        return (f"{outcome.refused_by}, which the runtime starts before the hypervisor, "
                "gave up; its own words above say why")
    return why or "the hypervisor refused; its own words above say why"


def try_plan(
    build: Callable[[Context], Plan], *, accel: str = "kvm", without: tuple[str, ...] = (),
    timeout: float = 10.0, parent: str | None = None,
) -> TryResult:
    """Start the plan that ``build(context)`` makes, paused, and report what QEMU built."""
    preview = build(Context())
    binary = shutil.which(preview.binary) or preview.binary
    if preview.hypervisor != "qemu":
        return TryResult(False, preview.binary, 2, error=None, explanation=(
            f"--try starts QEMU only; {preview.hypervisor} is configured through its API"))
    if not os.access(binary, os.X_OK):
        return TryResult(False, preview.binary, 2, explanation=(
            f"{preview.binary} is not an executable here: install QEMU or fix path"))
    missing = _helpers_missing(preview, without)
    if missing:
        return TryResult(False, binary, 2, explanation=missing)
    try:
        here = canonical_arch()
    except UnknownArchError:
        here = "unknown"  # an arch kata-config has no table for: no plan is for it either
    if accel == "kvm" and preview.arch != here:
        return TryResult(False, binary, 2, explanation=(
            f"KVM runs only {here} guests on this {here} host, and the plan is for "
            f"{preview.arch}; --accel tcg tries it under emulation instead"))
    if accel == "kvm":
        ok, why = kvm_usable()
        if not ok:
            return TryResult(False, binary, 2, error=why, explanation=(
                "KVM is not usable here, so the plan cannot start as the runtime would; "
                "--accel tcg tries it under emulation instead"))
    dialects = {h.argv[0]: virtiofsd.dialect(h.argv[0]) for h in preview.helpers
                if h.name == "virtiofsd"}
    trials: list[Trial] = []
    outcome: Outcome = start_paused(
        argv_builder(build, accel=accel, without=without, report=trials, dialects=dialects),
        helpers=lambda _ws: trials[-1].helpers, timeout=timeout, parent=parent)
    trial = trials[-1] if trials else Trial((), (), ())
    notes = () if "vhost-vsock" in (outcome.error or "") else _host_notes(without)
    common = {"binary": binary, "left_out": trial.left_out, "swapped": trial.swapped,
              "argv": trial.argv, "notes": notes}
    if outcome.started:
        return TryResult(True, exit_code=0, hypervisor_version=outcome.version,
                         vcpus=outcome.vcpus, memory_mib=outcome.memory_mib,
                         devices=outcome.devices, **common)  # type: ignore[arg-type]
    # A refusal has no QMP greeting; the version helps explain an option the binary lacks.
    version = "" if outcome.timed_out else binary_version(binary)
    return TryResult(False, exit_code=2 if outcome.timed_out else 1, error=outcome.error,
                     hypervisor_version=version, explanation=_refusal(outcome, version, timeout),
                     refused_by=outcome.refused_by, **common)  # type: ignore[arg-type]
