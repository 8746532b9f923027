"""``[agent.*]`` rules (runtime-rs timeouts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import as_int

DIAL_TIMEOUT_ZERO = Rule(
    "dial-timeout-zero", Severity.ERROR, "runtime-rs refuses dial_timeout_ms = 0"
)
RECONNECT_BELOW_DIAL = Rule(
    "reconnect-below-dial",
    Severity.ERROR,
    "runtime-rs refuses reconnect_timeout_ms below dial_timeout_ms",
)
CDH_TIMEOUT_TRUNCATED = Rule(
    "cdh-timeout-truncated",
    Severity.WARNING,
    "runtime-rs passes cdh_api_timeout_ms to the guest in whole seconds",
)


def check_dial_timeout(cfg: KataConfig) -> Iterator[Issue]:
    """``dial_timeout_ms = 0`` in an agent table under runtime-rs.

    runtime-rs validates every agent table and refuses a zero dial timeout.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [agent.kata]
        dial_timeout_ms = 0

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [agent.kata]
        dial_timeout_ms = 10
    """
    if cfg.runtime != "rs":
        return
    for name, table in cfg.agents.items():
        if as_int(table.get("dial_timeout_ms")) == 0:
            yield Issue(
                f"agent.{name}.dial_timeout_ms",
                "dial_timeout_ms = 0: runtime-rs refuses to load; set a positive value in "
                "milliseconds (upstream uses 10)",
            )


def check_reconnect_timeout(cfg: KataConfig) -> Iterator[Issue]:
    """``reconnect_timeout_ms`` below ``dial_timeout_ms`` under runtime-rs.

    ``reconnect_timeout_ms`` is the total budget for reaching the agent and each attempt
    waits ``dial_timeout_ms``; runtime-rs refuses a budget smaller than one attempt. Only
    compared when both keys are written (upstream's firecracker template sets a large
    dial timeout and relies on the built-in reconnect value).

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [agent.kata]
        dial_timeout_ms = 5000
        reconnect_timeout_ms = 3000

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [agent.kata]
        dial_timeout_ms = 10
        reconnect_timeout_ms = 3000
    """
    if cfg.runtime != "rs":
        return
    for name, table in cfg.agents.items():
        dial = as_int(table.get("dial_timeout_ms"))
        reconnect = as_int(table.get("reconnect_timeout_ms"))
        if dial is not None and reconnect is not None and reconnect < dial:
            yield Issue(
                f"agent.{name}.reconnect_timeout_ms",
                f"reconnect_timeout_ms ({reconnect}) is below dial_timeout_ms ({dial}): "
                f"runtime-rs refuses to load; set reconnect_timeout_ms to at least {dial}",
            )


def check_cdh_timeout(cfg: KataConfig) -> Iterator[Issue]:
    """``cdh_api_timeout_ms`` that is not a whole number of seconds (runtime-rs).

    runtime-rs divides the value by 1000 (rounding down) before passing it to the guest,
    so 1500 becomes 1 s and anything below 1000 becomes 0.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [agent.kata]
        cdh_api_timeout_ms = 500

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [agent.kata]
        cdh_api_timeout_ms = 50000
    """
    if cfg.runtime != "rs":
        return
    for name, table in cfg.agents.items():
        value = as_int(table.get("cdh_api_timeout_ms"))
        if value is not None and value % 1000:
            yield Issue(
                f"agent.{name}.cdh_api_timeout_ms",
                f"cdh_api_timeout_ms ({value}) reaches the guest as {value // 1000} s "
                "(runtime-rs drops the remainder); write a multiple of 1000",
            )


CHECKS: Final = (
    (DIAL_TIMEOUT_ZERO, check_dial_timeout),
    (RECONNECT_BELOW_DIAL, check_reconnect_timeout),
    (CDH_TIMEOUT_TRUNCATED, check_cdh_timeout),
)
