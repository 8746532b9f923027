"""Positions are worked out only for a file that has findings, once, and die with its report.

Finding placement scans the file's text (``sourcemap.scan``); a file without findings must
never pay for it, a file with findings pays once however many findings it has, and nothing
of a file (its text, its positions) outlives the ``validate_file`` call that read it.
"""

from __future__ import annotations

import gc

import pytest

from kata_config import reader
from kata_config.pipeline import validate_file, validate_files
from kata_config.sourcemap import scan
from tests.corpus import rendered_configs, require_corpus


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    scanned: list[str] = []

    def counted(text: str) -> dict[str, tuple[int, int]]:
        scanned.append(text)
        return scan(text)

    monkeypatch.setattr(reader, "scan", counted)
    return scanned


def test_positions_only_for_files_with_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    require_corpus()
    scanned = _counting(monkeypatch)
    clean = with_findings = 0
    for path in rendered_configs():
        before = len(scanned)
        report = validate_file(path, "auto", "auto")
        placed = [f for f in report.findings if f.location.key]
        if not report.findings:
            clean += 1
            assert len(scanned) == before, path  # no findings: the text was never scanned
        elif placed:
            with_findings += 1
            assert len(scanned) == before + 1, path  # once, however many findings
    assert clean
    assert with_findings


def _alive() -> int:
    gc.collect()
    return sum(isinstance(o, reader.Loaded) for o in gc.get_objects())


def test_nothing_of_a_file_outlives_its_report() -> None:
    """No Loaded (text, data, positions) is left once a multi-file run has returned."""
    require_corpus()
    before = _alive()
    report = validate_files(rendered_configs(), "auto", "auto")
    assert report.findings
    assert _alive() == before
