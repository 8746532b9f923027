"""Documented differences between upstream's loader (Go 3.30) and ours, each with its reason.

Every disagreement the differential suite finds must match one entry here, or the suite
fails. ``kind`` is one of:

* ``release``: 3.30 behaves differently from the newest release we model (4.1); validate
  follows the newest release unless told otherwise;
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


def _newer_keys_only(outcome: Outcome) -> bool:
    load_time = [(rule, key) for rule, when, key in outcome.errors if when == "load"]
    return bool(load_time) and all(any(k in key for k in NEWER_KEYS) for _, key in load_time)


def _template_initrd(outcome: Outcome) -> bool:
    return outcome.refusal == "template-initrd"


def _numa(outcome: Outcome) -> bool:
    load_time = {rule for rule, when, _ in outcome.errors if when == "load"}
    return outcome.loaded and load_time == {"numa-multi-node-unsupported"}


def _timed_out(outcome: Outcome) -> bool:
    return outcome.refusal == "timeout"


KNOWN: Final[tuple[Known, ...]] = (
    Known("template-initrd", "release",
          "3.30 (and 3.31) refuse `enable_template = true` without an `initrd` "
          "(\"Factory option enable_template requires an initrd image\"); 3.32 dropped the "
          "check, so for the newest release `template-needs-initrd` is only a warning.",
          _template_initrd),
    Known("newer-keys", "release",
          "`guest_extension_images` and `[agent] visible_cdi_devices` are read by the Go "
          "runtime only after 3.30; 3.30 ignores them, whatever their value, while our "
          "findings about them (`schema-type`, `extension-image-name-invalid`, "
          "`verity-params-invalid`) hold for the releases that read them.",
          _newer_keys_only),
    Known("newer-values", "release",
          "`emptydir_mode = \"block-plain\"` is accepted by the Go runtime from 4.0; 3.30 "
          "refuses it (\"invalid emptydir_mode\").",
          lambda o: o.refusal == "emptydir-mode" and "block-plain" in o.message),
    Known("numa-check", "release",
          "The multi-NUMA check (`numa-multi-node-unsupported`) arrived in the Go loader "
          "after 3.30 (3.32); 3.30 loads such a file.",
          _numa),
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
              any(k in key for k in NEWER_KEYS) for key in o.load_error_keys)),
    Known("no-hypervisor-table", "open",
          "With no `[hypervisor.*]` table at all the Go runtime loads the file with its "
          "built-in QEMU settings (`GetDefaultHypervisorConfig`, which no builder normalises); "
          "`load()` refuses such a file instead (`validate` only warns, "
          "`no-hypervisor-table`). Reported to the owner of `load()`.",
          lambda o: o.hypervisor_tables == 0 and "no [hypervisor" in o.load_error),
    Known("random-agent", "choice",
          "Likewise with several `[agent.*]` tables: the Go runtime keeps a random one, "
          "`load()` the first, and `validate` warns (`multiple-agent-tables`).",
          lambda o: o.agent_tables > 1 and all(f.startswith("Agent.") for f, _, _ in o.differ)),
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
