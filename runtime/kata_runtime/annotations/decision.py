"""What applying pod annotations decides: one Decision per annotation, and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from kata_config import Effective

Behaviour = Literal["go", "rs"]
Status = Literal["accepted", "rejected"]


class Refused(Exception):
    """A conversion refused the value; ``reason`` is one sentence, ``rule`` its N-number."""

    def __init__(self, reason: str, rule: str = "N-9", *, fatal: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rule = rule
        self.fatal = fatal


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one annotation.

    Attributes:
        annotation: the annotation's name (without its value).
        value: its value, as given.
        status: ``accepted`` (applied) or ``rejected`` (not applied).
        reason: one sentence: why, naming the allow-list entry or the check involved.
        rule: the validation-rules.md §4 rule it follows (``N-1`` ... ``N-10``), or ``L9``
            for ``config_path``, ``hostile`` for kata-config's own input bounds.
        fatal: the runtime refuses to start the pod because of it.
        key: the section-form key it sets ("" when none).
        matched: the ``enable_annotations`` entry that enabled it ("" when not gated).
    """

    annotation: str
    value: str
    status: Status
    reason: str
    rule: str
    fatal: bool = False
    key: str = ""
    matched: str = ""


@dataclass(frozen=True, slots=True)
class ValueChange:
    """A key whose value the annotations changed."""

    key: str
    before: object
    after: object


@dataclass(frozen=True, slots=True)
class AnnotationResult:
    """Every decision, the values that changed, and the resulting configuration.

    ``refused`` is True when the runtime would not start the pod at all (Go: any disallowed
    annotation; both: a value it cannot convert). ``effective`` then still shows what the
    accepted annotations would have set.
    """

    behaviour: Behaviour
    version: str
    decisions: tuple[Decision, ...]
    changes: tuple[ValueChange, ...]
    effective: Effective
    notes: tuple[str, ...] = field(default=())

    @property
    def refused(self) -> bool:
        """The runtime refuses this pod."""
        return any(d.fatal for d in self.decisions)
