"""The differential suite: upstream's loader and ours on the same configs, judged case by case.

For each config: the oracle's verdict (refused with a message, or loaded with kata-env's
values), our ``validate --runtime go`` findings and our ``load(..., runtime="go")`` values,
all on the same bytes and (for ``load``) the same host files. ``judge`` turns them into an
``Outcome``; ``known.explain`` names the documented reason for a disagreement, if any.
"""

from __future__ import annotations

import tempfile
import time
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from kata_config import Effective, KataConfigError, LoadError, load
from kata_config.findings import Report, Severity
from kata_config.pipeline import validate_file
from tests.oracle import known
from tests.oracle.envmap import compare
from tests.oracle.harness import Case, Oracle, Verdict, host_root
from tests.oracle.refusals import REFUSALS, classify

ARCH: Final = "x86_64"
"""The oracle is built for this machine's arch; every case is judged for it."""
KATA_VERSION: Final = "3.30"
"""The oracle's release: validate judges every case as this release would (--kata-version)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One case judged: both verdicts, the resolved values compared, and the agreement."""

    name: str
    source: str
    note: str
    loaded: bool
    message: str
    refusal: str
    """Id of the upstream refusal kind (refusals.py); "" when loaded, "?" when unmapped."""
    errors: tuple[tuple[str, str, str], ...]
    """Our errors as (rule id, when, key)."""
    verdict: str
    """agree, missed, wrong-rule, unmapped or false-refusal."""
    same: tuple[str, ...] = ()
    differ: tuple[tuple[str, Any, Any], ...] = ()
    load_error: str = ""
    load_error_keys: tuple[str, ...] = ()
    """``rule-id:key`` of each reason load() gives for refusing."""
    known: str = ""
    """Id of the documented difference explaining a disagreement (known.py)."""
    values_known: str = ""
    hypervisor_tables: int = 1
    agent_tables: int = 1
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def agrees(self) -> bool:
        """True when refusal/load verdicts agree."""
        return self.verdict == "agree"


def _verdict(loaded: bool, refusal: str, message: str,
             errors: tuple[tuple[str, str, str], ...]) -> str:
    load_time = [(rule, key) for rule, when, key in errors if when == "load"]
    if loaded:
        return "false-refusal" if load_time else "agree"
    if refusal == "?":
        return "unmapped"
    kind = next(r for r in REFUSALS if r.id == refusal)
    named = kind.key(message)
    if any(rule in kind.rules and (named is None or key == named or key.startswith(named + "["))
           for rule, key in load_time):
        return "agree"
    return "wrong-rule" if errors else "missed"


@dataclass(frozen=True, slots=True)
class Ours:
    """What kata-config makes of one case: validate's report and load()'s result."""

    report: Report
    effective: Effective | None
    load_error: str
    seconds: dict[str, float]
    load_error_keys: tuple[str, ...] = ()


def judge(case: Case, source: str, note: str, verdict: Verdict, ours: Ours) -> Outcome:
    """Compare upstream's verdict and values with ours for one case."""
    report, effective, load_error, seconds = (ours.report, ours.effective, ours.load_error,
                                              ours.seconds)
    errors = tuple(sorted({(f.rule_id, f.when, f.location.key or "") for f in report.findings
                           if f.severity is Severity.ERROR}))
    refusal = ""
    if not verdict.loaded:
        kind = classify(verdict.message)
        refusal = kind.id if kind else "?"
    outcome = Outcome(case.name, source, note, verdict.loaded, verdict.message, refusal, errors,
                      _verdict(verdict.loaded, refusal, verdict.message, errors),
                      load_error=load_error, load_error_keys=ours.load_error_keys,
                      hypervisor_tables=_tables(case, "hypervisor"),
                      agent_tables=_tables(case, "agent"),
                      seconds=seconds)
    if verdict.loaded and effective is not None:
        same, differ = compare(verdict.env, effective)
        outcome = _with(outcome, same=tuple(same), differ=tuple(differ))
    return _with(outcome, known=known.explain(outcome), values_known=known.explain_values(outcome))


def _tables(case: Case, kind: str) -> int:
    try:
        data = tomllib.loads(case.data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return 0
    tables = data.get(kind)
    return len(tables) if isinstance(tables, dict) else 0


def _with(outcome: Outcome, **changes: Any) -> Outcome:
    return replace(outcome, **changes)


def ours(case: Case, defaults: Iterable[str]) -> Ours:
    """Our validate report and load() result for a case, on the oracle's view of the host."""
    with tempfile.TemporaryDirectory(prefix="kata-oracle-ours-") as tmp:
        main = host_root(case, Path(tmp), defaults)
        start = time.perf_counter()
        # validate --runtime go --arch x86_64 --kata-version 3.30
        report = validate_file(main, "go", ARCH, release=KATA_VERSION)
        validated = time.perf_counter()
        keys: tuple[str, ...] = ()
        try:
            effective: Effective | None = load(
                "/etc/kata-containers/configuration.toml", runtime="go", arch=ARCH, root=tmp)
            error = ""
        except KataConfigError as exc:
            effective, error = None, str(exc) or type(exc).__name__
            findings = exc.findings if isinstance(exc, LoadError) else ()
            keys = tuple(f"{f.rule_id}:{f.location.key or ''}" for f in findings)
        loaded = time.perf_counter()
    return Ours(report, effective, error,
                {"validate": validated - start, "load": loaded - validated}, keys)


def run(cases: Iterable[tuple[Case, str, str]], oracle: Oracle) -> Iterator[Outcome]:
    """Judge every (case, source, note); the oracle runs in parallel, ours in this thread."""
    items = list(cases)
    meta = {case.name: (source, note) for case, source, note in items}
    for case, verdict in oracle.load_many(case for case, _, _ in items):
        mine = ours(case, oracle.defaults)
        mine.seconds["oracle"] = verdict.seconds
        source, note = meta[case.name]
        yield judge(case, source, note, verdict, mine)
