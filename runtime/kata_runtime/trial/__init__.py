"""``plan --try``: start the planned hypervisor paused and ask it what it built.

``try_plan`` returns a ``TryResult`` whose ``exit_code`` is 0 when the hypervisor started,
1 when it refused (its words in ``error``, ours in ``explanation``), 2 when it could not be
tried at all (no binary, no KVM without ``--accel tcg``, a hypervisor without a QMP trial).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kata_runtime.plan import Context, Plan
from kata_runtime.trial.adapt import WITHOUT, Trial, argv_builder
from kata_runtime.trial.explain import explain
from kata_runtime.trial.runner import Device, Outcome, start_paused

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


def _host_notes(plan: Plan, without: tuple[str, ...]) -> tuple[str, ...]:
    notes = []
    if "vsock" not in without and not os.path.exists("/dev/vhost-vsock"):
        notes.append("/dev/vhost-vsock is missing on this host (modprobe vhost_vsock)")
    for helper in plan.helpers:
        if "virtio-fs" not in without:
            notes.append(f"{helper.name} is started by the runtime, not by --try: "
                         "the shared filesystem cannot connect without --without virtio-fs")
    return tuple(notes)


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
    if accel == "kvm":
        ok, why = kvm_usable()
        if not ok:
            return TryResult(False, binary, 2, error=why, explanation=(
                "KVM is not usable here, so the plan cannot start as the runtime would; "
                "--accel tcg tries it under emulation instead"))
    trials: list[Trial] = []
    outcome: Outcome = start_paused(
        argv_builder(build, accel=accel, without=without, report=trials),
        timeout=timeout, parent=parent)
    trial = trials[-1] if trials else Trial((), (), ())
    common = {"binary": binary, "left_out": trial.left_out, "swapped": trial.swapped,
              "argv": trial.argv, "notes": _host_notes(preview, without)}
    if outcome.started:
        return TryResult(True, exit_code=0, hypervisor_version=outcome.version,
                         vcpus=outcome.vcpus, memory_mib=outcome.memory_mib,
                         devices=outcome.devices, **common)  # type: ignore[arg-type]
    if outcome.timed_out:
        return TryResult(False, exit_code=2, error=outcome.error, explanation=(
            f"no QMP answer within {timeout:g} s: the hypervisor hung and was killed"),
            **common)  # type: ignore[arg-type]
    _, why = explain(outcome.error or "", outcome.version)
    return TryResult(False, exit_code=1, error=outcome.error, explanation=why or (
        "the hypervisor refused; its own words above say why"), **common)  # type: ignore[arg-type]
