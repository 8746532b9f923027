"""Semantic rules of ``kata-config validate``: one module per area, concatenated here.

Each module declares its ``Rule`` constants, pure ``check_*`` generators over a
``KataConfig`` and a ``CHECKS`` tuple; the pipeline stamps rule id, severity and position on
what the checks yield.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from kata_config.findings import Issue, Rule
from kata_config.model import KataConfig
from kata_config.validators import (
    agent,
    arch,
    block,
    boot,
    cpu,
    devices,
    enable_annotations,
    factory,
    history,
    history_values,
    hypervisors,
    memory,
    network,
    numa,
    paths,
    runtime_names,
    runtime_table,
    sections,
    security,
    sharedfs,
    units,
    verity,
)

Check = Callable[[KataConfig], Iterator[Issue]]

CHECKS: Final[tuple[tuple[Rule, Check], ...]] = (
    *sections.CHECKS,
    *history.CHECKS,
    *history_values.CHECKS,
    *runtime_names.CHECKS,
    *cpu.CHECKS,
    *memory.CHECKS,
    *boot.CHECKS,
    *paths.CHECKS,
    *verity.CHECKS,
    *block.CHECKS,
    *sharedfs.CHECKS,
    *devices.CHECKS,
    *arch.CHECKS,
    *numa.CHECKS,
    *network.CHECKS,
    *runtime_table.CHECKS,
    *agent.CHECKS,
    *factory.CHECKS,
    *hypervisors.CHECKS,
    *security.CHECKS,
    *enable_annotations.CHECKS,
    *units.CHECKS,
)

RULES: Final[tuple[Rule, ...]] = tuple(rule for rule, _ in CHECKS)


def run_checks(cfg: KataConfig) -> Iterator[tuple[Rule, Issue]]:
    """Every issue of every rule for one configuration, tagged with its rule."""
    for rule, check in CHECKS:
        if not rule.active(cfg.runtime, cfg.release):
            continue
        for issue in check(cfg):
            yield rule, issue


__all__ = ["CHECKS", "RULES", "Check", "run_checks"]
