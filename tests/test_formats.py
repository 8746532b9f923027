"""Every ``--format`` choice is a renderer and every renderer a choice (STYLE.md, CLI).

The choices are ``StrEnum``s declared beside the options (the hot commands' in ``spec.py``,
read on every start without importing any renderer); the renderer tables are keyed by their
values. This test is what keeps the two from drifting: same names, same order (``--help``
lists them in the enum's order).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import pytest

from kata_cli import annotate, env, migrate, plan, spec
from kata_cli.render import annotate as render_annotate
from kata_cli.render import check as render_check
from kata_cli.render import diff as render_diff
from kata_cli.render import env as render_env
from kata_cli.render import findings as render_findings
from kata_cli.render import plan as render_plan

PAIRS: list[tuple[type[StrEnum], Mapping[str, object]]] = [
    (spec.FindingsFormat, render_findings.RENDERERS),
    (spec.CheckFormat, render_check.RENDERERS),
    (spec.DiffFormat, render_diff.DIFF_RENDERERS),
    (migrate.Format, render_diff.MIGRATE_RENDERERS),
    (env.EnvFormat, render_env.RENDERERS),
    (plan.PlanFormat, render_plan.PLAN_RENDERERS),
    (plan.PlanFormat, render_plan.TRY_RENDERERS),
    (annotate.Format, render_annotate.RENDERERS),
]


@pytest.mark.parametrize(("choices", "renderers"), PAIRS,
                         ids=[f"{c.__module__}.{c.__name__}-{i}" for i, (c, _) in
                              enumerate(PAIRS)])
def test_format_choices_are_the_renderer_table(choices: type[StrEnum],
                                               renderers: Mapping[str, object]) -> None:
    assert [member.value for member in choices] == list(renderers)
