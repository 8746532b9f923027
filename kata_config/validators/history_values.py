"""Rules about values whose acceptance changed between releases (``machine_type = "pc"``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.findings import Issue, Rule, Severity, When
from kata_config.keyfacts import facts
from kata_config.keys import lookup
from kata_config.keys.history import NAMES, next_release, value_history
from kata_config.keys.spec import Runtime, release_key
from kata_config.model import KataConfig
from kata_config.validators.history import who

RETIRED_VALUE = Rule("retired-value", Severity.ERROR,
                     "A value older releases accepted and the target release refuses")
VALUE_TOO_NEW = Rule("value-too-new", Severity.ERROR,
                     "A value only releases newer than the target accept")


def _value_issues(cfg: KataConfig) -> Iterator[tuple[Rule, Issue]]:
    rt, rel = cfg.runtime, cfg.release
    for ref in facts(cfg).value_history:  # string values of keys whose values have history
        if not isinstance(ref.value, str) or lookup(ref.table, ref.name) is None:
            continue
        found = value_history(rt, ref.table.value, ref.name, ref.value, cfg.arch)
        if found is None or found.span.covers(rel):
            continue
        shown = f'{ref.name} = "{ref.value}"'
        where = f" on {found.arch}" if found.arch else ""
        # Go loads any machine_type and fails only when it builds the QEMU command line;
        # keys whose value the runtime checks only at start (virtio_fs_cache) likewise
        spec = lookup(ref.table, ref.name)
        late = ref.name == "machine_type" or (spec is not None and rt in spec.start_checked)
        when: When | None = "start" if late else None
        if found.span.until and release_key(rel) > release_key(found.span.until):
            fix = (f'use "{found.span.replaced_by}"' if found.span.replaced_by
                   else "use one of the values the key takes now")
            other: Runtime = "rs" if rt == "go" else "go"
            if spec is not None and ref.value in spec.choices_for(other):
                fix += f" ({NAMES[other]} still takes \"{ref.value}\")"
            yield RETIRED_VALUE, Issue(ref.path, (
                f"{shown} was accepted by {NAMES[rt]}{where} until {found.span.until} and "
                f"removed in {next_release(rt, found.span.until)} (upstream "
                f"{found.commit}); {who(rt, rel)} refuses it: {fix}"), when)
        else:
            yield VALUE_TOO_NEW, Issue(ref.path, (
                f"{shown} is accepted by {NAMES[rt]}{where} only from {found.span.since}; "
                f"{who(rt, rel)} refuses it"), when)


def check_retired_values(cfg: KataConfig) -> Iterator[Issue]:
    """A value older releases accepted and the target release refuses.

    ``machine_type = "pc"`` (Go, x86_64, until 2.1), runtime-rs ``shared_fs = "virtio-9p"``
    (until 3.28), runtime-rs ``block_device_driver = "virtio-blk"`` (until 3.1, then
    spelled ``virtio-blk-pci``), Go ``virtio_fs_cache = "none"`` (until 3.1, which read it
    as ``never``): the loader, or for the machine type and the cache mode the VM start,
    fails.

    Fails:
        [hypervisor.qemu]
        machine_type = "pc"

    Passes:
        [hypervisor.qemu]
        machine_type = "q35"
    """
    return (issue for rule, issue in _value_issues(cfg) if rule is RETIRED_VALUE)


def check_value_too_new(cfg: KataConfig) -> Iterator[Issue]:
    """A value only releases newer than ``--kata-version`` accept.

    Fails:
        # kata-config: --runtime go --kata-version 3.0
        [hypervisor.qemu]
        shared_fs = "none"

    Passes:
        # kata-config: --runtime go --kata-version 3.2
        [hypervisor.qemu]
        shared_fs = "none"
    """
    return (issue for rule, issue in _value_issues(cfg) if rule is VALUE_TOO_NEW)


CHECKS: Final = (
    (RETIRED_VALUE, check_retired_values),
    (VALUE_TOO_NEW, check_value_too_new),
)
