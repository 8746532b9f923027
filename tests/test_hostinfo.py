"""host_info(): kernel, distro and memory as kata-runtime env reads them, through the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from kata_config import HostInfo, host_info
from kata_config.probes.hostinfo import parse_meminfo, parse_os_release
from tests.nodetree import KATA_DEPLOY, build


@pytest.mark.parametrize(("text", "want"), [
    ('NAME="Ubuntu"\nVERSION_ID="24.04"\n', {"NAME": "Ubuntu", "VERSION_ID": "24.04"}),
    ("NAME='Fedora Linux'\n# comment\nbroken line\nVERSION_ID=40\n",
     {"NAME": "Fedora Linux", "VERSION_ID": "40"}),
    ('NAME="unterminated\nID=x\n', {"ID": "x"}),
], ids=["double-quoted", "single-quoted-and-junk", "bad-quoting"])
def test_parse_os_release(text: str, want: dict[str, str]) -> None:
    assert parse_os_release(text) == want


def test_parse_meminfo_keeps_kib_lines_only() -> None:
    text = "MemTotal:  1024 kB\nMemFree: 512 kB\nHugePages_Total: 0\nBogus: x kB\n"
    assert parse_meminfo(text) == {"MemTotal": 1024, "MemFree": 512, "HugePages_Total": 0}


def test_host_info_of_a_node_tree() -> None:
    info = host_info(KATA_DEPLOY)
    assert (info.kernel, info.distro_name, info.distro_version) == (
        "6.8.0-45-generic", "Ubuntu", "24.04")
    assert (info.mem_total_kib, info.cpus) == (196608000, 32)


def test_usr_lib_os_release_is_the_fallback_and_missing_files_are_none(tmp_path: Path) -> None:
    root = build(tmp_path, {"/usr/lib/os-release": 'NAME="Debian GNU/Linux"\n'})
    assert host_info(root) == HostInfo(distro_name="Debian GNU/Linux")
    build(tmp_path, {}, links={"/etc/os-release": "/../../../../etc/shadow"})
    assert host_info(root).distro_name == "Debian GNU/Linux"  # the link stays inside the root
