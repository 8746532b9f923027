"""Host roots laid out as nodes: the kata-deploy fixture and small trees built in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

from tests.fakehost import make_host

NODES: Final = Path(__file__).parent / "fixtures" / "nodes"
KATA_DEPLOY: Final = NODES / "x86_64-kata-deploy"
SHARE: Final = "/opt/kata/share/defaults/kata-containers"

GO_QEMU: Final = '[hypervisor.qemu]\npath = "/usr/bin/qemu-system-x86_64"\n\n[agent.kata]\n'
RS_QEMU: Final = (GO_QEMU + '\n[runtime]\nname = "virt_container"\nhypervisor_name = "qemu"\n'
                  'agent_name = "kata"\n')


def build(root: Path, files: dict[str, str], links: dict[str, str] | None = None) -> Path:
    """Write ``files`` (host path -> text) and ``links`` (host path -> target) below root."""
    return make_host(root, cpus=None, memory_mib=None, files=files, links=links)


def copy_node(dest: Path, source: Path = KATA_DEPLOY) -> Path:
    """A writable copy of a node fixture (symlinks kept as links)."""
    target = dest / source.name
    shutil.copytree(source, target, symlinks=True)
    return target


def containerd_handler(name: str, config_path: str | None = None, *, plugin: str =
                       '"io.containerd.grpc.v1.cri"', runtime_path: str | None = None,
                       runtime_type: str = "io.containerd.kata.v2") -> str:
    """One runtimes.<name> table as kata-deploy writes it (without a version line)."""
    table = f"[plugins.{plugin}.containerd.runtimes.{name}]\n"
    text = table + f'runtime_type = "{runtime_type}"\n'
    if runtime_path:
        text += f'runtime_path = "{runtime_path}"\n'
    if config_path is not None:
        text += f"[plugins.{plugin}.containerd.runtimes.{name}.options]\n"
        text += f'ConfigPath = "{config_path}"\n'
    return text
