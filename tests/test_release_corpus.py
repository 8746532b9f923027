"""Stock files of older releases: findings describe that release, or name what retired when."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kata_config.keys.history import NEWEST
from kata_config.pipeline import validate_file
from tests.release_corpus import DOC, check, corpus, own_release, public, render

# Findings that mean "kata-config does not know this key or table": on a stock file of a
# release we read, any of them would be version blindness.
_BLIND = {"unknown-key", "unknown-key-rejected", "unknown-table"}
_ABOUT_RELEASES = {"retired-key", "retired-key-rejected", "retired-table", "retired-value",
                   "key-too-new", "key-too-new-rejected", "value-too-new", "config-release"}


def _id(path: Path) -> str:
    return "/".join(path.parts[-3:])


def test_the_corpus_spans_six_releases_and_both_runtimes() -> None:
    releases = {p.parts[-3] for p in corpus()}
    assert len(releases) >= 6
    assert {p.parts[-2] for p in corpus()} == {"go", "rs"}


@pytest.mark.parametrize("path", corpus(), ids=_id)
def test_as_its_own_release_nothing_is_unknown_or_out_of_its_time(path: Path) -> None:
    found = {f.rule_id for f in check(path).findings}
    assert found & _BLIND == set()
    # a stock file can carry keys its own runtime stopped reading (upstream's templates lag),
    # but never keys from a later release
    assert found & {"key-too-new", "key-too-new-rejected", "value-too-new"} == set()


@pytest.mark.parametrize("path", [*corpus(), *public()], ids=_id)
def test_as_the_newest_release_old_keys_are_named_with_their_release(path: Path) -> None:
    report = check(path, NEWEST)
    assert {f.rule_id for f in report.findings} & _BLIND == set()
    for finding in report.findings:
        if finding.rule_id in _ABOUT_RELEASES:
            assert re.search(r"\b\d+\.\d+\b", finding.message), finding.message


def test_at_least_eight_published_configs_with_their_origin() -> None:
    sources = (Path(__file__).parent / "fixtures" / "SOURCES.md").read_text(encoding="utf-8")
    assert len(public()) >= 8
    for path in public():
        assert f"`public/{path.parts[-2]}/{path.name}`" in sources, path.name


@pytest.mark.parametrize("path", public(), ids=_id)
def test_published_configs_as_their_release_know_every_key(path: Path) -> None:
    found = {f.rule_id for f in check(path).findings}
    assert found & _BLIND == set()
    if own_release(path) != NEWEST:  # a release reads all its keys: none is out of time
        assert found & (_ABOUT_RELEASES - {"config-release"}) == set()


def test_a_1x_file_without_shared_fs_gets_that_release_s_9p_default() -> None:
    path = next(p for p in public() if p.name == "kata-deploy-2018-qemu.toml")
    assert "virtio-fs-daemon-missing" not in {f.rule_id for f in check(path, "1.13").findings}
    now = [f.message for f in check(path, NEWEST).findings
           if f.rule_id == "virtio-fs-daemon-missing"]
    assert len(now) == 1
    assert "virtio-9p before" in now[0]


def test_acrn_is_named_as_removed_in_3_10() -> None:
    path = next(p for p in corpus() if p.name == "configuration-acrn.toml")
    messages = [f.message for f in check(path, NEWEST).findings
                if f.rule_id == "hypervisor-name-invalid"]
    assert len(messages) == 1
    assert "removed in 3.10" in messages[0]


def test_the_doc_table_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "run: python -m tests.release_corpus"


def test_a_file_mixing_releases_is_told_which_keys_disagree() -> None:
    path = next(p for p in public() if p.name == "cloud-api-adaptor-2022-remote.toml")
    messages = [f.message for f in check(path, NEWEST).findings
                if f.rule_id == "config-release"]
    assert len(messages) == 1
    assert "[netmon] was last read in 2.3" in messages[0]
    assert "first in 3.3" in messages[0]


def test_checks_a_release_did_not_make_are_not_reported_for_it(tmp_path: Path) -> None:
    fc = next(p for p in corpus() if p.parts[-3] == "1.12" and p.name == "configuration-fc.toml")
    # 1.12 had no valid_entropy_sources (2.1 on): it took any entropy_source annotation
    assert not any("entropy_source" in f.message for f in check(fc).findings)
    assert any("entropy_source" in f.message for f in check(fc, NEWEST).findings)
    swap = tmp_path / "configuration.toml"
    swap.write_text('[hypervisor.qemu]\nkernel = "/k"\nimage = "/i"\nenable_guest_swap = true\n'
                    '[runtime]\nname = "virt_container"\nhypervisor_name = "qemu"\n'
                    'agent_name = "kata"\n[agent.kata]\n')
    found = {rel: {f.rule_id for f in validate_file(swap, runtime="rs", arch="x86_64",
                                                    release=rel).findings}
             for rel in ("3.14", "3.15")}
    assert "guest-swap-qemu" not in found["3.14"]  # runtime-rs qemu refused it from 3.15
    assert "guest-swap-qemu" in found["3.15"]
