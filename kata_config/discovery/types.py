"""What discovery reports: the file chosen, every place looked at, and the runtime handler."""

from __future__ import annotations

from typing import Literal

from kata_config.record import record

Flavour = Literal["go", "rs"]
RuntimeChoice = Literal["go", "rs", "auto"]


@record
class Candidate:
    """One place looked at while discovering the configuration, and what became of it.

    ``source`` says where the path came from: ``"explicit"``, ``"KATA_CONF_FILE"``,
    ``"containerd:<file>"`` / ``"crio:<file>"`` (a handler's config path, set in that file),
    ``"built-in"`` (the runtime's own list) or ``"config.d"`` (a drop-in). The container
    engine's own files are listed too, as ``"containerd"`` / ``"crio"``: they are never a Kata
    configuration (``used`` is False) and their ``reason`` says what was read from them.
    ``used`` is True for the main file and the drop-ins the runtime loads.
    """

    path: str
    source: str
    used: bool
    reason: str


@record
class RuntimeHandler:
    """A container engine's runtime handler (a RuntimeClass's ``handler``) as configured."""

    name: str
    engine: Literal["containerd", "crio"]
    file: str
    """The engine file whose value decided ``config_path`` (else the last one defining it)."""
    config_path: str | None
    """containerd ``options.ConfigPath`` / CRI-O ``runtime_config_path``; None when unset."""
    runtime_type: str | None
    runtime_path: str | None
    """The shim binary as configured; None when the engine derives it from runtime_type."""


@record
class Discovery:
    """Which configuration the runtime would load, and every candidate with its reason.

    ``path`` is the main file as the runtime names it and ``resolved`` the same file with
    symlinks followed inside the host root (the drop-ins sit beside ``resolved``); both are
    host paths. When nothing usable is found both are None and ``error`` says, in one
    sentence, why the runtime would refuse to start.
    """

    path: str | None
    resolved: str | None
    flavour: Flavour
    dropins: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    flavour_reason: str = ""
    handler: RuntimeHandler | None = None
    error: str | None = None
    shim: str | None = None
    """The shim binary the engine starts for the handler (a host path), when it was found."""

    @property
    def files(self) -> tuple[str, ...]:
        """The files the runtime reads, in order: the resolved main file, then the drop-ins."""
        return () if self.resolved is None else (self.resolved, *self.dropins)


@record
class EngineResult:
    """What one container engine's files say about a handler (internal to discovery)."""

    handler: RuntimeHandler | None
    files: tuple[Candidate, ...]
    note: str = ""
    """An extra sentence about the handler's config path (e.g. containerd 1.x would differ)."""
    missing: str = ""
    """Why no handler was found, when none was."""
