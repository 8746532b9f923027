"""The exceptions of the public API (cheap to import: no other kata_config module needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kata_config.discovery import Discovery
    from kata_config.findings import Finding


class KataConfigError(Exception):
    """Base class of every error kata_config raises on purpose (bad input, not a bug)."""


class LoadError(KataConfigError):
    """The runtime would refuse to load this configuration at all.

    ``findings`` holds the reasons (unreadable file, TOML syntax, a value of the wrong type,
    no usable hypervisor or agent table); ``str()`` is one sentence naming the first.
    """

    def __init__(self, message: str, findings: tuple[Finding, ...] = ()) -> None:
        super().__init__(message)
        self.findings = findings


class ConfigNotFound(LoadError):
    """No configuration file was found where the runtime looks; ``discovery`` says where."""

    def __init__(self, message: str, discovery: Discovery | None = None,
                 findings: tuple[Finding, ...] = ()) -> None:
        super().__init__(message, findings)
        self.discovery = discovery
