"""Text output reads a file's lines again only for a file that has findings, once.

The report holds no file text; ``kata_cli.sources.Sources`` re-reads a file to show the
offending line under a finding. A clean file must never be read again, and a file with
several findings only once (one file's lines are kept at a time).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from kata_cli import sources, validate
from kata_cli.spec import FindingsFormat, RuntimeOption
from kata_config import read_input
from kata_config.pipeline import validate_file
from tests.corpus import rendered_configs, require_corpus


def test_only_files_with_findings_are_read_for_their_lines(
        monkeypatch: pytest.MonkeyPatch) -> None:
    require_corpus()
    paths = rendered_configs()
    placed = {str(p) for p in paths
              if any(f.location.line for f in validate_file(p, "auto", "auto").findings)}
    assert placed
    assert len(placed) < len(paths)
    reads: list[str] = []

    def spy(path: str | os.PathLike[str], what: str = "file",
            *, root: str | os.PathLike[str] = "/") -> bytes:
        reads.append(os.fspath(path))
        return read_input(path, what, root=root)

    monkeypatch.setattr(sources, "read_input", spy)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    with pytest.raises(SystemExit):
        validate.run(paths=[Path(p) for p in paths], runtime=RuntimeOption.auto, arch="auto",
                     fmt=FindingsFormat.text, strict=False, kata_version=None, select=None,
                     ignore=None, quiet=True, runtime_class=None, root="/")
    assert sorted(reads) == sorted(placed)  # each file with a placed finding, once
