"""``check --format nfd``: a Node Feature Discovery feature file (NFD's ``local`` source).

NFD's worker reads every regular file in ``/etc/kubernetes/node-feature-discovery/features.d/``
and turns each ``key=value`` line into a node label (nfd-master applies them, so the checker
needs no API token). The grammar is line based with no quoting: ``#`` starts a comment,
``# +expiry-time=<RFC3339>`` drops the following lines once that time has passed (so the labels
of a dead checker fall off), and ``# +no-label`` makes the next key a raw feature only.

Labels live under ``kata.feature.node.kubernetes.io/``, a sub-namespace of
``feature.node.kubernetes.io`` that nfd-master always allows. kata-deploy's own labels
(``katacontainers.io/kata-runtime``, ``kata-deploy.katacontainers.io/*``) are never written:
kata-deploy owns them and its RuntimeClasses select on them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Final

from kata_config import Status, __version__

if TYPE_CHECKING:
    from kata_config import HostReport

PREFIX: Final = "kata.feature.node.kubernetes.io/"
FEATURE_PREFIX: Final = "kata-config.check."
"""Raw per-check features (no labels) for NodeFeatureRules to match on."""
FOREIGN: Final = ("katacontainers.io/", "kata-deploy.katacontainers.io/")
"""Label namespaces another tool owns; writing one is a bug (tested)."""
MIN_EXPIRY: Final = 600.0
ONE_SHOT_EXPIRY: Final = 86400.0
"""A single run's labels last a day: long enough for a daily CronJob, short enough to go."""

# Kubernetes label name and value: at most 63 characters of [A-Za-z0-9._-], alphanumeric at
# both ends (a value may also be empty). nfd-master drops a label that breaks this.
_LABEL_PART: Final = r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$"  # compiled on first use


def valid_label_part(text: str) -> bool:
    """True when ``text`` is a valid Kubernetes label name or value."""
    return bool(re.match(_LABEL_PART, text))


def expiry(run: HostReport) -> float:
    """When the labels stop counting: three missed runs under ``--interval``, else a day."""
    if run.interval > 0:
        return run.finished + max(3 * run.interval, MIN_EXPIRY)
    return run.finished + ONE_SHOT_EXPIRY


def _status(run: HostReport, check_id: str) -> Status | None:
    return next((r.status for r in run.results if r.id == check_id), None)


def _kvm_usable(run: HostReport) -> str:
    """``true`` only when a VM was really created; ``unknown`` when nothing live ran."""
    created = _status(run, "kvm.create-vm")
    if created is Status.PASS:
        return "true"
    if created is Status.FAIL or _status(run, "device.kvm") is Status.FAIL:
        return "false"
    return "unknown"


def _flag(value: bool) -> str:
    return "true" if value else "false"


def labels(run: HostReport) -> dict[str, str]:
    """Node labels (name below ``PREFIX`` → value), every one a valid label."""
    found = {
        "verdict": run.verdict.value,
        "kvm-usable": _kvm_usable(run),
        "arch": run.arch,
    }
    for r in run.results:
        if r.id.startswith("tee."):
            found[r.id] = _flag(r.status is Status.PASS)
    for name, value in sorted(run.node.items()):
        found[name] = _flag(value)
    return found


def _feature_lines(run: HostReport) -> Iterator[str]:
    yield "# +no-label"
    yield f"kata-config.verdict={run.verdict.value}"
    for r in run.results:
        if valid_label_part(r.id):
            yield "# +no-label"
            yield f"{FEATURE_PREFIX}{r.id}={r.status.value}"


def _rfc3339(when: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


def render_nfd(run: HostReport, stream: IO[str], verbose: bool = False,
               colour: bool = False) -> None:
    """The whole feature file: a header, the expiry directive, labels, then raw features."""
    del verbose, colour
    import json  # noqa: PLC0415 (~1 ms with its decoder: only the nfd format needs it)

    # json quoting keeps a hostile root path (a newline in it) inside the comment line
    stream.write(f"# written by kata-config {__version__} at {_rfc3339(run.finished)} "
                 f"for host root {json.dumps(run.root)}\n")
    stream.write(f"# +expiry-time={_rfc3339(expiry(run))}\n")
    for name, value in labels(run).items():
        if valid_label_part(name) and valid_label_part(value):
            stream.write(f"{PREFIX}{name}={value}\n")
    for line in _feature_lines(run):
        stream.write(line + "\n")
