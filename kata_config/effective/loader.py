"""``load()``: read a configuration as its runtime would and resolve every key.

Steps: find the file (explicit path, else where the runtime looks), read it with its
drop-ins, refuse what the runtime refuses to load, pick the active hypervisor and agent
tables, resolve every catalogue key, then run the runtime's load-time normalisation.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from kata_config.arch import ARCHES, host_arch, normalize
from kata_config.discovery import Discovery, discover_in
from kata_config.effective import builtin_go
from kata_config.effective.hostfacts import read_host_facts
from kata_config.effective.layout import TOP
from kata_config.effective.model import Effective
from kata_config.effective.normalise import Setting, run_steps
from kata_config.effective.origin import Flavour
from kata_config.effective.resolve import I64, Resolved, build, resolve_table
from kata_config.effective.steps import steps_for
from kata_config.errors import ConfigNotFound, KataConfigError, LoadError
from kata_config.findings import Finding, Location, Severity
from kata_config.flavour import detect_runtime
from kata_config.keys.history import NEWEST, hypervisor_history, hypervisors_in, parse_release
from kata_config.probes.cpuinfo import CPUINFO, parse_cpuinfo
from kata_config.probes.host import HostRoot
from kata_config.probes.target import infer_arch, snapshot_arch
from kata_config.reader import Loaded, load_config
from kata_config.schema import SCHEMA_TYPE, UNKNOWN_KEY_REJECTED, check_schema

RuntimeChoice = Literal["go", "rs", "auto"]
_EMPTY: Mapping[str, Any] = {}


def load(path: str | os.PathLike[str] | None = None, *, runtime: RuntimeChoice = "auto",
         arch: str | None = None, root: str | os.PathLike[str] = "/",
         runtime_class: str | None = None, env: Mapping[str, str] | None = None,
         kata_version: str | None = None) -> Effective:
    """Load a Kata configuration as its runtime would and resolve every key.

    Args:
        path: the main file (or a directory holding ``configuration.toml``); with
            ``root`` other than ``/`` it is a path inside that host root. None finds it as
            the runtime does (``discover()``; the result is ``Effective.discovery``).
        runtime: ``"go"``, ``"rs"`` or ``"auto"`` (the runtime class's shim, else the
            file's ``[runtime]`` table).
        arch: the host arch (``x86_64``, ``arm64``, ...); required off the live host when
            the root has no recognisable ``/proc/cpuinfo``.
        root: the host root: ``/`` or a snapshot directory.
        runtime_class: a RuntimeClass handler whose config path (containerd or CRI-O) to load.
        env: the shim's environment for ``KATA_CONF_FILE`` (default: this process's on the
            live host, none under another root).
        kata_version: the Kata release (``"2.0"``, ``"3.30.0"``) whose built-in values
            absent keys get and whose hypervisor table names are accepted (default: the
            newest release kata-config knows).

    Raises:
        LoadError: the runtime would refuse to load the file (unreadable, TOML syntax, a
            value of the wrong type, runtime-rs without the hypervisor or agent table it
            names). A Go file with no hypervisor table loads with Go's built-in QEMU settings.
        ConfigNotFound: no path was given and the runtime would find no usable file;
            ``.discovery`` lists every candidate with its reason.
        KataConfigError: an unknown arch, or an arch that cannot be told.
        UnknownReleaseError: a ``kata_version`` kata-config has no history for.
    """
    release = parse_release(kata_version) if kata_version else NEWEST
    host = HostRoot(root)
    canonical = _arch(arch, host)
    found = None if path is not None else discover_in(
        host, runtime=runtime, runtime_class=runtime_class, env=env)
    shown = _find(path, found)
    if found is not None and found.handler is not None and runtime == "auto":
        runtime = found.flavour  # the handler's shim loads the file, whatever it looks like
    # the live root reads plain paths, so a relative path means the working directory
    loaded = load_config(shown) if host.live else load_config(shown, host=host)
    if not loaded.ok:
        raise _load_error(loaded, [f for f in loaded.findings if f.severity is Severity.ERROR])
    _refuse_wide_integers(loaded)
    flavour: Flavour = detect_runtime(loaded.data, Path(shown)) if runtime == "auto" else runtime
    table_name, agent_name = _active(loaded, flavour, release)
    builtin = flavour == "go" and not table_name  # Go's built-in QEMU settings, no table
    table_name = table_name or builtin_go.HYPERVISOR_NAME
    hv_name = _hypervisor_of(table_name, flavour)
    out = Resolved(flavour, hv_name, release)
    hv_table = _table(_table(loaded.data, "hypervisor"), table_name)
    tables = {
        "hypervisor": (hv_table, f"hypervisor.{table_name}"),
        "agent": (_table(_table(loaded.data, "agent"), agent_name), f"agent.{agent_name}"),
        "runtime": (_table(loaded.data, "runtime"), "runtime"),
        "factory": (_table(loaded.data, "factory"), "factory") if flavour == "go"
        else (_table(hv_table, "factory"), f"hypervisor.{table_name}.factory"),
    }
    for name, section in TOP.items():
        table, dotted = tables[name]
        resolve_table(section, table, name, dotted, out)
    if builtin:
        builtin_go.apply(out)
    _refuse_bad_values(loaded, flavour, out)
    setting = Setting(flavour, ARCHES[canonical], hv_name, read_host_facts(host), host,
                      release, builtin=builtin)
    run_steps(steps_for(flavour), out.values, out.origins, setting)

    return Effective(
        flavour, canonical, hv_name, agent_name, **build(out.values), files=loaded.files,
        host=setting.host, root=str(root), discovery=found, _origins=out.origins,
        _written=out.written,
        _locate=loaded.locate, _setting=setting,
    )


def _arch(arch: str | None, host: HostRoot) -> str:
    try:
        if arch:
            return normalize(arch)
        if host.live:
            return host_arch()
    except ValueError as exc:
        raise KataConfigError(str(exc)) from None
    recorded = snapshot_arch(host)
    text = host.read_text(CPUINFO)
    found = recorded or (infer_arch(parse_cpuinfo(text)) if text else None)
    if not found:
        raise KataConfigError(f"cannot tell the arch of host root {host.root}: pass arch=")
    try:
        return normalize(found)
    except ValueError as exc:
        raise KataConfigError(str(exc)) from None


def _find(path: str | os.PathLike[str] | None, found: Discovery | None) -> str:
    if path is not None:
        return os.fspath(path)
    if found is None or found.path is None:
        reason = found.error if found is not None else None
        raise ConfigNotFound(reason or "no Kata configuration found", found)
    return found.path


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, Mapping) else _EMPTY


def _hypervisor_of(table_name: str, flavour: Flavour) -> str:
    """The hypervisor a table name stands for: a table name renamed since (runtime-rs's
    ``[hypervisor.cloud-hypervisor]`` until 3.29, ``clh`` from 3.30) is its new name."""
    history = hypervisor_history(table_name)
    kind, _, renamed = (history.note(flavour).replacement if history else "").partition(":")
    return renamed if kind == "table" else table_name


def _active(loaded: Loaded, flavour: Flavour, release: str) -> tuple[str, str]:
    hypervisors = [k for k, v in _table(loaded.data, "hypervisor").items()
                   if isinstance(v, Mapping)]
    agents = [k for k, v in _table(loaded.data, "agent").items() if isinstance(v, Mapping)]
    accepted = hypervisors_in(flavour, release)  # the table names that release knows
    unknown = [name for name in hypervisors if name not in accepted]
    if unknown:
        raise _refuse(loaded, "hypervisor-name-invalid",
                      f"[hypervisor.{unknown[0]}] is not a hypervisor the "
                      f"{_runtime_name(flavour)} knows; it refuses to load")
    if flavour == "go":
        # Go walks every table and keeps the last of an unordered map: with one it is that
        # one; with none it keeps its built-in QEMU settings ("" here, see builtin_go)
        return hypervisors[0] if hypervisors else "", agents[0] if agents else "kata"
    runtime = _table(loaded.data, "runtime")
    hv, agent = runtime.get("hypervisor_name"), runtime.get("agent_name")
    if not isinstance(hv, str) or hv not in hypervisors:
        rule = "hypervisor-table-missing" if hv else "hypervisor-name-missing"
        raise _refuse(loaded, rule, f"[runtime] hypervisor_name = {hv!r} does not name a "
                      "[hypervisor.<name>] table of the file: runtime-rs refuses to load")
    if not isinstance(agent, str) or agent not in agents:
        rule = "agent-table-missing" if agent else "agent-name-missing"
        raise _refuse(loaded, rule, f"[runtime] agent_name = {agent!r} does not name an "
                      "[agent.<name>] table of the file: runtime-rs refuses to load")
    return hv, agent


def _runtime_name(flavour: Flavour) -> str:
    return "Go runtime" if flavour == "go" else "runtime-rs"


def _refuse(loaded: Loaded, rule_id: str, message: str) -> LoadError:
    # the ids are those of the validate rules reporting the same problem
    finding = Finding(rule_id, Severity.ERROR, message, Location(str(loaded.main)))
    return LoadError(f"{loaded.main}: {message}", (finding,))


def _refuse_bad_values(loaded: Loaded, flavour: Flavour, out: Resolved) -> None:
    if not out.wrong_type and flavour == "go":
        return
    bad = set(out.wrong_type)
    findings = [
        Finding(rule.id, rule.severity, issue.message, loaded.locate(issue.key))
        for rule, issue in check_schema(loaded.data, flavour)
        if rule is UNKNOWN_KEY_REJECTED or (rule is SCHEMA_TYPE and issue.key in bad)
    ]
    if findings:
        raise _load_error(loaded, findings)


def _wide_integers(value: Any, dotted: str) -> Iterator[tuple[str, int]]:
    if isinstance(value, Mapping):
        for name, item in value.items():
            yield from _wide_integers(item, f"{dotted}.{name}" if dotted else str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _wide_integers(item, dotted)
    elif isinstance(value, int) and not isinstance(value, bool) and not \
            I64[0] <= value <= I64[1]:
        yield dotted, value


def _refuse_wide_integers(loaded: Loaded) -> None:
    # tomllib reads integers of any size; Go's and Rust's TOML parsers refuse the whole file
    # on one wider than 64 bits, whichever key holds it (the same fact as schema-range)
    wide = list(_wide_integers(loaded.data, ""))
    if wide:
        findings = [Finding("schema-range", Severity.ERROR, (
            f"{key.rpartition('.')[2]} = {str(value)[:20]}... does not fit in 64 bits: TOML "
            "integers are 64-bit signed and the runtime's parser refuses the file"),
            loaded.locate(key)) for key, value in wide]
        raise _load_error(loaded, findings)


def _load_error(loaded: Loaded, findings: list[Finding]) -> LoadError:
    first = findings[0]
    where = f"{first.location.path}:{first.location.line}" if first.location.line else str(
        first.location.path)
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return LoadError(f"{where}: {first.message}{more}", tuple(findings))
