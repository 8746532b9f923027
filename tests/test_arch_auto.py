"""``--arch auto`` and ``validate DIR``: a tree of configurations for several arches is one call,
and each file gets the verdict it gets when checked alone for its own arch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import kata_config
from kata_config.arch import host_arch
from kata_config.arch.detect import arch_of, detect_arch
from kata_config.configtree import main_files
from kata_config.probes.host import HostRoot
from tests.corpus import RENDERED, rendered_configs, require_corpus
from tests.corpus import arch_of as corpus_arch

REPO = Path(__file__).resolve().parents[1]


def _qemu(path: str = "", machine: str = "") -> dict[str, object]:
    table: dict[str, object] = {}
    if path:
        table["path"] = path
    if machine:
        table["machine_type"] = machine
    return {"hypervisor": {"qemu": table}}


@pytest.mark.parametrize(("path", "want"), [
    ("/r/aarch64/runtime-go/configuration.toml", "aarch64"),
    ("/r/arm64/configuration.toml", "aarch64"),
    ("/r/AMD64/configuration.toml", "x86_64"),
    ("/r/s390x/x/y/configuration.toml", "s390x"),  # the nearest arch folder counts
    ("/x86_64/ppc64le/configuration.toml", "ppc64le"),
])
def test_path_names_the_arch(path: str, want: str) -> None:
    assert arch_of(_qemu("/usr/bin/qemu-system-x86_64", "q35"), path) == want


@pytest.mark.parametrize(("binary", "want"), [
    ("/usr/bin/qemu-system-aarch64", "aarch64"),
    ("/usr/bin/qemu-system-ppc64", "ppc64le"),
    ("/opt/kata/bin/qemu-system-s390x", "s390x"),
    ("/usr/bin/qemu-system-riscv64", "riscv64"),
    ("/usr/bin/qemu-system-x86_64-snp-experimental", "x86_64"),
])
def test_qemu_binary_names_the_arch(binary: str, want: str) -> None:
    assert arch_of(_qemu(binary, "virt"), "/etc/kata-containers/configuration.toml") == want


@pytest.mark.parametrize(("machine", "want"), [
    ("q35", "x86_64"), ("pseries", "ppc64le"), ("s390-ccw-virtio", "s390x"),
    ("virt", None),  # aarch64's and riscv64's: decides nothing
])
def test_machine_type_unique_to_one_arch(machine: str, want: str | None) -> None:
    assert arch_of(_qemu("/usr/bin/qemu-kvm", machine), "configuration.toml") == want


def test_nothing_or_disagreement_falls_back_to_the_host() -> None:
    assert arch_of({"hypervisor": {"clh": {"path": "/usr/bin/cloud-hypervisor"}}}, "c.toml") \
        is None
    two = {"hypervisor": {"a": {"path": "/usr/bin/qemu-system-s390x"},
                          "b": {"path": "/usr/bin/qemu-system-aarch64"}}}
    assert arch_of(two, "c.toml") is None
    assert detect_arch(two, "c.toml") == host_arch()
    assert arch_of({"hypervisor": "not a table"}, "c.toml") is None


def _tree(tmp_path: Path) -> Path:
    """Two arches' renders, a config.d/ drop-in, a kata-deploy style link and a folder link."""
    require_corpus()
    root = tmp_path / "tree"
    for arch in ("aarch64", "s390x"):
        dest = root / arch
        dest.mkdir(parents=True)
        shutil.copy(RENDERED / arch / "runtime-go" / "configuration-qemu.toml", dest)
    dropins = root / "s390x" / "config.d"
    dropins.mkdir()
    (dropins / "10-debug.toml").write_text("[hypervisor.qemu]\nenable_debug = 7\n")
    (dropins / "configuration-not-a-main.toml").write_text("")  # a drop-in, not a main file
    (root / "s390x" / "configuration.toml").symlink_to("configuration-qemu.toml")
    (root / "loop").symlink_to(root, target_is_directory=True)  # never followed
    (root / "notes.toml").write_text("[runtime]\n")  # not configuration*.toml
    return root


def test_tree_lists_main_files_once(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    found = main_files(str(root), HostRoot.plain())
    assert found == [str(root / "aarch64" / "configuration-qemu.toml"),
                     str(root / "s390x" / "configuration-qemu.toml")]


def test_tree_under_a_host_root(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    report = kata_config.validate(["/s390x"], arch="auto", root=root)
    assert report.inputs == ("/s390x/configuration-qemu.toml",
                             "/s390x/config.d/10-debug.toml",
                             "/s390x/config.d/configuration-not-a-main.toml")
    assert any(f.rule_id == "schema-type" and f.location.path.endswith("10-debug.toml")
               for f in report.findings)


def test_folder_without_configs_still_means_its_configuration_toml(tmp_path: Path) -> None:
    report = kata_config.validate([tmp_path], arch="x86_64")
    assert [f.rule_id for f in report.findings] == ["file-unreadable"]
    assert report.findings[0].location.path == str(tmp_path / "configuration.toml")


def _alone(path: Path) -> list[kata_config.Finding]:
    return list(kata_config.validate([path], arch=corpus_arch(path)).findings)


def test_corpus_in_one_call_matches_each_file_alone() -> None:
    require_corpus()
    files = rendered_configs()
    assert len(files) == 37
    together = kata_config.validate([RENDERED], arch="auto")
    assert together.inputs == tuple(str(p) for p in files)
    alone = sorted((f for path in files for f in _alone(path)),
                   key=lambda f: (f.location.path, f.location.line or 0))
    key = lambda f: (f.location.path, f.location.line or 0, f.rule_id, f.message)  # noqa: E731
    assert sorted(together.findings, key=key) == sorted(alone, key=key)


def test_corpus_qemu_files_name_their_arch_without_their_folder(tmp_path: Path) -> None:
    """Copied out of their arch folders, the QEMU configs still say which arch they are for."""
    require_corpus()
    checked = 0
    for path in rendered_configs():
        if "qemu" not in path.name:
            continue
        parsed = tomllib.loads(path.read_text(encoding="utf-8"))
        assert arch_of(parsed, tmp_path / "configuration.toml") == corpus_arch(path), path
        checked += 1
    assert checked >= 20


def test_standard_input_is_judged_by_its_content_not_the_working_directory(
        tmp_path: Path) -> None:
    require_corpus()
    source = RENDERED / "aarch64" / "runtime-go" / "configuration-qemu.toml"
    cwd = tmp_path / "s390x"
    cwd.mkdir()

    def findings(*argv: str, stdin: bytes | None = None) -> list[object]:
        proc = subprocess.run([sys.executable, "-m", "kata_cli", "validate", "--format", "json",
                               *argv], input=stdin, capture_output=True, cwd=cwd,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                  [str(REPO), str(REPO / "runtime")])}, check=False)
        assert proc.returncode in (0, 1), proc.stderr
        return [(f["rule"], f["message"]) for f in json.loads(proc.stdout)["findings"]]

    piped = findings("--arch", "auto", "-", stdin=source.read_bytes())
    assert piped == findings("--arch", "aarch64", str(source))
    assert piped != findings("--arch", "s390x", str(source))


@pytest.mark.parametrize("front", ["fast", "typer"])
def test_cli_validates_the_corpus_tree_with_arch_auto(front: str) -> None:
    require_corpus()
    # "--" is not a plain command line for fast.py, so typer reads that one
    argv = ["validate", "--arch", "auto", "--format", "json",
            *(["--"] if front == "typer" else []), str(RENDERED)]
    proc = subprocess.run([sys.executable, "-m", "kata_cli", *argv], capture_output=True,
                          text=True, cwd=REPO, check=False)
    assert proc.returncode == 1, proc.stderr  # one documented template error (§6.1)
    out = json.loads(proc.stdout)
    assert len(out["files"]) == 37
    assert out["summary"] == {"errors": 1, "warnings": 20, "infos": 24}
