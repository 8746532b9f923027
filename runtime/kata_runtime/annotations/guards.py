"""kata-config's own bounds on annotation input, checked before any runtime rule.

Kubernetes caps a pod's annotations at 256 KiB in all; kata-config also caps one value at
64 KiB and the count at 1024 so that a hostile pod description costs bounded work. Names
and values must be strings without NUL bytes: no runtime could receive anything else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from kata_runtime.annotations.decision import Decision

MAX_VALUE: Final = 64 * 1024
MAX_NAME: Final = 1024
MAX_COUNT: Final = 1024
MAX_TOTAL: Final = 256 * 1024


def _reject(name: str, value: str, why: str) -> Decision:
    return Decision(name, value, "rejected", why, "hostile", fatal=True)


def check_input(annotations: Mapping[str, object],
                decisions: list[Decision]) -> Iterator[tuple[str, str]]:
    """Yield the (name, value) pairs fit to evaluate, in name order; reject the others."""
    total = 0
    for count, (raw_name, raw_value) in enumerate(
            sorted(annotations.items(), key=lambda item: str(item[0]))):
        name, value = str(raw_name), raw_value if isinstance(raw_value, str) else repr(raw_value)
        shown = value if len(value) <= 200 else value[:200] + "..."
        total += len(name) + len(value)
        if count >= MAX_COUNT:
            decisions.append(_reject(name, shown, f"more than {MAX_COUNT} annotations: not "
                                     "evaluated (kata-config bound)"))
        elif not isinstance(raw_name, str) or not isinstance(raw_value, str):
            decisions.append(_reject(name, shown, "annotation names and values are strings; "
                                     f"got a {type(raw_value).__name__}"))
        elif "\0" in name or "\0" in value:
            decisions.append(_reject(name.replace("\0", "\\0"), shown.replace("\0", "\\0"),
                                     "contains a NUL byte, which no runtime can receive"))
        elif len(name) > MAX_NAME or len(value) > MAX_VALUE:
            decisions.append(_reject(name[:200], shown, f"longer than {MAX_VALUE // 1024} KiB "
                                     f"(value) or {MAX_NAME} characters (name)"))
        elif total > MAX_TOTAL:
            decisions.append(_reject(name, shown, "annotations exceed 256 KiB in all, which "
                                     "Kubernetes refuses"))
        else:
            yield name, value
