"""Loading the Kata configuration a host check runs against, once it has been found.

Apart from ``config_checks`` because it brings the config model and the key catalogue
(~8 ms of imports) that a host without a Kata configuration never needs; the probe registry
(``probes.config_loader``) imports it on use.
"""

from __future__ import annotations

from pathlib import Path

from kata_config.findings import Severity
from kata_config.flavour import detect_runtime
from kata_config.model import KataConfig
from kata_config.probes.base import CheckResult, Resolved, Status
from kata_config.probes.host import HostRoot
from kata_config.reader import load_config


def load_found(path: str, shown: str, reader: HostRoot | None, arch: str,
               explicit: bool) -> Resolved:
    """Load the config at ``path`` (read through ``reader``, or directly when None) into the
    model, with the ``config.file`` line; ``shown`` is the path as the user or host names it.

    A file that cannot be loaded is a FAIL line, and a usage error when it was ``explicit``.
    """
    loaded = load_config(path, host=reader)
    if not loaded.ok:
        why = "; ".join(f.message for f in loaded.findings if f.severity == Severity.ERROR)
        line = CheckResult("config.file", Status.FAIL, f"{shown} cannot be loaded: {why}",
                           shown, f"run kata-config validate {shown}")
        return Resolved(None, line, why if explicit else None)
    config = KataConfig(loaded.data, detect_runtime(loaded.data, Path(shown)), arch)
    files = ", ".join(loaded.files)
    return Resolved(config, CheckResult(
        "config.file", Status.PASS, f"using {shown} (runtime-{config.runtime}, "
        f"hypervisor {config.active_hypervisor or 'none'})", files), path=shown)
