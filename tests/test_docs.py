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


def test_rules_doc_renders_as_commonmark() -> None:
    """Examples render as code blocks, never as text run into the paragraph above them."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(
        (REPO / "docs" / "rules.md").read_text(encoding="utf-8"))
    labels = 0
    for i, token in enumerate(tokens):
        if token.type != "inline" or tokens[i - 1].type != "paragraph_open":
            continue
        text = token.content
        assert not text.rstrip().endswith("::"), text
        for line in text.splitlines()[1:]:
            # a TOML line inside a paragraph means an example lost its code block
            assert not line.lstrip().startswith("["), text
            assert " = " not in line or "`" in line, text
        if text.startswith(("Fails", "Passes")):
            labels += 1
            assert tokens[i + 2].type == "fence", text  # inline, paragraph_close, fence
            assert tokens[i + 2].info == "toml"
    assert labels >= 150
    headings = {tokens[i + 1].content for i, t in enumerate(tokens)
                if t.type == "heading_open" and t.tag == "h2"}
    assert set(registry()) <= headings  # SARIF helpUri and explain link to #<rule-id>
