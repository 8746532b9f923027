"""The shape of one stock template: which upstream file it mirrors and where it is built."""

from __future__ import annotations

from kata_config.keys.spec import Runtime
from kata_config.record import record


@record
class Template:
    """One stock configuration upstream ships.

    Attributes:
        name: our short name (``qemu``, ``qemu-tdx``, ``clh-azure``, ...); the same name is
            used for both runtimes, ``runtime`` tells them apart.
        runtime: ``go`` or ``rs``.
        hypervisor: the ``[hypervisor.<name>]`` table the file configures.
        upstream: file name upstream renders for it (used to match the corpus).
        arches: the architectures we ship it for: those with a file under ``defaults/``.
    """

    name: str
    runtime: Runtime
    hypervisor: str
    upstream: str
    arches: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        """Name of the shipped file, the same under every runtime/arch directory."""
        return f"configuration-{self.name}.toml"
