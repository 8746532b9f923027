"""Rules about a file's keys against the release history: retired keys, tables and values.

Each runtime's loader at every release from 1.0 to the newest we read was compared (see
``kata_config.keys.history_data``): a key an older release read is not a typo, and a key a
newer release reads is not one either. These rules say which, and when.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.keyfacts import facts
from kata_config.keys.history import (
    NAMES,
    History,
    hypervisor_history,
    key_history,
    key_status,
    next_release,
    strict_in,
)
from kata_config.keys.spec import Runtime, release_key
from kata_config.model import KataConfig
from kata_config.release_guess import fitting_releases, histories
from kata_config.walk import TOP_LEVEL

RETIRED_KEY = Rule("retired-key", Severity.WARNING,
                   "A key older releases read and the target release ignores")
RETIRED_KEY_REJECTED = Rule("retired-key-rejected", Severity.ERROR,
                            "A retired key in a table runtime-rs checks strictly")
KEY_TOO_NEW = Rule("key-too-new", Severity.WARNING,
                   "A key only releases newer than the target read (ignored)")
KEY_TOO_NEW_REJECTED = Rule("key-too-new-rejected", Severity.ERROR,
                            "A key newer than the target release, in a strict table")
RETIRED_TABLE = Rule("retired-table", Severity.WARNING,
                     "A table older releases read and the target release ignores")
CONFIG_RELEASE = Rule("config-release", Severity.INFO,
                      "The release the file's keys point to, when it is not the target")


def who(runtime: Runtime, release: str) -> str:
    """'the Go runtime 3.30'."""
    return f"{NAMES[runtime]} {release}"


def _was_read(h: History, runtime: Runtime) -> str:
    """'was read by the Go runtime from 1.8 until 3.31 and removed in 3.32 (why; commit)'."""
    spans = h.spans_for(runtime)
    parts = [f"{s.since}-{s.until}" if s.until else f"{s.since} on" for s in spans]
    last = spans[-1].until
    text = f"was read by {NAMES[runtime]} in {', '.join(parts)}"
    if last:
        text = (f"was read by {NAMES[runtime]} until {last} and removed in "
                f"{next_release(runtime, last)}")
        if len(spans) > 1:
            text += f" (also read in {', '.join(parts[:-1])})"
    note = h.note(runtime)
    if note.why:
        text += f": {note.why} (upstream {note.commit})"
    return text


def _fix(h: History, runtime: Runtime, name: str, release: str, value: object) -> str:
    other: Runtime = "rs" if runtime == "go" else "go"
    kind, _, target = h.note(runtime).replacement.partition(":")
    if kind == "key":
        return f"rename it to {target} (`kata-config migrate` carries it)"
    if kind == "set":
        if value is False:  # the retired switch off: it asked for nothing to carry over
            return "remove it (false asked for nothing that needs another setting)"
        return f"remove it and set {target} instead"
    if h.read_in(other, release):
        return f"remove it ({NAMES[other]} still reads {name})"
    return "remove it"


def _key_issues(cfg: KataConfig) -> Iterator[tuple[Rule, Issue]]:
    rt, rel = cfg.runtime, cfg.release
    for ref in facts(cfg).history:  # keys another release reads: retired, gap or future
        status = key_status(ref.table.value, ref.name, rt, rel)
        if status not in ("retired", "gap", "future"):
            continue  # the common case, answered from a cache: read (or never read)
        h = key_history(ref.table.value, ref.name)
        if h is None:
            continue
        strict = strict_in(rt, ref.table.value, rel)
        verb = "refuses to load the file with it" if strict else "ignores it"
        if status in ("retired", "gap"):
            yield (RETIRED_KEY_REJECTED if strict else RETIRED_KEY), Issue(ref.path, (
                f"{ref.name} {_was_read(h, rt)}; {who(rt, rel)} {verb}: "
                f"{_fix(h, rt, ref.name, rel, ref.value)}"))
        elif status == "future":
            yield (KEY_TOO_NEW_REJECTED if strict else KEY_TOO_NEW), Issue(ref.path, (
                f"{ref.name} is read by {NAMES[rt]} only from {h.first(rt)}; "
                f"{who(rt, rel)} {verb}: remove it, or check the file with the release it "
                "is meant for (--kata-version)"))


def _only(rule: Rule, cfg: KataConfig) -> Iterator[Issue]:
    return (issue for found, issue in _key_issues(cfg) if found is rule)


def check_retired_keys(cfg: KataConfig) -> Iterator[Issue]:
    """A key older releases of the target runtime read, and the target release ignores.

    Both runtimes ignore a key they do not decode, so an old key silently stops working
    after an upgrade. The message says until when it was read, why it went (with the
    upstream commit) and what replaced it; a renamed key gets its new name.

    Fails:
        [hypervisor.qemu]
        valid_file_mem_backends = ["/dev/shm"]

    Passes:
        [hypervisor.qemu]
        valid_hypervisor_paths = ["/usr/bin/qemu-system-x86_64"]
    """
    return _only(RETIRED_KEY, cfg)


def check_retired_keys_rejected(cfg: KataConfig) -> Iterator[Issue]:
    """A retired key in a table runtime-rs checks strictly (``[agent.*]`` and others).

    Since 3.29 runtime-rs refuses unknown keys in its agent, mem_agent, factory,
    rootless_user and shared_mounts tables, retired ones included.

    Fails:
        # kata-config: --runtime rs --kata-version 3.29
        [agent.kata]
        request_timeout_ms = 30000

    Passes:
        # kata-config: --runtime rs --kata-version 3.29
        [agent.kata]
        create_container_timeout = 30
    """
    return _only(RETIRED_KEY_REJECTED, cfg)


def check_key_too_new(cfg: KataConfig) -> Iterator[Issue]:
    """A key only releases newer than ``--kata-version`` read; the target release ignores it.

    Fails:
        # kata-config: --runtime go --kata-version 3.30
        [agent.kata]
        visible_cdi_devices = true

    Passes:
        # kata-config: --runtime go --kata-version 3.32
        [agent.kata]
        visible_cdi_devices = true
    """
    return _only(KEY_TOO_NEW, cfg)


def check_key_too_new_rejected(cfg: KataConfig) -> Iterator[Issue]:
    """A key newer than ``--kata-version`` in a table that release checks strictly.

    Fails:
        # kata-config: --runtime rs --kata-version 3.30
        [runtime]
        name = "virt_container"
        hypervisor_name = "qemu"
        agent_name = "kata"
        [agent.kata]
        visible_cdi_devices = true

    Passes:
        # kata-config: --runtime rs --kata-version 3.32
        [runtime]
        name = "virt_container"
        hypervisor_name = "qemu"
        agent_name = "kata"
        [agent.kata]
        visible_cdi_devices = true
    """
    return _only(KEY_TOO_NEW_REJECTED, cfg)


def check_retired_tables(cfg: KataConfig) -> Iterator[Issue]:
    """A top-level table older releases read: ``[netmon]``, ``[proxy.*]``, ``[image]``.

    Both runtimes ignore a table they do not know; ``[image]`` here is the Go runtime's
    2.2-3.3 image-service table, not the hypervisor's ``image`` key.

    Fails:
        [netmon]
        enable_netmon = false

    Passes:
        [runtime]
        enable_debug = false
    """
    rt, rel = cfg.runtime, cfg.release
    for name, value in cfg.data.items():
        h = key_history("", name)
        if name in TOP_LEVEL or h is None or h.status(rt, rel) not in ("retired", "gap"):
            continue
        if not h.spans_for(rt):
            continue
        yield Issue(name, (
            f"[{name}] {_was_read(h, rt)}; {who(rt, rel)} ignores the whole table"
            f"{' and its keys' if isinstance(value, Mapping) and value else ''}: "
            f"{_fix(h, rt, f'[{name}]', rel, value)}"))


def check_config_release(cfg: KataConfig) -> Iterator[Issue]:
    """Which releases read every key of the file, when the target release does not.

    Shown once per file with retired keys or tables, so a file written for an old release
    is recognised as such rather than read as a page of typos.

    Fails:
        [hypervisor.qemu]
        enable_swap = true

    Passes:
        [hypervisor.qemu]
        enable_guest_swap = true
    """
    rt, rel = cfg.runtime, cfg.release
    # the common case, no key or table retired, is told without the whole file's histories
    if not any(key_status(ref.table.value, ref.name, rt, rel) in ("retired", "gap")
               for ref in facts(cfg).history) and not any(
            key_status("", name, rt, rel) in ("retired", "gap") for name in cfg.data):
        return
    off = [h for h in histories(cfg)
           if key_status(h.table, h.name, rt, cfg.release) in ("retired", "gap")]
    if not off:
        return
    fits = fitting_releases(cfg)
    newest_off = max((h.last(rt) for h in off), key=lambda r: tuple(map(int, r.split("."))))
    if fits:
        span = fits[0] if len(fits) == 1 else f"{fits[0]}-{fits[-1]}"
        what = f"every key in it is read together only by {NAMES[rt]} {span}"
        majors = {r.split(".")[0] for r in fits}
        looks = f"a {majors.pop()}.x" if len(majors) == 1 else f"a {span}"
    else:
        yield Issue(None, _mixed(cfg, newest_off))
        return
    yield Issue(None, (
        f"{what}: this file looks like {looks} config; `--kata-version "
        f"{fits[-1]}` checks it as that release"))


def _mixed(cfg: KataConfig, newest_off: str) -> str:
    """The message for a file no single release reads whole: the two keys that disagree."""
    rt = cfg.runtime
    known = [h for h in histories(cfg) if h.spans_for(rt)]
    known += [h for n in cfg.hypervisors
              if (h := hypervisor_history(n)) is not None and h.spans_for(rt)]
    gone = min(known, key=lambda h: release_key(h.last(rt)))
    late = max(known, key=lambda h: release_key(h.first(rt)))

    def name(h: History) -> str:
        return f"[hypervisor.{h.name}]" if h.table == "hypervisor" else (
            f"[{h.name}]" if h.table == "" else h.name)
    return (f"no single release of {NAMES[rt]} reads every key of this file: {name(gone)} "
            f"was last read in {gone.last(rt)} and {name(late)} first in {late.first(rt)}, so it "
            "mixes releases (a fork's file, or one carried across upgrades); its newest "
            f"retired key was last read in {newest_off}: `--kata-version {newest_off}` checks "
            "it as that release")


CHECKS: Final = (
    (RETIRED_KEY, check_retired_keys),
    (RETIRED_KEY_REJECTED, check_retired_keys_rejected),
    (KEY_TOO_NEW, check_key_too_new),
    (KEY_TOO_NEW_REJECTED, check_key_too_new_rejected),
    (RETIRED_TABLE, check_retired_tables),
    (CONFIG_RELEASE, check_config_release),
)
