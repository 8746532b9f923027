"""What migrate refuses before and while editing: invalid TOML, and layouts tomlkit cannot edit.

tomlkit accepts some invalid TOML (a duplicate key) and fails with internal errors on some
edits of a table written in pieces around other tables; these checks turn both into one
sentence naming the place, so ``migrate`` never shows a traceback.
"""

from __future__ import annotations

import tomllib
from typing import Any, Final

from tomlkit.container import OutOfOrderTableProxy
from tomlkit.toml_document import TOMLDocument

from kata_config.tomlfile import MAX_DEPTH, deep_key_line, too_complex

MAX_ENTRIES: Final = 10_000
"""Most keys and array entries (together) migrate edits. A Kata configuration has a few
hundred; tomlkit takes about 0.1 ms an entry and far more memory than the text (one array of
450,000 entries: 45 s and 790 MB), so a file beyond this is refused before it is parsed."""


class MigrateError(ValueError):
    """The file cannot be migrated (bad TOML, no hypervisor the target knows); says why."""


class MigrateBlocked(MigrateError):
    """The file is a configuration, but the target runtime cannot run it at all (it has no
    such hypervisor): a blocker rather than a usage error."""


def check_toml(text: str, source: str) -> None:
    """Refuse invalid TOML (duplicate keys included) with tomllib's position, before tomlkit."""
    if deep_key_line(text) is not None:
        raise MigrateError(f"{source} has a key or table name of more than {MAX_DEPTH} dotted "
                           "parts: this is not a Kata configuration")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise MigrateError(f"{source} is not valid TOML: {err}") from None
    except RecursionError:
        raise MigrateError(f"{source} is nested too deeply to be a Kata configuration") from None
    problem = too_complex(data)  # the same limits as validate, before tomlkit's slow parse
    if problem:
        raise MigrateError(f"{source} {problem}: this is not a Kata configuration")
    total, place, most = _entries(data)
    if total > MAX_ENTRIES:
        raise MigrateError(
            f"{source} holds {total:,} keys and array entries, more than the {MAX_ENTRIES:,} "
            f"migrate edits (a Kata configuration has a few hundred); {place} alone holds "
            f"{most:,}: shorten it and migrate again (validate checks the file as it is)")


def _entries(data: dict[str, Any]) -> tuple[int, str, int]:
    """Keys and array entries in the whole document, and the table or array holding the most
    (its dotted name, how many). No recursion: too_complex has bounded the depth already."""
    total, place, most = 0, "the top level", 0
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        name, node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        count = 0
        for key, child in items:
            count += 1
            if isinstance(child, dict | list):
                sub = f"{name}[{key}]" if isinstance(node, list) else (
                    f"{name}.{key}" if name else str(key))
                stack.append((sub, child))
        total += count
        if count > most:
            kind = "array" if isinstance(node, list) else "table"
            place, most = (f"the {kind} {name}" if name else "the top level"), count
    return total, place, most


def check_layout(doc: TOMLDocument, source: str) -> None:
    """Refuse a table written in pieces around other tables: tomlkit cannot edit it in place."""
    split = [str(key) for key in doc if isinstance(doc[key], OutOfOrderTableProxy)]
    for key in list(doc):
        value = doc[key]
        if isinstance(value, dict | OutOfOrderTableProxy):
            split += [f"{key}.{sub}" for sub in value
                      if isinstance(value[sub], OutOfOrderTableProxy)]
    if split:
        names = ", ".join(f"[{name}]" for name in split)
        raise MigrateError(f"{source} writes {names} in pieces separated by other tables; "
                           "migrate edits each table in one place: move each table's parts "
                           "together (its sub-tables may follow it) and try again")
