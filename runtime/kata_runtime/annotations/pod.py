"""Read a pod's annotations from ``KEY=VALUE`` arguments and ``@file`` references.

An ``@file`` (``@-``: standard input) holds either a JSON object (as ``kubectl get pod -o
jsonpath='{.metadata.annotations}'`` prints it) or ``key=value`` lines (blank lines and ``#``
comments skipped).
Values that are not strings are kept as they are, so that the guards can reject them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Final

from kata_config import InputError, read_input

MAX_FILE: Final = 1024 * 1024  # an @file larger than this is refused unread


class PodAnnotationError(ValueError):
    """An argument or file that cannot be read as annotations; ``str()`` names it and the fix."""


def read_annotation_args(args: Iterable[str]) -> dict[str, object]:
    """Every annotation named by ``args``, in order (a later one replaces an earlier one)."""
    out: dict[str, object] = {}
    for arg in args:
        if arg.startswith("@"):
            out.update(_read_file(arg[1:]))
            continue
        name, sep, value = arg.partition("=")
        if not sep or not name.strip():
            raise PodAnnotationError(
                f"--annotation {arg!r}: expected KEY=VALUE (or @FILE with the pod's "
                "annotations), e.g. io.katacontainers.config.hypervisor.default_memory=4096")
        out[name.strip()] = value
    return out


def _read_file(name: str) -> dict[str, object]:
    # kata_config's input reader: a regular file (or - for standard input) of at most
    # MAX_FILE, judged on the descriptor it reads, so a FIFO or device is refused unopened
    try:
        text = read_input(name, "annotation file", MAX_FILE).decode("utf-8")
    except InputError as exc:
        raise PodAnnotationError(f"@{name}: {exc}; give a regular file of at most 1 MiB") \
            from None
    except UnicodeDecodeError:
        raise PodAnnotationError(f"@{name}: cannot be read (not UTF-8); give a readable UTF-8 "
                                 "file") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise PodAnnotationError(f"@{name}: invalid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise PodAnnotationError(f"@{name}: the JSON must be an object of annotations")
        return {str(k): v for k, v in data.items()}
    out: dict[str, object] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise PodAnnotationError(f"@{name}:{number}: expected key=value")
        out[key.strip()] = value
    return out
