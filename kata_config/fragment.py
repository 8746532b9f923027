"""A ``config.d/`` drop-in validated on its own: checked as a fragment of a configuration.

A drop-in holds a few keys that override its main file, so what it lacks (kernel, image,
``[runtime]`` selectors) is not its mistake. Only findings about keys it writes are kept, and
one note says how to check it together with its main file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from kata_config.findings import Finding, Location, Rule, Severity

DROPIN_FRAGMENT: Final = Rule(
    "dropin-fragment", Severity.INFO, "A config.d/ drop-in checked alone, as a fragment")
DOC: Final = (
    "A file inside a `config.d/` directory was validated on its own. Both runtimes merge "
    "drop-ins over their main file, so a drop-in normally lacks kernel, image and the "
    "runtime-rs selectors: findings about what is missing are left out and only those about "
    "keys the drop-in writes are shown. Validate the directory holding `configuration.toml` "
    "(or that file) to check the merged result.")


def is_fragment(path: Path) -> bool:
    """True for a regular file directly inside a directory named ``config.d``."""
    return path.parent.name == "config.d" and not path.is_dir()


def _written(data: Mapping[str, Any], key: str | None) -> bool:
    """True when the dotted ``key`` names a value (not a table) the fragment itself sets."""
    if not key:
        return False
    node: Any = data
    for part in key.replace("[", ".[").split("."):
        if part.startswith("["):
            index = int(part.strip("[]"))
            if not isinstance(node, list) or index >= len(node):
                return False
            node = node[index]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return False
    return not isinstance(node, Mapping)


def as_fragment(findings: Iterable[Finding], data: Mapping[str, Any], path: Path
                ) -> list[Finding]:
    """The findings about keys the drop-in writes, plus the note on how to check it whole."""
    kept = [f for f in findings if _written(data, f.location.key)
            or f.rule_id in ("toml-syntax", "file-unreadable", "file-not-text",
                             "file-too-large")]
    main = path.parent.parent
    note = (f"{path} is a config.d/ drop-in, checked alone as a fragment (keys it does not "
            f"set are its main file's business); run `kata-config validate {main}` to check "
            "it merged with its main file")
    kept.append(Finding(DROPIN_FRAGMENT.id, DROPIN_FRAGMENT.severity, note,
                        Location(str(path))))
    return kept
