"""``diff`` for keys in a top-level table the runtime does not read in the release compared.

``[netmon]``, ``[image]``, ``[proxy.*]`` and ``[shim.*]`` were Go runtime tables that later
releases (and runtime-rs) ignore, so a stock file of such a release has none of them. A
published config that still has one would otherwise show every key in it as ``added``;
``retired_table`` says, from the key history, which keys have no effect and why.
"""

from __future__ import annotations

from kata_config.keys.history import NAMES, NEWEST, History, key_history, next_release
from kata_config.keys.spec import Runtime
from kata_config.walk import TOP_LEVEL


def _spans(history: History, runtime: Runtime) -> str:
    return ", ".join(f"{s.since}-{s.until or NEWEST}" for s in history.spans_for(runtime))


def retired_table(key: str, runtime: Runtime, release: str) -> str:
    """Why the dotted ``key`` has no effect, when it lies in a top-level table the history
    knows and ``release`` of ``runtime`` does not read; ``""`` otherwise (a table no release
    ever had stays an ordinary change)."""
    table = key.partition(".")[0]
    history = None if table in TOP_LEVEL else key_history("", table)
    if history is None:
        return ""
    status = history.status(runtime, release)
    name = NAMES[runtime]
    if status == "read":
        return ""
    if status == "never":
        other: Runtime = "rs" if runtime == "go" else "go"
        return (f"[{table}] is a table of {NAMES[other]} ({_spans(history, other)}); "
                f"{name} never read it")
    if status == "retired":
        last = history.last(runtime)
        return (f"[{table}] was read by {name} until {last} and removed in "
                f"{next_release(runtime, last)}")
    return f"[{table}] is not read by {name} {release} (only in {_spans(history, runtime)})"
