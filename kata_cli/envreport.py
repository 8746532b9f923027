"""The report of ``kata-config env``: discovery, the loaded settings, versions and the host.

The body of the ``env`` command, imported by its entry in the command table when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import kata_config
from kata_cli.binversion import binary_version
from kata_cli.envhost import host_section, run_host_checks
from kata_cli.envsections import origins, settings
from kata_cli.usage import STDIN
from kata_config import asdict

if TYPE_CHECKING:
    from kata_config import Discovery

RuntimeChoice = Literal["go", "rs", "auto"]


def _config(found: Discovery, error: str | None) -> dict[str, Any]:
    handler = found.handler
    return {
        "path": found.path, "resolved": found.resolved, "files": list(found.files),
        "error": error, "handler": None if handler is None else asdict(handler),
        "candidates": [asdict(c) for c in found.candidates],
    }


def _from_stdin(asked: RuntimeChoice) -> Discovery:
    """``--config -``: the file is standard input (``load`` reads it once), with no
    ``config.d/`` beside it; under ``auto``, ``load`` tells the runtime from its ``[runtime]``
    table as for a named file."""
    why = "as asked" if asked != "auto" else "told from its [runtime] table"
    used = kata_config.Candidate(STDIN, "explicit", True, "standard input; no config.d/ beside it")
    return kata_config.Discovery(STDIN, STDIN, "go" if asked == "auto" else asked, (), (used,),
                                 why)


def gather(root: str, runtime: str, runtime_class: str | None, arch: str | None, *,
           verbose: bool = False, config: str | None = None) -> tuple[dict[str, Any], int]:
    """The report and the exit code (0, 1: the runtime refuses the file, 2: none found).

    Raises:
        ValueError: the root or arch cannot be used (a usage error).
    """
    checked = run_host_checks(root, arch)
    target = checked.arch
    asked: RuntimeChoice = "go" if runtime == "go" else "rs" if runtime == "rs" else "auto"
    if config == STDIN:
        if Path(root).resolve() != Path("/"):
            raise ValueError("--config - (standard input) is read on this host; under --root "
                             "name the file inside the root")
        found = _from_stdin(asked)
    else:
        found = kata_config.discover(runtime=asked, root=root, runtime_class=runtime_class,
                                     path=config)
    # with a runtime class the handler's shim loads the file, whatever the file looks like
    flavour: RuntimeChoice = found.flavour if asked == "auto" and found.handler else asked
    eff, error, code = None, found.error, 2 if found.path is None else 0
    if found.path is not None:
        try:
            eff = kata_config.load(found.path, runtime=flavour, root=root, arch=target)
        except kata_config.LoadError as exc:
            error, code = str(exc), 1
        except kata_config.KataConfigError as exc:
            raise ValueError(str(exc)) from None
    report: dict[str, Any] = {
        "version": 1, "kata_config": kata_config.__version__, "root": root,
        "runtime_class": runtime_class,
        "config": _config(found, error),
        "runtime": {"flavour": eff.flavour if eff else found.flavour,
                    "flavour_reason": found.flavour_reason, "shim": found.shim,
                    "shim_version": None, "shim_version_note": ""},
        "hypervisor": None, "agent": None, "factory": None,
        "host": host_section(checked, eff.host if eff else None, kata_config.host_info(root)),
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
