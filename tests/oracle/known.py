"""Documented differences between upstream's loader (Go 3.30) and ours, each with its reason.

Every disagreement the differential suite finds must match one entry here, or the suite
fails. ``kind`` is one of:

* ``release``: 3.30 behaves differently from the newest release we model (4.1). validate is
  run as ``--kata-version 3.30``; ``load()`` and kata_runtime take no release and follow the
  newest one;
* ``choice``: a documented decision of ours;
* ``environment``: the oracle's own set-up, not the config;
* ``open``: a gap in our model, reported to the owner of that code, not yet fixed.

docs/fidelity.md lists them with their reasons and counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from tests.oracle.suite import Outcome

NEWER_KEYS: Final = ("guest_extension_images", "visible_cdi_devices")
"""Keys the Go runtime reads only after 3.30."""


@dataclass(frozen=True, slots=True)
class Known:
    """One documented difference: how to recognise it and why it is there."""

    id: str
    kind: str
    reason: str
    matches: Callable[[Outcome], bool]


def _timed_out(outcome: Outcome) -> bool:
    return outcome.refusal == "timeout"


KNOWN: Final[tuple[Known, ...]] = (
    Known("input-caps", "choice",
          "kata-config refuses a file nested deeper than 16 levels or with more tables than "
          "any Kata configuration has (`file-too-complex`, bounds against hostile input); "
          "upstream parses it, and loads it or refuses it for another reason.",
          lambda o: any(rule == "file-too-complex" for rule, _, _ in o.errors)),
    Known("timeout", "environment",
          "The oracle did not answer within its deadline (the harness's own limit, not a "
          "verdict on the config).",
          _timed_out),
)

VALUES: Final[tuple[Known, ...]] = (
    Known("random-table", "choice",
          "With several `[hypervisor.*]` tables the Go runtime builds them all and keeps "
          "whichever its map iteration yields last (random); `load()` takes the first and "
          "`validate` warns (`multiple-hypervisor-tables`). Values are not compared.",
          lambda o: o.hypervisor_tables > 1),
    Known("sandbox-time-rewrite", "choice",
          "`load()` shows the block driver a VM gets: on an `s390-ccw-virtio` machine the Go "
          "runtime rewrites `virtio-blk` to `virtio-blk-ccw` when it creates the sandbox. "
          "kata-env shows the loader's value, before that rewrite.",
          lambda o: all(f == "Hypervisor.BlockDeviceDriver" and (t, u) == (
              "virtio-blk", "virtio-blk-ccw") for f, t, u in o.differ) and bool(o.differ)),
    Known("newer-keys-load", "release",
          "`load()` follows the newest release, which decodes `guest_extension_images` and "
          "`visible_cdi_devices` and so refuses a value of the wrong type there; 3.30 never "
          "decodes them and loads the file.",
          lambda o: bool(o.load_error_keys) and not o.differ and all(
              any(k in key.partition(":")[2] for k in NEWER_KEYS) for key in o.load_error_keys)),
    Known("random-agent", "choice",
          "Likewise with several `[agent.*]` tables: the Go runtime keeps a random one, "
          "`load()` the first, and `validate` warns (`multiple-agent-tables`).",
          lambda o: o.agent_tables > 1 and all(
              f.startswith("Agent.") or f == "Kernel.Parameters" for f, _, _ in o.differ)),
    Known("newer-agent-param", "release",
          "kata_runtime's composition of the Go kernel command line follows the newest release, "
          "which passes `agent.visible_cdi_devices=true` to the guest; 3.30 has no such key.",
          lambda o: bool(o.differ) and all(
              f == "Kernel.Parameters" and "agent.visible_cdi_devices" in str(u)
              and "agent.visible_cdi_devices" not in str(t) for f, t, u in o.differ)),
    Known("input-caps-load", "choice",
          "kata-config refuses a file nested deeper than 16 levels or with more tables than "
          "any Kata configuration has (`file-too-complex`, bounds against hostile input); "
          "upstream parses it, and loads it or refuses it for another reason.",
          lambda o: any(k.startswith("file-too-complex:") for k in o.load_error_keys)),
)


def explain(outcome: Outcome) -> str:
    """Id of the documented difference behind a disagreement ("" when none applies)."""
    if outcome.agrees:
        return ""
    return next((k.id for k in KNOWN if k.matches(outcome)), "")


def explain_values(outcome: Outcome) -> str:
    """Id of the documented reason resolved values differ ("" when none applies)."""
    if not outcome.differ and not outcome.load_error:
        return ""
    return next((k.id for k in VALUES if k.matches(outcome)), "")


def by_id() -> dict[str, Known]:
    """Every documented difference (verdicts and values) by id."""
    return {k.id: k for k in (*KNOWN, *VALUES)}
