"""Rules about which runtime reads what: keys, tables and spellings one runtime does not take.

The catalogue says which runtime decodes each key and which values each accepts; these rules
compare a file against the runtime it is checked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.keyfacts import facts
from kata_config.keys import lookup
from kata_config.keys.history import strict_in, value_status
from kata_config.model import KataConfig
from kata_config.schema.values import show

_NAMES: Final = {"go": "the Go runtime", "rs": "runtime-rs"}
_OTHER: Final = {"go": "runtime-rs", "rs": "the Go runtime"}
PLACEHOLDER: Final = re.compile(r"@[A-Z][A-Z0-9_]*@")

KEY_UNUSED_BY_RUNTIME = Rule(
    "key-unused-by-runtime", Severity.WARNING, "A known key the target runtime does not read"
)
KEY_REJECTED_BY_RUNTIME = Rule(
    "key-rejected-by-runtime",
    Severity.ERROR,
    "A key runtime-rs refuses in a table it checks strictly",
)
VALUE_NOT_FOR_RUNTIME = Rule(
    "value-not-for-runtime", Severity.ERROR, "A value only the other runtime accepts"
)
PLACEHOLDER_IN_COMMENT = Rule(
    "placeholder-in-comment", Severity.INFO, "A comment still holds a build-time @VARIABLE@"
)
PLACEHOLDER_UNSUBSTITUTED = Rule(
    "placeholder-unsubstituted", Severity.ERROR, "A build-time @VARIABLE@ was never substituted"
)


def check_runtime_keys(cfg: KataConfig) -> Iterator[Issue]:
    """Known keys that the target runtime does not decode.

    Both runtimes read most keys, but many are Go-only (``seccompsandbox``, ``dial_timeout``,
    top-level ``[factory]``) or runtime-rs-only (``seccomp_sandbox``, ``dial_timeout_ms``,
    ``[hypervisor.*.factory]``). The runtime that does not know a key ignores it without a
    word, so the setting silently has no effect. (Inside the tables runtime-rs checks strictly
    the same situation is an error: see ``key-rejected-by-runtime``.)

    Fails (runtime-rs)::

        [hypervisor.qemu]
        seccompsandbox = "on"

    Passes (runtime-rs)::

        [hypervisor.qemu]
        seccomp_sandbox = "on"
    """
    # facts().never_read: known keys no release of the target runtime reads (keys that some
    # release reads are the history rules' business: retired-key, key-too-new)
    for ref in facts(cfg).never_read:
        if strict_in(cfg.runtime, ref.table.value, cfg.release):
            continue
        yield Issue(ref.path, _unused_message(ref.name, cfg.runtime))


def _unused_message(name: str, runtime: str) -> str:
    return (f"{name} is read only by {_OTHER[runtime]}; {_NAMES[runtime]} ignores it, so it has "
            f"no effect here: remove it or use {_NAMES[runtime]}'s equivalent "
            "(`kata-config migrate` converts whole files)")


def check_rejected_keys(cfg: KataConfig) -> Iterator[Issue]:
    """Go-only keys inside the tables runtime-rs decodes strictly.

    runtime-rs refuses to load a file whose ``[agent.*]``, ``[agent.*.mem_agent]``,
    ``[hypervisor.*.factory]``, ``rootless_user`` or ``shared_mounts`` tables carry a key it
    does not know, even one the Go runtime reads. A Go-style agent table therefore breaks
    runtime-rs.

    Fails (runtime-rs)::

        [agent.kata]
        dial_timeout = 45

    Passes (runtime-rs)::

        [agent.kata]
        dial_timeout_ms = 45000
    """
    for ref in facts(cfg).never_read:
        if strict_in(cfg.runtime, ref.table.value, cfg.release):
            yield Issue(ref.path, (f"{ref.name} is a Go runtime key; runtime-rs checks this "
                                   "table strictly and refuses to load the file: remove it or "
                                   "use the runtime-rs equivalent"))


def check_runtime_values(cfg: KataConfig) -> Iterator[Issue]:
    """Values that are valid for one runtime but not for the one the file is checked for.

    The runtimes spell several values differently: Go's ``block_device_driver = "virtio-blk"``
    is ``"virtio-blk-pci"`` in runtime-rs; ``virtio_fs_cache = "metadata"`` exists only in Go;
    ``shared_fs = "inline-virtio-fs"`` only in runtime-rs. Either runtime refuses the other's
    spelling when it loads the file.

    Fails (runtime-rs)::

        [hypervisor.qemu]
        block_device_driver = "virtio-blk"

    Passes (runtime-rs)::

        [hypervisor.qemu]
        block_device_driver = "virtio-blk-pci"
    """
    for ref in facts(cfg).choices:  # keys the target runtime reads, with a list of values
        spec = lookup(ref.table, ref.name)
        if spec is None or cfg.runtime not in spec.runtimes:
            continue
        if value_status(cfg.runtime, ref.table.value, ref.name, ref.value, cfg.arch,
                        release=cfg.release) is not None:
            continue  # the value's own history decides: retired-value, value-too-new
        allowed = spec.choices_for(cfg.runtime)
        if not allowed or ref.value in allowed or ref.value not in spec.choices_for(None):
            continue
        listed = ", ".join(show(v) for v in allowed if v != "")
        yield Issue(ref.path, (f"{ref.name} = {show(ref.value)} is accepted only by "
                               f"{_OTHER[cfg.runtime]}; {_NAMES[cfg.runtime]} takes one of "
                               f"{listed}"),
                    "start" if cfg.runtime in spec.start_checked else "load")


def check_placeholders(cfg: KataConfig) -> Iterator[Issue]:
    """String values that still hold a build-time ``@VARIABLE@`` placeholder.

    Upstream renders its templates by replacing ``@VAR@`` markers at build time; a marker the
    build did not know stays in the file verbatim (upstream's runtime-rs NVIDIA GPU template
    ships ``firmware_volume = "@FIRMWAREVOLUMEPATH_NV@"``). Whatever reads such a value gets a
    path or setting that does not exist.

    Fails::

        [hypervisor.qemu]
        firmware = "@FIRMWAREPATH@"

    Passes::

        [hypervisor.qemu]
        firmware = ""
    """
    for ref in facts(cfg).placeholders:  # values holding an @
        values = ref.value if isinstance(ref.value, list) else [ref.value]
        for value in values:
            if isinstance(value, str) and (match := PLACEHOLDER.search(value)):
                yield Issue(ref.path, (f"{ref.name} holds the unsubstituted build placeholder "
                                       f"{match.group(0)}; replace it with the real value for "
                                       "this host (or the packaged default)"))
                break


CHECKS: Final = (
    (KEY_UNUSED_BY_RUNTIME, check_runtime_keys),
    (KEY_REJECTED_BY_RUNTIME, check_rejected_keys),
    (VALUE_NOT_FOR_RUNTIME, check_runtime_values),
    (PLACEHOLDER_UNSUBSTITUTED, check_placeholders),
)


def comment_placeholders(text: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, marker) of every ``@VAR@`` left in a whole-line comment.

    Harmless in itself, but a sign the file came from a build that did not know the variable.
    """
    if "@" not in text or not PLACEHOLDER.search(text):
        return  # the whole text at C speed first: an e-mail address in a comment is no marker
    for lineno, line in enumerate(text.splitlines(), 1):
        hash_at = line.find("#")
        if hash_at < 0 or line[:hash_at].strip():
            continue
        for match in PLACEHOLDER.finditer(line, hash_at):
            yield lineno, match.start() + 1, match.group(0)
