"""Summarise a differential run into the results file behind docs/fidelity.md.

The file (docs/fidelity.json) holds counts only, plus up to ``EXAMPLES`` examples of each
difference; docs/fidelity.md is rendered from it without the oracle (``fidelity.py``).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Final

from tests.oracle.envmap import FIELDS
from tests.oracle.refusals import REFUSALS
from tests.oracle.suite import Outcome

EXAMPLES: Final = 3
UNEXPLAINED: Final = "unexplained"


def _example(outcome: Outcome) -> dict[str, Any]:
    return {"case": outcome.name, "note": outcome.note[:160],
            "upstream": outcome.message[:200] if not outcome.loaded else "loaded",
            "ours": sorted({f"{rule} ({when})" for rule, when, _ in outcome.errors})}


def _rules(outcomes: list[Outcome]) -> dict[str, dict[str, int]]:
    explains = {r.id: r.rules for r in REFUSALS}
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        for rule, when, _ in set(o.errors):
            row = table[rule]
            row["reported"] += 1
            if o.loaded:
                row["start-time, upstream loads" if when == "start" else
                    "load-time, upstream loads"] += 1
            elif rule in explains.get(o.refusal, ()) and when == "load":
                row["explains the refusal"] += 1
            else:
                row["beside another refusal"] += 1
    return {rule: dict(sorted(row.items())) for rule, row in sorted(table.items())}


def _differences(outcomes: list[Outcome], known: str, values: bool) -> dict[str, Any]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        differs = (o.differ or (o.loaded and o.load_error)) if values else not o.agrees
        if differs:
            groups[getattr(o, known) or UNEXPLAINED].append(o)
    out: dict[str, Any] = {}
    for ident, group in sorted(groups.items()):
        shown = group if ident == UNEXPLAINED else group[:EXAMPLES]  # every one: bugs to fix
        entry: dict[str, Any] = {"count": len(group), "examples": [_example(o) for o in shown]}
        if values:
            fields = Counter(f for o in group for f, _, _ in o.differ)
            if any(o.load_error for o in group):
                fields["load() refused"] = sum(1 for o in group if o.load_error)
            entry["fields"] = dict(sorted(fields.items()))
            entry["examples"] = [{**_example(o), "values": [[f, str(t)[:80], str(u)[:80]]
                                                            for f, t, u in o.differ][:4]}
                                 for o in shown]
        else:
            entry["verdicts"] = dict(Counter(o.verdict for o in group))
        out[ident] = entry
    return out


def _median_ms(outcomes: list[Outcome], what: str) -> float:
    values = [o.seconds.get(what, 0.0) for o in outcomes]
    return round(statistics.median(values) * 1000, 1) if values else 0.0


def summarise(outcomes: Iterable[Outcome], run: Mapping[str, Any]) -> dict[str, Any]:
    """The results document of one differential run (``run`` describes the run itself)."""
    items = list(outcomes)
    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    for o in items:
        by_source[o.source]["total"] += 1
        by_source[o.source]["agree"] += o.agrees
        by_source[o.source]["refused by upstream"] += not o.loaded
    refusals: dict[str, Counter[str]] = defaultdict(Counter)
    for o in items:
        if not o.loaded:
            refusals[o.refusal]["seen"] += 1
            refusals[o.refusal]["explained"] += o.agrees
    compared = [o for o in items if o.loaded and (o.same or o.differ)]
    keys = {}
    for field, attribute in FIELDS:
        seen = [o for o in compared if not o.values_known]
        equal = sum(1 for o in seen if field in o.same)
        keys[field] = {"ours": attribute, "compared": len(seen), "equal": equal}
    timing = {what: _median_ms(items, what) for what in ("oracle", "validate", "load")}
    return {
        "oracle": "kata-runtime 3.30.0, kata-env --json",
        "run": {**run, "median_ms_per_config": timing},
        "verdicts": {
            "total": len(items),
            "agree": sum(o.agrees for o in items),
            "explained differences": sum(1 for o in items if not o.agrees and o.known),
            "unexplained differences": sum(1 for o in items if not o.agrees and not o.known),
            "by source": {s: dict(c) for s, c in sorted(by_source.items())},
        },
        "refusals": {r: dict(c) for r, c in sorted(refusals.items())},
        "rules": _rules(items),
        "keys": keys,
        "differences": _differences(items, "known", values=False),
        "value differences": _differences(items, "values_known", values=True),
    }
