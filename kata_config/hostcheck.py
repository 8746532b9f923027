"""The host-check pipeline: host root -> host facts -> every registered probe -> one report.

``check_host`` is the public entry point (the CLI's ``check``); ``run_checks`` is the same
pipeline over an already opened ``HostRoot`` (a snapshot's recording reader, test fixtures);
``context`` builds what one probe sees, for testing a probe alone.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kata_config.arch import ARCHES, ArchSpec
from kata_config.discovery import discover_in
from kata_config.errors import KataConfigError
from kata_config.findings import Severity, exit_code_for
from kata_config.probes import config_loader, list_checks, modload, probe_modules
from kata_config.probes.base import CheckResult, Probe, ProbeContext, Resolved, Status, selects
from kata_config.probes.facts import Facts, gather
from kata_config.probes.host import HostRoot
from kata_config.probes.target import TargetError, resolve_target
from kata_config.record import field, record, replace

if TYPE_CHECKING:  # the model (and the key catalogue, ~8 ms) loads only when a config does
    from kata_config.model import KataConfig

SEVERITY: Mapping[Status, Severity] = {
    Status.PASS: Severity.INFO, Status.SKIP: Severity.INFO,
    Status.WARN: Severity.WARNING, Status.FAIL: Severity.ERROR,
}
"""A check's status in the findings' scale, so both reports share one exit-code rule."""


@record
class HostReport:
    """The results of one host check, in report order, with the verdict and exit code.

    Attributes:
        arch: the arch the host was checked as.
        root: the host root (``/`` or a snapshot directory).
        results: one ``CheckResult`` per check line.
        config: the Kata configuration checked against the host, or None when none was.
        finished: Unix time at which the run ended; duration: its wall time in seconds.
        interval: seconds until the next run when repeating (0: a single run).
        node: facts about the node itself (``vm-guest``, ``nested``, ``pvm``).
    """

    arch: str
    root: str
    results: tuple[CheckResult, ...]
    config: str | None = None
    finished: float = 0.0
    duration: float = 0.0
    interval: float = 0.0
    node: Mapping[str, bool] = field(default_factory=dict)

    @property
    def verdict(self) -> Status:
        """The worst status: FAIL, WARN, else PASS (SKIP counts as PASS; no checks pass)."""
        worst = max((SEVERITY[r.status] for r in self.results), default=Severity.INFO)
        return {Severity.INFO: Status.PASS, Severity.WARNING: Status.WARN,
                Severity.ERROR: Status.FAIL}[worst]

    def exit_code(self, strict: bool = False) -> int:
        """0 on pass (or warnings without ``strict``), 1 on a failure or a strict warning."""
        return exit_code_for(SEVERITY[self.verdict], strict)

    def counts(self) -> Mapping[Status, int]:
        """How many results have each status."""
        return {s: sum(1 for r in self.results if r.status is s) for s in Status}


def selected(check_id: str, only: Sequence[str] | None) -> bool:
    """True when ``only`` is empty or one of its ids or families names ``check_id``."""
    return not only or any(selects(check_id, want) for want in only)


def _probe_name(probe: Probe) -> str:
    module = getattr(probe, "__module__", "?").rsplit(".", 1)[-1]
    return f"{module}.{getattr(probe, '__name__', repr(probe))}"


def run_probes(ctx: ProbeContext, chosen: Iterable[Probe]) -> tuple[CheckResult, ...]:
    """Run ``chosen`` probes over ``ctx``; a probe that raises becomes one FAIL line.

    One broken probe costs one line of the report, not the report.
    """
    results: list[CheckResult] = []
    for probe in chosen:
        try:
            produced = list(probe(ctx))  # all or nothing: a crash drops the partial lines
        except Exception as exc:  # the report must survive any probe bug
            name = _probe_name(probe)
            produced = [CheckResult(
                id=f"probe.{name}",
                status=Status.FAIL,
                message=f"probe {name} crashed: {type(exc).__name__}: {exc}",
                remedy="report this as a kata-config bug; the other checks are unaffected",
            )]
        results.extend(produced)
    return tuple(results)


def _node_facts(spec: ArchSpec, facts: Facts) -> dict[str, bool]:
    hardware = bool(facts.flags & spec.virt_flags)
    return {"vm-guest": facts.guest, "nested": facts.guest and facts.kvm_device and
            not (facts.pvm and not hardware), "pvm": facts.pvm}


def _placed(results: tuple[CheckResult, ...], line: CheckResult,
            only: Sequence[str] | None) -> tuple[CheckResult, ...]:
    """Put the ``config.file`` line just before the other config lines (or last)."""
    if not selected(line.id, only):
        return results
    at = next((i for i, r in enumerate(results) if r.id.startswith("config.")), len(results))
    return (*results[:at], line, *results[at:])


def resolve(host: HostRoot, arch: str, explicit: Path | None) -> Resolved:
    """Load ``explicit`` or the config Kata would load from ``host`` (``discover``).

    ``error`` is set only when an explicitly given file cannot be used (a usage error); a
    broken default config is a FAIL line, and no config at all is a SKIP line.
    """
    if explicit is None:
        found = discover_in(host)
        if found.resolved is None:
            tried = ", ".join(c.path for c in found.candidates if c.source == "built-in")
            return Resolved(None, CheckResult(
                "config.file", Status.SKIP, "no Kata configuration found; config checks skipped",
                f"searched {tried}"))
        path, shown, reader = found.path or found.resolved, found.path or found.resolved, host
    else:
        path, shown, reader = str(explicit), str(explicit), None
    return config_loader()(path, shown, reader, arch, explicit is not None)


def context(host: HostRoot, arch: str, *, config: KataConfig | None = None,
            network: bool = False, load_modules: bool = False) -> ProbeContext:
    """What every probe of one run over ``host`` sees, with the host facts read once."""
    spec = ARCHES[arch]
    return ProbeContext(host, spec, gather(host, spec), config, network, load_modules)


def _loaded_any(results: Sequence[CheckResult]) -> bool:
    return any(r.id.startswith("modload.") and r.status is Status.PASS for r in results)


def run_checks(host: HostRoot, arch: str, *, config: str | os.PathLike[str] | None = None,
               network: bool = False, only: Sequence[str] | None = None,
               load_modules: bool = False) -> HostReport:
    """Check ``host`` as an ``arch`` machine: the pipeline under ``check_host``.

    Finds and loads the config (``config``, else the one Kata would load from the host
    root), reads the host facts once, runs every registered probe and keeps the results
    ``only`` selects (ids and families). Snapshot capture runs it over a recording reader.

    Raises:
        KataConfigError: an explicitly given ``config`` cannot be loaded.
    """
    started = time.monotonic()
    resolved = resolve(host, arch, None if config is None else Path(config))
    if resolved.error is not None:
        raise KataConfigError(f"--config {config}: {resolved.error}")
    ctx = context(host, arch, config=resolved.config, network=network,
                  load_modules=load_modules)
    results: list[CheckResult] = []
    for module in probe_modules():
        produced = run_probes(ctx, module.PROBES)
        results.extend(r for r in produced if selected(r.id, only) or r.id.startswith("probe."))
        if module is modload and _loaded_any(produced):
            # modprobe changed the host: the probes after it see what it loaded
            ctx = replace(ctx, facts=gather(host, ctx.spec))
    return HostReport(arch, str(host.root), _placed(tuple(results), resolved.result, only),
                      resolved.path, time.time(), time.monotonic() - started,
                      node=_node_facts(ctx.spec, ctx.facts))


def check_host(*, root: str | os.PathLike[str] = "/", arch: str | None = None,
               config: str | os.PathLike[str] | None = None, live: bool = False,
               network: bool = False, only: Sequence[str] | None = None,
               load_modules: bool = False) -> HostReport:
    """Check whether a host (or a snapshot of one) can run Kata, and against which config.

    Args:
        root: ``/`` for this machine, or a snapshot directory (checked off-line).
        arch: required for a snapshot without its metadata or a recognisable cpuinfo.
        config: the Kata configuration to check against the host; None uses the one Kata
            would load from the host root (and skips the config checks when there is none).
        live: under a root other than ``/``, still run the live checks (KVM ioctls) on
            ``root/dev``: for a privileged pod that mounts its node.
        network: also run the checks that need the network (the latest-release check).
        only: run only these check ids or families (``module``, ``cpu.virtualization``).
        load_modules: as root on the live host, modprobe missing modules (and report it).

    Raises:
        KataConfigError: the root or arch cannot be checked, ``config`` cannot be loaded,
            an unknown check id, or ``load_modules`` off the live host.
    """
    listed = list_checks()
    unknown = [w for w in only or ()
               if not any(selects(cid, w) or selects(w, cid) for cid, _ in listed)]
    if unknown:
        raise KataConfigError(f"unknown check id {', '.join(unknown)} (see --list)")
    try:
        host, target = resolve_target(os.fspath(root), arch, live)
    except TargetError as exc:
        raise KataConfigError(str(exc)) from None
    if load_modules and not host.live:
        raise KataConfigError("loading modules works only on the live host (root /)")
    return run_checks(host, target, config=config, network=network, only=only,
                      load_modules=load_modules)


def check_ids() -> tuple[tuple[str, str], ...]:
    """Every check id ``check_host`` can report, with the probe module that owns it."""
    return list_checks()
