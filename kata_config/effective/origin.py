"""Where a resolved value came from, and a requested change to one (annotations build on it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OriginKind = Literal["file", "drop-in", "default", "normalised", "annotation"]
Flavour = Literal["go", "rs"]


@dataclass(frozen=True, slots=True)
class Origin:
    """Why a key of an ``Effective`` has its value.

    Attributes:
        kind: ``file`` (the main file), ``drop-in`` (a ``config.d/`` file), ``default`` (the
            runtime's built-in value), ``normalised`` (a load-time rule changed it),
            ``annotation`` (a pod annotation set it).
        path, line, col: where the value (or, for ``normalised``, the value it replaced) is
            written; None for built-in values and for files without a position.
        flavour: the runtime whose default or rule applied.
        previous: the value before normalisation or annotation.
        annotation: the annotation's name, for ``annotation``.
        note: one sentence saying why.
    """

    kind: OriginKind
    path: str | None = None
    line: int | None = None
    col: int | None = None
    flavour: Flavour | None = None
    previous: object = None
    annotation: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """A value to set on an ``Effective``: ``key`` in section form (``hypervisor.kernel``)."""

    key: str
    value: object
    origin: Origin
