"""Pod annotations applied to a configuration as the Go runtime or runtime-rs would.

``apply_annotations`` applies them; the dialect modules (regexes, globs, value parsers) stand
alone. ``kata-config plan`` without annotations never imports this package.
"""

from __future__ import annotations

from kata_runtime.annotations.apply import apply_annotations
from kata_runtime.annotations.decision import (
    AnnotationResult,
    Behaviour,
    Decision,
    ValueChange,
)
from kata_runtime.annotations.pod import PodAnnotationError, read_annotation_args

__all__ = [
    "AnnotationResult",
    "Behaviour",
    "Decision",
    "PodAnnotationError",
    "ValueChange",
    "apply_annotations",
    "read_annotation_args",
]
