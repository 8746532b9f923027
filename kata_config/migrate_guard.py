"""What migrate refuses before and while editing: invalid TOML, and layouts tomlkit cannot edit.

tomlkit accepts some invalid TOML (a duplicate key) and fails with internal errors on some
edits of a table written in pieces around other tables; these checks turn both into one
sentence naming the place, so ``migrate`` never shows a traceback.
"""

from __future__ import annotations

import tomllib

from tomlkit.container import OutOfOrderTableProxy
from tomlkit.toml_document import TOMLDocument

from kata_config.tomlfile import MAX_DEPTH, deep_key_line, too_complex


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
