"""``kata-config env``: what the runtime would load and run with, as ``kata-runtime env``.

The files loaded and in which order (every candidate with its reason), the runtime flavour,
the active hypervisor and agent, the hypervisor binary's version (live host only), the
resolved settings that matter (origins under --verbose) and the host summary.
"""

from __future__ import annotations

import dataclasses
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from kata_cli import options

RuntimeChoice = Literal["go", "rs", "auto"]


class EnvFormat(StrEnum):
    """Output formats; the values are the keys of ``render.env.RENDERERS``."""

    toml = "toml"
    json = "json"


def _config(found: Any, error: str | None) -> dict[str, Any]:
    handler = found.handler
    return {
        "path": found.path, "resolved": found.resolved, "files": list(found.files),
        "error": error, "handler": None if handler is None else dataclasses.asdict(handler),
        "candidates": [dataclasses.asdict(c) for c in found.candidates],
    }


def gather(root: str, runtime: str, runtime_class: str | None, arch: str | None, *,
           verbose: bool = False, config: str | None = None) -> tuple[dict[str, Any], int]:
    """The report and the exit code (0, 1: the runtime refuses the file, 2: none found).

    Raises:
        ValueError: the root or arch cannot be used (a usage error).
    """
    from kata_cli.binversion import binary_version
    from kata_cli.envhost import host_section, run_host_checks
    from kata_cli.envsections import origins, settings
    from kata_config import KataConfigError, LoadError, __version__, discover, host_info, load

    checked = run_host_checks(root, arch)
    target = checked.arch
    asked: RuntimeChoice = "go" if runtime == "go" else "rs" if runtime == "rs" else "auto"
    found = discover(runtime=asked, root=root, runtime_class=runtime_class, path=config)
    # with a runtime class the handler's shim loads the file, whatever the file looks like
    flavour: RuntimeChoice = found.flavour if asked == "auto" and found.handler else asked
    eff, error, code = None, found.error, 2 if found.path is None else 0
    if found.path is not None:
        try:
            eff = load(found.path, runtime=flavour, root=root, arch=target)
        except LoadError as exc:
            error, code = str(exc), 1
        except KataConfigError as exc:
            raise ValueError(str(exc)) from None
    report: dict[str, Any] = {
        "version": 1, "kata_config": __version__, "root": root, "runtime_class": runtime_class,
        "config": _config(found, error),
        "runtime": {"flavour": eff.flavour if eff else found.flavour,
                    "flavour_reason": found.flavour_reason, "shim": found.shim,
                    "shim_version": None, "shim_version_note": ""},
        "hypervisor": None, "agent": None, "factory": None,
        "host": host_section(checked, eff.host if eff else None, host_info(root)),
        "origins": {},
    }
    live = Path(root).resolve() == Path("/")
    if found.shim is not None:
        runtime_table = report["runtime"]
        runtime_table["shim_version"], runtime_table["shim_version_note"] = binary_version(
            found.shim, live)
    if eff is not None:
        shown = settings(eff)
        version, why = binary_version(eff.hypervisor.path, live)
        report["runtime"].update(shown["runtime"])
        report["hypervisor"] = {"name": eff.hypervisor_name, "version": version,
                                "version_note": why, **shown["hypervisor"]}
        report["agent"] = {"name": eff.agent_name, **shown["agent"]}
        report["factory"] = shown["factory"]
        report["origins"] = origins(eff, shown) if verbose else {}
    return report, code


def env(
    *,
    runtime_class: options.RuntimeClass = None,
    root: options.Root = "/",
    fmt: Annotated[EnvFormat, typer.Option("--format", help="Output format.")] = EnvFormat.toml,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say where each value "
                       "came from (file and line, drop-in, default, normalisation).")] = False,
    runtime: options.Runtime = options.RuntimeOption.auto,
    arch: options.Arch = None,
    config: Annotated[str | None, typer.Option(
        "--config", help="Show this configuration (inside --root) instead of the one the "
        "runtime would find, as kata-runtime --config does.", show_default=False)] = None,
) -> None:
    """Show what the runtime would load and run with: files, flavour, settings, host.

    Exit 0 when the configuration loads, 1 when the runtime would refuse it, 2 when none is
    found or on a usage error. The hypervisor's --version is asked only on the live host.
    """
    from kata_cli.discovered import exclusive
    from kata_cli.render.env import RENDERERS

    exclusive("env", config, runtime_class)
    try:
        report, code = gather(root, runtime.value, runtime_class, arch, verbose=verbose,
                              config=config)
    except ValueError as exc:
        raise options.fail(f"env: {exc}") from None
    RENDERERS[fmt.value](report, sys.stdout, verbose)
    if report["config"]["error"]:
        options.note(f"env: {report['config']['error']}")
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``env`` to the app."""
    app.command("env")(env)
