"""Apply a pod's ``io.katacontainers.*`` annotations to an ``Effective`` as a runtime would.

Order of questions per annotation, after kata-config's own input bounds (``guards.py``):
1. hypervisor annotations must be enabled by an ``enable_annotations`` entry (N-1); the Go
   runtime refuses the pod otherwise (N-2), runtime-rs warns and ignores it (N-3);
2. the runtime must know the annotation in that release (Go ignores unknown ones silently;
   runtime-rs fails on an enabled unknown hypervisor annotation, N-3, and warns on others);
3. its value must convert to the key's type and pass the runtime's checks (N-5 ... N-10).
Runtime and agent annotations skip step 1 (N-4).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kata_config import Change, HostFiles, Origin
from kata_runtime.annotations import hashes, paths
from kata_runtime.annotations.allowlist import AllowList
from kata_runtime.annotations.context import Changes, Context
from kata_runtime.annotations.convert import converter
from kata_runtime.annotations.decision import (
    AnnotationResult,
    Behaviour,
    Decision,
    Refused,
    ValueChange,
)
from kata_runtime.annotations.go_glob import GlobView
from kata_runtime.annotations.guards import check_input
from kata_runtime.annotations.table import BY_NAME, HV, NEWEST, TABLE, parse_version

HV_SUFFIXES = tuple(s.name.removeprefix(HV) for s in TABLE if s.name.startswith(HV))

if TYPE_CHECKING:
    from kata_config import Effective


def apply_annotations(eff: Effective, annotations: Mapping[str, object], *,
                      behaviour: Behaviour | None = None,
                      kata_version: str | None = None) -> AnnotationResult:
    """Decide every annotation and return the configuration the runtime would use.

    Args:
        eff: the loaded configuration (``kata_config.load``); its host root is used for the
            Go runtime's glob expansion and the asset checks.
        annotations: the pod's annotations, name -> value.
        behaviour: ``"go"`` (a disallowed annotation refuses the pod) or ``"rs"`` (it is
            ignored with a warning); defaults to the configuration's runtime flavour.
        kata_version: the Kata release to follow, ``3.30.0`` to ``4.1.0`` (default: newest).
    """
    flavour: Behaviour = behaviour or eff.flavour
    version = parse_version(kata_version) if kata_version else NEWEST
    values = eff.values()
    host = GlobView(HostFiles(eff.root))
    ctx = Context(
        flavour=flavour, version=version, hypervisor=eff.hypervisor_name, values=values,
        host_cpus=eff.host.cpus, go_max_vcpus=paths.go_max_vcpus(eff.arch),
        path_ok=lambda key, value: paths.path_allowed(flavour, key, value, values, host),
        boot_ok=lambda value: paths.boot_path_exists(value, host))
    allow = AllowList(values.get("hypervisor.enable_annotations", []), flavour)
    decisions: list[Decision] = []
    pending: dict[str, object] = {}
    for name, value in check_input(annotations, decisions):
        decision, changes = _decide(ctx, allow, name, value, annotations=annotations,
                                     host=host)
        decisions.append(decision)
        if decision.status == "accepted":
            pending |= changes
    decisions = paths.cross_checks(flavour, decisions, pending, values)
    notes = allow.notes
    return _result(eff, flavour, version, decisions, pending=pending, notes=notes)


def _decide(ctx: Context, allow: AllowList, name: str, value: str, *,
            annotations: Mapping[str, object], host: GlobView) -> tuple[Decision, Changes]:
    matched = ""
    if name.startswith(HV):
        found, why = allow.match(name.removeprefix(HV))
        if found is None:
            fatal = ctx.flavour == "go"
            rule = "N-2" if fatal else "N-3"
            effect = "the Go runtime refuses the pod" if fatal else \
                "runtime-rs warns and ignores it"
            return Decision(name, value, "rejected", f"not enabled: {why}; {effect}", rule,
                            fatal), {}
        matched = found
    spec = BY_NAME.get(name)
    kind = spec.conversion(ctx.flavour, ctx.version) if spec else ""
    if not kind:
        return paths.unknown(ctx.flavour, name, value, matched), {}
    assert spec is not None
    gate = "not gated (N-4)"
    if name.startswith(HV):
        suffix = name.removeprefix(HV)
        gate = f"enabled by {matched!r}" + allow.widening(matched, suffix, HV_SUFFIXES)
    try:
        changes = converter(kind)(ctx, spec.key, value)
        if kind == "asset" or spec.key in paths.GO_HASHED:
            hashes.check_go_hash(ctx.flavour, name, value, annotations, host)
        if kind == "switch":
            changes = paths.switch_table(ctx, name, value)
    except Refused as refused:
        return Decision(name, value, "rejected", f"{gate}, but {refused.reason}",
                        refused.rule, refused.fatal, spec.key, matched or ""), {}
    said = paths.describe(changes, ctx.values) + paths.unread(ctx, spec.key, changes)
    if kind == "glob" and ctx.flavour == "rs":
        said += paths.rs_escape_warning(spec.key, value)
    return Decision(name, value, "accepted", f"{gate}; {said}", paths.rule_for(kind, ctx),
                    False, spec.key, matched or ""), changes


def _result(eff: Effective, flavour: Behaviour, version: int, decisions: list[Decision], *,
            pending: dict[str, object], notes: tuple[str, ...]) -> AnnotationResult:
    values = eff.values()
    by_key = {d.key: d.annotation for d in decisions if d.status == "accepted" and d.key}
    changes = [
        Change(key, value, Origin(
            "annotation", flavour=flavour, previous=values.get(key),
            annotation=by_key.get(key, ""), note=f"set by pod annotation {by_key.get(key)}"))
        for key, value in pending.items() if key in values and value != values[key]
    ]
    new = eff.with_changes(changes, normalise=flavour == "rs") if changes else eff
    after = new.values()
    diffs = tuple(ValueChange(key, values[key], after[key])
                  for key in sorted(values) if after.get(key) != values[key])
    label = f"{version // 100}.{version % 100}"
    return AnnotationResult(flavour, label, tuple(decisions), diffs, new, notes)
