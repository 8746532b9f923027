"""Generated artefacts are up to date: docs/rules.md and the shipped JSON Schema."""

from __future__ import annotations

from pathlib import Path

from kata_config.rules import registry, render_markdown
from kata_config.schema import schema_text
from kata_config.schema.generate import render

REPO = Path(__file__).resolve().parents[1]


def test_rules_doc_is_current() -> None:
    shipped = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert shipped == render_markdown(), "run: python -m kata_config.rules"


def test_every_rule_is_documented_with_examples() -> None:
    for rule_id, entry in registry().items():
        assert entry.doc.strip(), rule_id
        assert entry.rule.summary, rule_id


def test_shipped_schema_is_current() -> None:
    assert schema_text() == render(), "run: python -m kata_config.schema.generate"
