"""The document ``migrate`` rewrites, the source's table names and the step log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import tomlkit

from kata_config.keys.spec import Runtime
from kata_config.migrate_report import Step, StepKind

if TYPE_CHECKING:
    from tomlkit.items import Table as TomlTable
    from tomlkit.toml_document import TOMLDocument

NAMES: Final = {"go": "the Go runtime", "rs": "runtime-rs"}


class Edit:
    """The document being rewritten, the source runtime's section names and the step log."""

    def __init__(self, doc: TOMLDocument, to: Runtime, hv: str, agents: list[str]) -> None:
        self.doc, self.to, self.hv, self.agents = doc, to, hv, agents
        self.steps: list[Step] = []

    def tables(self, section: str) -> list[tuple[str, TomlTable]]:
        """(dotted name, table) for a section: the hypervisor, every agent, or [runtime]."""
        doc: Any = self.doc
        if section == "hypervisor":
            return [(f"hypervisor.{self.hv}", doc["hypervisor"][self.hv])]
        if section == "agent":
            return [(f"agent.{a}", doc["agent"][a]) for a in self.agents]
        return [(section, doc[section])] if section in doc else []

    def log(  # noqa: PLR0917 - mirrors Step's fields in order
        self, kind: StepKind, key: str, target: str | None, old: Any, new: Any, why: str
    ) -> None:
        self.steps.append(Step(kind, key, target, old, new, why))


def plain(item: Any) -> Any:
    """A tomlkit item as plain Python data."""
    return item.unwrap() if hasattr(item, "unwrap") else item


def rename(table: TomlTable, old: str, new: str, value: Any) -> None:
    """Rename ``old`` to ``new`` in place with ``value``."""
    # tomlkit has no public rename; _replace keeps the key's place and its trailing comment.
    table.value._replace(old, new, tomlkit.item(value))
