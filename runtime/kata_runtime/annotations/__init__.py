"""Pod annotations applied to a configuration as the Go runtime or runtime-rs would.

``apply_annotations`` is loaded on first use: it needs ``kata_config``'s public API, while the
dialect modules (regexes, globs, value parsers) stand alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kata_runtime.annotations.decision import (
    AnnotationResult,
    Behaviour,
    Decision,
    ValueChange,
)
from kata_runtime.annotations.pod import PodAnnotationError, read_annotation_args

if TYPE_CHECKING:
    from kata_runtime.annotations.apply import apply_annotations

__all__ = [
    "AnnotationResult",
    "Behaviour",
    "Decision",
    "PodAnnotationError",
    "ValueChange",
    "apply_annotations",
    "read_annotation_args",
]


def __getattr__(name: str) -> Any:
    if name == "apply_annotations":
        from kata_runtime.annotations.apply import apply_annotations

        return apply_annotations
    raise AttributeError(name)
