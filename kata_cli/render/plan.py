"""Renderers of launch plans (text, json, shell) and of ``plan --try`` results (text, json)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, Final

from kata_runtime.plan import Arg, Plan

if TYPE_CHECKING:  # plan without --try never imports the trial runner (subprocess, tempfile)
    from kata_runtime.trial import TryResult


def _origin(arg: Arg, where: Callable[[str], str]) -> str:
    parts = [f"{key.split('.', 1)[1]} ({where(key)})" for key in arg.keys]
    if arg.rule:
        parts.append(arg.rule)
    return "; ".join(parts) or "-"


def _arg_json(arg: Arg, where: Callable[[str], str]) -> dict[str, Any]:
    return {"option": arg.option, "value": arg.value, "keys": list(arg.keys),
            "from": {key: where(key) for key in arg.keys}, "rule": arg.rule or None}


def plan_json(plan: Plan, out: IO[str], where: Callable[[str], str]) -> None:
    """``{"version":1,"hypervisor","binary","argv","origins","helpers","warnings"}``."""
    doc: dict[str, Any] = {
        "version": 1, "hypervisor": plan.hypervisor, "runtime": plan.flavour, "arch": plan.arch,
        "binary": plan.binary, "argv": plan.argv(),
        "origins": [_arg_json(arg, where) for arg in plan.args],
        "helpers": [{"name": h.name, "argv": list(h.argv), "keys": list(h.keys)}
                    for h in plan.helpers],
        "warnings": list(plan.warnings),
    }
    if plan.body_kind:
        doc["body_kind"] = plan.body_kind
        doc["body"] = plan.body
        doc["body_origins"] = [_arg_json(arg, where) for arg in plan.body_fields]
    out.write(json.dumps(doc, indent=2) + "\n")


def plan_text(plan: Plan, out: IO[str], where: Callable[[str], str]) -> None:
    """Each argument on its own line, followed by where it came from."""
    out.write(f"{plan.hypervisor} ({plan.flavour} runtime, {plan.arch}): "
              f"{plan.binary or '(in-process, no binary)'}\n")
    for arg in plan.args:
        out.write(f"  {' '.join(arg.argv())}\n      <- {_origin(arg, where)}\n")
    if plan.body_kind:
        out.write(f"{plan.body_kind}:\n")
        for arg in plan.body_fields:
            out.write(f"  {arg.option} = {arg.value}\n      <- {_origin(arg, where)}\n")
    for helper in plan.helpers:
        out.write(f"helper {helper.name}: {shlex.join(helper.argv)}\n      <- {helper.rule}\n")
    for warning in plan.warnings:
        out.write(f"warning: {warning}\n")


def plan_shell(plan: Plan, out: IO[str], where: Callable[[str], str]) -> None:
    """A copy-pasteable command line (helpers first, as the runtime starts them)."""
    for warning in plan.warnings:
        out.write(f"# warning: {warning}\n")
    for helper in plan.helpers:
        out.write(f"# {helper.name}, started first: {shlex.join(helper.argv)}\n")
    if plan.body_kind:
        out.write(f"# {plan.body_kind}: {json.dumps(plan.body)}\n")
    if plan.binary:
        lines = [shlex.quote(plan.binary)] + [shlex.join(arg.argv()) for arg in plan.args]
        out.write(" \\\n    ".join(lines) + "\n")


PLAN_RENDERERS: Final[dict[str, Callable[[Plan, IO[str], Callable[[str], str]], None]]] = {
    "text": plan_text, "json": plan_json, "shell": plan_shell,
}


def try_text(result: TryResult, out: IO[str]) -> None:
    """The trial in a few lines: started or not, what QEMU reported, what was changed."""
    verdict = "started (paused)" if result.started else "did not start"
    out.write(f"{result.binary}: {verdict}\n")
    if result.hypervisor_version:
        out.write(f"  version   {result.hypervisor_version}\n")
    if result.started:
        out.write(f"  vcpus     {result.vcpus}\n  memory    {result.memory_mib} MiB\n")
        for dev in result.devices:
            out.write(f"  device    {dev.id} ({dev.type}){' at ' + dev.pci if dev.pci else ''}\n")
    for item in result.left_out:
        out.write(f"  left out  {item}\n")
    for item in result.swapped:
        out.write(f"  swapped   {item}\n")
    if result.error:
        out.write(f"{result.refused_by or 'hypervisor'} said:\n"
                  + "".join(f"  {line}\n" for line in result.error.splitlines()))
    if result.explanation:
        out.write(f"why: {result.explanation}\n")
    for note in result.notes:
        out.write(f"note: {note}\n")


def try_json(result: TryResult, out: IO[str]) -> None:
    """The documented ``--try`` JSON shape."""
    out.write(json.dumps(result.as_json(), indent=2) + "\n")


TRY_RENDERERS: Final[dict[str, Callable[[TryResult, IO[str]], None]]] = {
    "text": try_text, "json": try_json, "shell": try_text,
}
