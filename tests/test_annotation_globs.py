"""valid_*_paths globs: Rust's pure pattern match, and Go's expansion on a host root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kata_config import HostFiles
from kata_runtime.annotations.glob_match import BadPattern, go_match, rs_match
from kata_runtime.annotations.go_glob import GlobView, go_glob

# glob::Pattern::matches with default options (cases from the crate's documentation).
RS_CASES = [
    ("some/**/needle.txt", "some/needle.txt", True),
    ("some/**/needle.txt", "some/one/two/needle.txt", True),
    ("some/**/needle.txt", "some/other/notthis.txt", False),
    ("**", "/x/.asdf", True),
    ("/**/test", "/test", True),
    ("/**/test", "/notthis", False),
    ("**/.*", "abc/ab.c", False),
    ("*hello.txt", "some/path/to/hello.txt", True),  # * crosses / with default options
    ("/usr/bin/*", "/usr/bin/x/y", True),
    ("/opt/kata/bin/*", "/opt/kata/bin/../../../etc/shadow", True),  # no path resolution
    ("a*b*c", "abcd", False),
    ("a[0-9]b", "a5b", True),
    ("a[!0-9]b", "a5b", False),
    ("[abc-]", "-", True),
    ("[]]", "]", True),
    ("[!]]", "a", True),
    ("[2-1]", "1", False),
    ("a*a*a*a*a*a*a*a*a", "a" * 31, True),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), RS_CASES,
                         ids=[f"{p}~{t}" for p, t, _ in RS_CASES])
def test_rust_pattern_match(pattern: str, path: str, expected: bool) -> None:
    assert rs_match(pattern, path) is expected


@pytest.mark.parametrize("pattern", ["a/**b", "a/bc**", "a/*****", "abc[def", "abc[]", "abc[!]"])
def test_rust_malformed_patterns(pattern: str) -> None:
    with pytest.raises(BadPattern):
        rs_match(pattern, "anything")


GO_CASES = [
    ("q*", "qemu-system-x86_64", True),
    ("*", "a/b", False),  # * never crosses /
    ("?", "/", False),
    ("[a-c]x", "bx", True),
    ("[^a-c]x", "dx", True),
    (r"\*", "*", True),
    ("[\\]]", "]", True),
]


@pytest.mark.parametrize(("pattern", "name", "expected"), GO_CASES,
                         ids=[f"{p}~{n}" for p, n, _ in GO_CASES])
def test_go_filepath_match(pattern: str, name: str, expected: bool) -> None:
    assert go_match(pattern, name) is expected


@pytest.mark.parametrize("pattern", ["[]a]", "[-a]", "[a", "a\\", "x[z"])
def test_go_malformed_patterns(pattern: str) -> None:
    with pytest.raises(BadPattern):
        go_match(pattern, "")


@pytest.fixture
def host(tmp_path: Path) -> Path:
    """A host root with two QEMU binaries, a symlink escaping to the real /usr/bin, and one
    pointing back inside the root."""
    root = tmp_path / "root"
    bin_dir = root / "opt" / "kata" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("qemu-system-x86_64", "qemu-system-aarch64"):
        (bin_dir / name).write_text("#!/bin/true\n")
    (root / "usr").mkdir()
    os.symlink("/usr/bin", root / "opt" / "escape")  # absolute: re-rooted, not the real /usr
    os.symlink("../../../../../../../../etc", root / "opt" / "dotdot")
    os.symlink("/opt/kata/bin", root / "opt" / "inside")
    return root


def test_go_glob_lists_existing_files_only(host: Path) -> None:
    view = GlobView(HostFiles(host))
    assert go_glob("/opt/kata/bin/qemu-*", view) == [
        "/opt/kata/bin/qemu-system-aarch64", "/opt/kata/bin/qemu-system-x86_64"]
    assert go_glob("/opt/kata/bin/qemu-system-riscv64", view) == []  # no such file
    assert go_glob("/opt/*/bin/qemu-system-x86_64", view) == [
        "/opt/kata/bin/qemu-system-x86_64"]


def test_go_glob_never_leaves_the_root(host: Path) -> None:
    view = GlobView(HostFiles(host))
    assert Path("/usr/bin").is_dir()  # the real host has files there ...
    assert go_glob("/opt/escape/*", view) == []  # ... but the root's /usr/bin is empty
    assert go_glob("/opt/dotdot/*", view) == []  # .. stops at the root, whose /etc is absent
    assert go_glob("/opt/inside/qemu-system-x86_64", view) == [
        "/opt/inside/qemu-system-x86_64"]  # a symlink inside the root is followed


def test_go_glob_results_are_cleaned_but_plain_paths_are_not(host: Path) -> None:
    view = GlobView(HostFiles(host))
    # Go joins each match to its directory and cleans it, so a value with .. never equals it.
    assert go_glob("/opt/kata/../kata/bin/qemu-system-x8*", view) == [
        "/opt/kata/bin/qemu-system-x86_64"]
    # Without metacharacters Go returns the pattern itself when the path exists.
    assert go_glob("/opt/kata/../kata/bin/qemu-system-x86_64", view) == [
        "/opt/kata/../kata/bin/qemu-system-x86_64"]


def test_go_glob_relative_and_nul_patterns_match_nothing(host: Path) -> None:
    view = GlobView(HostFiles(host))
    assert go_glob("opt/kata/bin/*", view) == []
    assert go_glob("/opt/kata/bin/\0x", view) == []
    with pytest.raises(BadPattern):
        go_glob("/opt/kata/bin/[", view)


def test_go_glob_bounds_its_work(tmp_path: Path) -> None:
    root = tmp_path / "r"
    (root / "d").mkdir(parents=True)
    for i in range(300):
        (root / "d" / f"f{i}").mkdir()
    view = GlobView(HostFiles(root))
    view.listed = 49_900  # as if a hostile list of entries had already listed that much
    with pytest.raises(BadPattern, match="kata-config bound"):
        go_glob("/d/*/x", view)
