"""``kata-config explain RULE``: what a rule checks, why, and a failing and a passing example."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

import kata_config
from kata_cli import options
from kata_cli.render import rule_url


def explain(
    rule: Annotated[str | None, typer.Argument(
        help="A rule id as reported (e.g. unknown-key). Without one: list every rule.",
        show_default=False)] = None,
) -> None:
    """Explain a validate rule: severity, summary, documentation and its web page."""
    import difflib  # noqa: PLC0415 (stdlib, ~3 ms: only a misspelt rule id needs it)

    rules = kata_config.rule_docs()
    if rule is None:
        width = max(len(r) for r in rules)
        for rule_id, entry in sorted(rules.items()):
            sys.stdout.write(f"{rule_id:<{width}}  {entry.rule.severity.label:<7}  "
                             f"{entry.rule.summary}\n")
        return
    found = rules.get(rule)
    if found is None:
        close = difflib.get_close_matches(rule, list(rules), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise options.fail(f"no such rule {rule!r}{hint} (kata-config explain lists them)")
    sys.stdout.write(f"{rule} ({found.rule.severity.label}): {found.rule.summary}\n\n"
                     f"{found.doc.strip()}\n\n{rule_url(rule)}\n")


def register(app: typer.Typer) -> None:
    """Add ``explain`` to the app."""
    app.command("explain")(explain)
