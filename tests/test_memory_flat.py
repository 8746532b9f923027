"""One ``validate`` call over many files keeps no file's text or lines once it is done with it.

Measured with tracemalloc (allocations, not time): validating 100 copies of a config that has
findings, text output with the offending source lines, must not take more memory at its peak
than 10 copies by anything near the files' own size. Keeping each file's text (or its lines,
for the source excerpts) would add at least 90 x 14 KB; what may grow is the findings
themselves, which the report holds to the end (a few hundred bytes each).
"""

from __future__ import annotations

import shutil
import sys
import tracemalloc
from pathlib import Path

import pytest

from kata_cli import validate
from kata_cli.spec import FindingsFormat, RuntimeOption
from tests.corpus import RENDERED, require_corpus

SOURCE = RENDERED / "x86_64" / "runtime-rs" / "configuration-remote.toml"


def _peak(paths: list[Path], out: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Peak traced bytes of one validate run over ``paths`` (text output to a file)."""
    with out.open("w", encoding="utf-8") as handle, monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", handle)
        tracemalloc.start()
        try:
            with pytest.raises(SystemExit):
                validate.run(paths=paths, runtime=RuntimeOption.auto, arch="x86_64",
                             fmt=FindingsFormat.text, strict=False, kata_version=None,
                             select=None, ignore=None, quiet=True, runtime_class=None,
                             root="/")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak


def test_peak_memory_does_not_grow_with_each_files_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_corpus()
    copies = []
    for index in range(100):
        folder = tmp_path / f"{index:03}"
        folder.mkdir()
        copies.append(Path(shutil.copy(SOURCE, folder / SOURCE.name)))
    out = tmp_path / "report.txt"
    _peak(copies[:10], out, monkeypatch)  # first use: imports, schema tables, caches
    small = _peak(copies[:10], out, monkeypatch)
    assert out.read_text(encoding="utf-8").count("remote_hypervisor_socket = ") == 10
    big = _peak(copies, out, monkeypatch)
    assert out.read_text(encoding="utf-8").count("remote_hypervisor_socket = ") == 100
    per_file = (big - small) / 90
    assert per_file < SOURCE.stat().st_size / 4, (small, big, per_file)
