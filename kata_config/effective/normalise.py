"""The load-time normalisation engine: a table of steps, run in order over the resolved values.

Each runtime rewrites some values after decoding the file (memory below 256 MiB becomes 2048,
``default_maxvcpus = 0`` becomes the host's CPU count, ...). The facts live as data in
``steps_go.py`` and ``steps_rs.py``: one ``Step`` per rewrite, with the key, the condition,
the result and the upstream fact in our words. This module only runs them and records, in the
key's ``Origin``, what changed and from what.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from kata_config.arch.base import ArchSpec
from kata_config.effective.hostfacts import HostFacts
from kata_config.effective.origin import Flavour, Origin
from kata_config.keys.history import NEWEST, default_in
from kata_config.probes.host import HostRoot


@dataclass(frozen=True, slots=True)
class Setting:
    """The fixed facts of one load: runtime, arch, active hypervisor and the host."""

    flavour: Flavour
    arch: ArchSpec
    hypervisor: str
    host: HostFacts
    root: HostRoot
    release: str = NEWEST
    """The Kata release whose built-in values count (``load(kata_version=)``)."""
    builtin: bool = False
    """No hypervisor table: the Go runtime keeps its built-in settings and no hypervisor
    loader runs, so no step tied to one applies."""


@dataclass(frozen=True, slots=True)
class StepContext:
    """What a step may look at: every current value (section form) and the load's setting."""

    values: Mapping[str, Any]
    setting: Setting

    @property
    def host(self) -> HostFacts:
        """The host's CPU count and memory."""
        return self.setting.host

    @property
    def arch(self) -> ArchSpec:
        """The arch's facts (caps, per-arch rules)."""
        return self.setting.arch

    @property
    def root(self) -> HostRoot:
        """The host root, for resolving paths the way the runtime would."""
        return self.setting.root

    def get(self, key: str) -> Any:
        """Current value of another key (``hypervisor.machine_type``)."""
        return self.values[key]


class Kept(Exception):
    """Raised by a step's result to keep the value; the message says why (goes in the note)."""


Test = Callable[[Any, StepContext], bool]
Make = Callable[[Any, StepContext], Any]
HostNeed = Literal["cpus", "memory_mib"]


@dataclass(frozen=True, slots=True)
class Step:
    """One load-time rewrite.

    Attributes:
        key: section-form key (``hypervisor.default_memory``).
        when: condition over the current value.
        result: the value the runtime uses instead (may raise ``Kept``).
        fact: the upstream behaviour in one sentence of our own (becomes the origin's note).
        hypervisors: the hypervisor tables whose loader applies it; empty means every one.
        needs: a host figure the step depends on; when unknown the value is kept, and noted.
    """

    key: str
    when: Test
    result: Make
    fact: str
    hypervisors: frozenset[str] = frozenset()
    needs: HostNeed | None = None


def run_steps(steps: Sequence[Step], values: MutableMapping[str, Any],
              origins: MutableMapping[str, Origin], setting: Setting) -> None:
    """Apply ``steps`` in order, updating ``values`` and the ``origins`` of what changed."""
    ctx = StepContext(values, setting)
    for step in steps:
        if step.hypervisors and (setting.builtin or setting.hypervisor not in step.hypervisors):
            continue
        current = values[step.key]
        if step.needs is not None and getattr(setting.host, step.needs) is None:
            what = "CPU count" if step.needs == "cpus" else "memory size"
            _note(origins, step.key, f"host {what} unknown under {setting.root.root}, so the "
                  f"value is kept; the runtime would apply: {step.fact}")
            continue
        if not step.when(current, ctx):
            continue
        try:
            new = step.result(current, ctx)
        except Kept as why:
            _note(origins, step.key, str(why))
            continue
        if new == current and type(new) is type(current):
            continue
        values[step.key] = new
        fact = step.fact
        if step.needs is not None:  # say which host figure decided it
            unit = " CPUs" if step.needs == "cpus" else " MiB"
            fact += f" (this host: {getattr(setting.host, step.needs)}{unit})"
        origins[step.key] = _normalised(origins[step.key], current, fact, setting.flavour)


def _normalised(old: Origin, previous: Any, fact: str, flavour: Flavour) -> Origin:
    if old.kind == "normalised":  # a second rewrite: keep the first value, chain the facts
        return replace(old, note=f"{old.note}; then {fact}")
    return Origin("normalised", old.path, old.line, old.col, flavour, previous, old.annotation,
                  fact)


def _note(origins: MutableMapping[str, Origin], key: str, text: str) -> None:
    old = origins[key]
    origins[key] = replace(old, note=f"{old.note}; {text}" if old.note else text)


# --- step constructors: the common shapes of "empty/zero/too big means something else" ---

def always(_value: Any, _ctx: StepContext) -> bool:
    """Condition that always holds (the result decides)."""
    return True


def is_empty(value: Any, _ctx: StepContext) -> bool:
    """Condition: an empty string (or list)."""
    return value in ("", ())


def is_zero(value: Any, _ctx: StepContext) -> bool:
    """Condition: the number 0."""
    return bool(value == 0)


def const(result: Any) -> Make:
    """Result: a fixed value."""
    return lambda _value, _ctx: result


def builtin(table: str, key: str, newest: Any) -> Make:
    """Result: the built-in value of the load's release (``newest`` unless an older release
    used another, ``history_data.DEFAULTS``)."""
    def make(_value: Any, ctx: StepContext) -> Any:
        setting = ctx.setting
        older, value = default_in(setting.flavour, table, key, setting.hypervisor,
                                  setting.release)
        return value if older else newest
    return make


def below(limit: float) -> Test:
    """Condition: a number below ``limit``."""
    return lambda value, _ctx: bool(value < limit)


def above(limit: float) -> Test:
    """Condition: a number above ``limit``."""
    return lambda value, _ctx: bool(value > limit)


def other(key: str, test: Callable[[Any], bool]) -> Test:
    """Condition on another key's current value."""
    return lambda _value, ctx: test(ctx.get(key))


def differs(result: Any) -> Test:
    """Condition: the value is not ``result`` (for values a runtime forces)."""
    return lambda value, _ctx: bool(value != result)


def resolve_path(value: Any, ctx: StepContext) -> str:
    """Result: the path with symlinks followed under the host root (kept when unresolvable).

    Both runtimes make configured paths absolute and follow their symlinks at load, and
    refuse to load when the file is missing.
    """
    if not value.startswith("/"):
        raise Kept(f"{value!r} is relative: the runtime resolves it against its working "
                   "directory, which kata-config cannot know")
    found = ctx.root.resolve(value)
    if found is None:
        runtime = "the Go runtime" if ctx.setting.flavour == "go" else "runtime-rs"
        raise Kept(f"{value} does not exist under host root {ctx.root.root}: {runtime} "
                   "refuses to load a configuration whose files are missing")
    return found
