"""``kata-config check``: can this host (or a captured snapshot of one) run Kata?

The command body, shared by the typer and the fast front end; its options are declared in
``spec.CHECK``, and this module imports no typer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from kata_cli import fleet, usage
from kata_cli.render import wants_colour
from kata_cli.render.check import render_list
from kata_cli.spec import CheckFormat
from kata_config import HostReport, KataConfigError, Status, check_host, check_ids, replace


def network_enabled(no_network: bool, env: Mapping[str, str] | None = None) -> bool:
    """Network checks run unless ``-n`` or ``KATA_CHECK_NO_NETWORK`` is set to anything.

    Upstream's ``kata-runtime check`` treats the variable's mere presence as "off", even
    ``KATA_CHECK_NO_NETWORK=0``; an operator's environment means the same here.
    """
    env = os.environ if env is None else env
    return not no_network and "KATA_CHECK_NO_NETWORK" not in env


def run(*, config: Path | None, root: str, live: bool, arch: str | None,
        no_network_checks: bool, verbose: bool, fmt: list[CheckFormat] | None,
        output: list[Path] | None, interval: float | None, strict: bool,
        only: list[str] | None, list_: bool, load_modules: bool, quiet: bool) -> None:
    """Check the host, write each format, and exit: 0 pass or warn (1 with ``strict``), 1 on a
    failure, 2 on a usage error; under ``interval``, again until SIGTERM (exit 0)."""
    if list_:
        render_list(check_ids(), sys.stdout)
        raise SystemExit(0)
    try:
        targets = fleet.pair([f.value for f in fmt or [CheckFormat.text]], output or [])
    except fleet.OutputError as exc:
        raise usage.fail(str(exc)) from None
    colour = wants_colour(sys.stdout)

    def checked() -> HostReport:
        return check_host(root=root, arch=arch, config=config, live=live, only=only,
                          network=network_enabled(no_network_checks), load_modules=load_modules)

    try:
        pending = [checked()]  # usage errors (bad root, arch, config, check id) come before a loop
    except KataConfigError as exc:
        raise usage.fail(str(exc)) from None
    last = pending[0]
    if last.config is None and any(t.fmt == CheckFormat.sarif for t in targets):
        raise usage.fail("--format sarif anchors each host finding to the configuration "
                         "checked, and none was found: give --config FILE (code scanning "
                         "rejects a result without a file)")

    def once(every: float) -> HostReport:
        nonlocal last
        try:
            last = pending.pop() if pending else checked()
        except KataConfigError as exc:  # under --interval: keep the last report, try again
            usage.note(f"{exc} (will retry)")
        report = replace(last, interval=every)
        shown = report
        if quiet:
            kept = tuple(r for r in report.results if r.status in (Status.WARN, Status.FAIL))
            shown = replace(report, results=kept)
        try:
            fleet.write(shown, targets, verbose, colour)
        except OSError as exc:
            if not every:
                raise usage.fail(f"cannot write the output: {exc}") from None
            usage.note(f"cannot write the output (will retry): {exc}")
        return report

    if interval:
        fleet.run_every(interval, once)
        raise SystemExit(0)
    raise SystemExit(once(0.0).exit_code(strict))

