"""``cpu.virtualization`` over every real cpuinfo in ../shared/corpus, judged by MANIFEST.tsv.

The expected verdict is derived from the manifest's own columns (the virt flags seen, the
s390x version/facilities notes, the ppc64le platform), so a new corpus file is a new case.
Only proc/cpuinfo is present in the root, so no KVM evidence can rescue a verdict here.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from pathlib import Path

import pytest

from kata_config.hostcheck import context
from kata_config.probes.base import Status
from kata_config.probes.host import HostRoot
from kata_config.probes.virt import probe_virtualization

CPUINFO = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "cpuinfo"
MANIFEST = CPUINFO / "MANIFEST.tsv"


def _rows() -> list[dict[str, str]]:
    if not MANIFEST.is_file():
        return []
    with open(MANIFEST, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def expected(row: dict[str, str]) -> Status:
    """The verdict a correct checker gives for this file alone."""
    arch, virt, cpu = row["arch"], row["virt_flags"], row["cpu vendor/model as seen in file"]
    if arch == "x86_64":
        seen = set(virt.split("(")[0].strip().split("+"))
        return Status.PASS if seen & {"vmx", "svm"} else Status.FAIL
    if arch == "aarch64":
        return Status.WARN  # EL2 is invisible in cpuinfo and the root has no /dev/kvm
    if arch == "ppc64le":
        gen = re.search(r"POWER(\d+)", cpu)
        if gen is None or int(gen.group(1)) < 8 or "platform=pSeries" in cpu:
            return Status.FAIL
        return Status.PASS if "platform=PowerNV" in cpu else Status.WARN
    if "sie present" in virt:
        return Status.PASS
    if "version=FF" in cpu or "no-facilities-line" not in cpu:
        return Status.FAIL
    return Status.WARN  # LPAR on an old kernel that does not list sie


ROWS = _rows()


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS or [None], ids=[r["file"] for r in ROWS] or ["absent"])
def test_cpu_virtualization_matches_manifest(row: dict[str, str] | None, tmp_path: Path) -> None:
    if row is None:
        if os.environ.get("KATA_CONFIG_REQUIRE_CORPUS"):
            pytest.fail(f"cpuinfo corpus missing at {CPUINFO}")
        pytest.skip(f"needs ../shared/corpus/cpuinfo beside the project ({CPUINFO})")
    (tmp_path / "proc").mkdir()
    shutil.copyfile(CPUINFO / row["file"], tmp_path / "proc" / "cpuinfo")
    ctx = context(HostRoot(tmp_path), row["arch"])
    [result] = list(probe_virtualization(ctx))
    assert result.id == "cpu.virtualization"
    assert result.status is expected(row), result.message
    assert result.message
    assert result.evidence
