"""Annotation values parsed as Go's strconv and Rust's str::parse parse them."""

from __future__ import annotations

import math

import pytest

from kata_runtime.annotations import parse_values as pv
from kata_runtime.annotations.pod import PodAnnotationError, read_annotation_args


@pytest.mark.parametrize(("text", "go", "rs"), [
    ("true", True, True), ("false", False, False), ("1", True, None), ("t", True, None),
    ("TRUE", True, None), ("True", True, None), ("0", False, None), ("F", False, None),
    ("yes", None, None), (" true", None, True), ("tRuE", None, None), ("", None, None),
])
def test_bool_spellings(text: str, go: bool | None, rs: bool | None) -> None:
    for parse, expected in ((pv.go_bool, go), (pv.rs_bool, rs)):
        if expected is None:
            with pytest.raises(ValueError, match=r"\w"):
                parse(text)
        else:
            assert parse(text) is expected


@pytest.mark.parametrize(("text", "go", "rs32"), [
    ("4096", 4096, 4096), ("+5", None, 5), ("-0", None, None), ("1_000", None, None),
    (" 7 ", None, 7), ("4294967296", 4294967296, None), ("18446744073709551616", None, None),
    ("0x10", None, None), ("", None, None), ("٣", None, None),  # a non-ASCII digit
])
def test_unsigned_integers(text: str, go: int | None, rs32: int | None) -> None:
    for parse, expected in ((pv.go_uint, go), (lambda t: pv.rs_uint(t, 32), rs32)):
        if expected is None:
            with pytest.raises(ValueError, match=r"\w"):
                parse(text)
        else:
            assert parse(text) == expected


@pytest.mark.parametrize(("text", "go", "rs"), [
    ("1.5", 1.5, 1.5), ("2", 2.0, 2.0), ("1_0.5", 10.5, None), ("0x1p4", 16.0, None),
    ("-1", None, -1.0), ("1e39", None, math.inf), (".5", 0.5, 0.5), ("abc", None, None),
    ("inf", None, math.inf),
])
def test_float32(text: str, go: float | None, rs: float | None) -> None:
    for parse, expected in ((pv.go_float32, go), (pv.rs_float32, rs)):
        if expected is None:
            with pytest.raises(ValueError, match=r"\w"):
                parse(text)
        else:
            assert parse(text) == expected


def test_go_float32_takes_nan_as_the_runtime_does() -> None:
    assert math.isnan(pv.go_float32("NaN"))  # neither negative nor too big: Go accepts it


@pytest.mark.parametrize(("text", "old", "new"), [
    ("2048", 0, 2048),  # 3.30/3.31 read a bare number as bytes; 3.32 as MiB
    ("2 GiB", 2048, 2048), ("2GiB", 2048, 2048), ("4 gi", 4096, 4096), ("512MB", 488, 488),
    ("1.5 GiB", 1536, 1536), ("2048r", None, None), ("", None, None), ("2 Gbit", 238, 238),
    ("1 kib", 0, 0), ("4096 MiBs", None, None), ("2\tGiB", None, None), ("4 g", 3814, 3814),
    (" 2048 ", 0, 2048), ("2048.0", 0, 0), ("99999999999 TiB", 2**32 - 1, 2**32 - 1),
])
def test_runtime_rs_memory_units(text: str, old: int | None, new: int | None) -> None:
    assert pv.rs_memory_mib(text, bare_is_mib=False) == old
    assert pv.rs_memory_mib(text, bare_is_mib=True) == new


def test_annotation_arguments_and_files(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    (tmp_path / "pod.json").write_text('{"a.b": "1", "n": 5}')
    (tmp_path / "pod.txt").write_text("# from kubectl\nx.y=a=b\n\nz=\n")
    got = read_annotation_args(["k=v", f"@{tmp_path / 'pod.json'}", f"@{tmp_path / 'pod.txt'}"])
    assert got == {"k": "v", "a.b": "1", "n": 5, "x.y": "a=b", "z": ""}
    with pytest.raises(PodAnnotationError, match="expected KEY=VALUE"):
        read_annotation_args(["io.katacontainers.config.hypervisor.default_memory"])
    with pytest.raises(PodAnnotationError, match="does not exist"):
        read_annotation_args([f"@{tmp_path / 'missing'}"])
    (tmp_path / "latin1.txt").write_bytes(b"k=\xe9\n")
    with pytest.raises(PodAnnotationError, match="not UTF-8"):
        read_annotation_args([f"@{tmp_path / 'latin1.txt'}"])
    (tmp_path / "list.json").write_text("[1]")
    with pytest.raises(PodAnnotationError):
        read_annotation_args([f"@{tmp_path / 'list.json'}"])
