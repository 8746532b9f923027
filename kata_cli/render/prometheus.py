"""``check --format prometheus``: a node_exporter textfile-collector file.

node_exporter's textfile collector reads every ``*.prom`` file in its directory on each scrape.
Two of its rules shape this file: it parses with the legacy name charset (so check ids go in
label values, never in metric names) and it skips a whole file when any sample carries a
timestamp (so the run time is the *value* of ``kata_config_last_run_timestamp_seconds``).

Check results are a state set: one ``kata_config_check_status{id,status}`` series per status,
1 for the current one, so an alert is simply ``kata_config_check_status{status="fail"} == 1``.

This is the only module that imports prometheus_client, and only inside its functions: the
import costs about 60 ms, which every other command and format must not pay.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Final

from kata_config import Status, __version__

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from kata_config import HostReport

VERDICT_VALUE: Final = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}
"""``kata_config_verdict``: 0 pass, 1 warn, 2 fail (a run of skips passes)."""


def registry_for(run: HostReport) -> CollectorRegistry:
    """A fresh registry holding this run's gauges (nothing global is touched)."""
    # prometheus_client: ~60 ms of imports, paid only by --format prometheus
    from prometheus_client import CollectorRegistry, Gauge  # noqa: PLC0415

    registry = CollectorRegistry(auto_describe=True)
    status = Gauge("kata_config_check_status", "Result of one kata-config check: 1 for its "
                   "current status, 0 for the others.", ["id", "status"], registry=registry)
    for result in run.results:
        for candidate in Status:
            status.labels(result.id, candidate.value).set(int(result.status is candidate))
    Gauge("kata_config_verdict", "Overall verdict of the last kata-config check run "
          "(0 pass, 1 warn, 2 fail).", registry=registry).set(VERDICT_VALUE[run.verdict])
    Gauge("kata_config_last_run_timestamp_seconds", "Unix time at which the last kata-config "
          "check run finished.", registry=registry).set(run.finished)
    Gauge("kata_config_run_duration_seconds", "Wall time of the last kata-config check run.",
          registry=registry).set(run.duration)
    Gauge("kata_config_info", "kata-config version and the host it checked.",
          ["version", "arch", "root"], registry=registry).labels(
              __version__, run.arch, run.root).set(1)
    return registry


def render_prometheus(run: HostReport, stream: IO[str], verbose: bool = False,
                      colour: bool = False) -> None:
    """The exposition text (``# HELP``/``# TYPE`` and samples, no timestamps)."""
    del verbose, colour
    from prometheus_client import generate_latest  # noqa: PLC0415 (see registry_for)

    stream.write(generate_latest(registry_for(run)).decode("utf-8"))
