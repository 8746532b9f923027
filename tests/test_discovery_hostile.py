"""Hostile container-engine files: every one ends in a clear candidate reason, never a crash."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Final

from kata_config import Discovery, discover
from kata_config.discovery import containerd
from tests.nodetree import GO_QEMU, build, containerd_handler

MAIN: Final = "/etc/containerd/config.toml"
A: Final = "/srv/a.toml"


def _reason(found: Discovery, path: str, source: str = "containerd") -> str:
    return next(c.reason for c in found.candidates if c.path == path and c.source == source)


def test_import_loop_ends_and_says_so(tmp_path: Path) -> None:
    root = build(tmp_path, {
        A: GO_QEMU,
        MAIN: 'version = 2\nimports = ["b.toml"]\n',
        "/etc/containerd/b.toml": 'imports = ["c.toml"]\n' + containerd_handler("kata", A),
        "/etc/containerd/c.toml": 'imports = ["config.toml", "b.toml"]\n'})
    found = discover(root=root, runtime_class="kata", env={})
    assert found.path == A
    assert "loop ends there" in _reason(found, MAIN)
    assert [c.path for c in found.candidates if c.source == "containerd"] == [
        MAIN, "/etc/containerd/b.toml", "/etc/containerd/c.toml"]


def test_symlink_alias_loop_is_bounded(tmp_path: Path) -> None:
    """A directory linking to itself gives containerd a new path each time round, until the
    kernel's 40-link limit (ELOOP) makes one unopenable and containerd fails to start."""
    root = build(tmp_path, {MAIN: 'version = 2\nimports = ["self/config.toml"]\n'},
                 links={"/etc/containerd/self": "."})
    found = discover(root=root, runtime_class="kata", env={})
    engine = [c for c in found.candidates if c.source == "containerd"]
    assert len(engine) == 42  # main, then self/ 1 to 40 times, then the one that loops
    assert "a symlink in its path loops" in engine[-1].reason
    assert "containerd refuses to start" in engine[-1].reason


def test_import_chain_is_bounded_in_files(tmp_path: Path) -> None:
    chain = {f"/etc/containerd/{i}.toml": f'imports = ["{i + 1}.toml"]\n' for i in range(400)}
    root = build(tmp_path, {MAIN: 'imports = ["0.toml"]\n', **chain})
    found = discover(root=root, runtime_class="kata", env={})
    engine = [c for c in found.candidates if c.source == "containerd"]
    assert len(engine) == containerd.MAX_FILES + 1
    assert f"stops after {containerd.MAX_FILES}" in engine[-1].reason


def test_glob_over_thousands_of_files_is_bounded(tmp_path: Path) -> None:
    many = tmp_path / "etc/containerd/conf.d"
    many.mkdir(parents=True)
    for i in range(3000):
        (many / f"{i:05d}.toml").write_text("")
    build(tmp_path, {A: GO_QEMU, MAIN: 'version = 2\nimports = ["conf.d/*.toml"]\n'
                     + containerd_handler("kata", A)})
    start = time.perf_counter()
    found = discover(root=tmp_path, runtime_class="kata", env={})
    elapsed = time.perf_counter() - start
    assert found.path == A
    assert "matches 3000 files; containerd reads them all, kata-config only the first" in (
        _reason(found, MAIN))
    assert len([c for c in found.candidates if c.source == "containerd"]) <= containerd.MAX_FILES
    assert elapsed < 30  # generous: it reads at most MAX_GLOB files, not 3000


def test_import_outside_the_root_is_resolved_inside_it(tmp_path: Path) -> None:
    inside = tmp_path / "root"
    build(tmp_path, {"etc/containerd/evil.toml": containerd_handler("kata", "/outside.toml")})
    build(inside, {A: GO_QEMU, MAIN: 'version = 2\nimports = ["../../../../etc/containerd/'
                                     'evil.toml", "/etc/containerd/link.toml"]\n',
                   "/etc/containerd/evil.toml": containerd_handler("kata", A)},
          links={"/etc/containerd/link.toml": "/../../etc/containerd/evil.toml"})
    found = discover(root=inside, runtime_class="kata", env={})
    assert found.path == A  # the root's own evil.toml, never the one above the root
    assert found.resolved == A


def test_relative_configpath_is_a_clear_error(tmp_path: Path) -> None:
    root = build(tmp_path, {"/etc/kata-containers/configuration.toml": GO_QEMU,
                            MAIN: containerd_handler("kata", "kata/configuration.toml")})
    found = discover(root=root, runtime_class="kata", env={})
    assert found.path is None
    assert "relative path 'kata/configuration.toml'" in (found.error or "")
    assert "bundle directory" in (found.error or "")
    builtin = next(c for c in found.candidates if c.source == "built-in")
    assert "not tried" in builtin.reason  # no fall-through to the built-in list


def test_missing_configpath_does_not_fall_back(tmp_path: Path) -> None:
    root = build(tmp_path, {"/etc/kata-containers/configuration.toml": GO_QEMU,
                            MAIN: containerd_handler("kata", "/opt/kata/missing.toml")})
    found = discover(root=root, runtime_class="kata", env={})
    assert found.path is None
    assert "/opt/kata/missing.toml (containerd:/etc/containerd/config.toml) does not exist" in (
        found.error or "")


def test_non_toml_and_binary_containerd_files(tmp_path: Path) -> None:
    root = build(tmp_path, {A: GO_QEMU,
                            MAIN: 'version = 2\nimports = ["bad.toml", "bin.toml", "gone.toml",'
                                  ' "dir"]\n' + containerd_handler("kata", A),
                            "/etc/containerd/bad.toml": "[plugins\nnot toml\n",
                            "/etc/containerd/dir/x": ""})
    (tmp_path / "etc/containerd/bin.toml").write_bytes(b"\xff\xfe\x00garbage")
    found = discover(root=root, runtime_class="kata", env={})
    assert found.path == A  # the best answer is still given
    bad = _reason(found, "/etc/containerd/bad.toml")
    assert "is not valid TOML at line 1" in bad
    assert "containerd refuses to start" in bad
    assert "not UTF-8" in _reason(found, "/etc/containerd/bin.toml")
    assert "does not exist" in _reason(found, "/etc/containerd/gone.toml")
    assert "is a directory" in _reason(found, "/etc/containerd/dir")


def test_imports_of_the_wrong_type(tmp_path: Path) -> None:
    root = build(tmp_path, {MAIN: 'imports = "conf.d/*.toml"\n'})
    found = discover(root=root, runtime_class="kata", env={})
    assert "imports is not a list of strings" in _reason(found, MAIN)


def test_missing_containerd_config_means_built_in_defaults(tmp_path: Path) -> None:
    found = discover(root=tmp_path, runtime_class="kata", env={})
    assert "built-in defaults" in _reason(found, MAIN)
    assert "does not exist (CRI-O skips it)" in _reason(found, "/etc/crio/crio.conf", "crio")


def test_crio_non_toml_dropin(tmp_path: Path) -> None:
    root = build(tmp_path, {"/etc/crio/crio.conf.d/00-bad.conf": "[crio.runtime\n"})
    found = discover(root=root, runtime_class="kata", env={})
    assert "CRI-O refuses to start" in _reason(found, "/etc/crio/crio.conf.d/00-bad.conf", "crio")
