"""Stock files: up to date with the generator, valid, and equal to upstream's renders."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kata_config.stock import UnknownDefaultError, all_files, defaults_root, find, parse_name
from kata_config.stock.generate import generate, stale_files
from kata_config.walk import flatten, takes_effect
from tests.corpus import corpus_id, rendered_configs, require_corpus

# Errors the lead's rules report on files exactly as upstream renders them; they are facts of
# upstream's output (see the report), not generator bugs. Anything else must be clean.
# The one shipped file that cannot validate clean: upstream renders its IBM Secure Execution
# template for x86_64 too, and `diff` needs that render's match. On x86_64 it can never boot.
KNOWN_FINDINGS = {
    ("go", "qemu-se", "x86_64"): {"secure-execution-mismatch"},
    ("rs", "qemu-se", "x86_64"): {"secure-execution-mismatch"},
}


def test_shipped_files_match_the_generator() -> None:
    assert stale_files(defaults_root()) == []


def test_generator_covers_every_template_arch_pair() -> None:
    files = generate(lambda _key: "")
    assert len(files) == len(all_files()) == 68
    assert "go/s390x/configuration-qemu-se.toml" in files
    assert "go/s390x/configuration-qemu-snp.toml" not in files  # SEV-SNP exists on x86 only
    assert "go/aarch64/configuration-qemu-se.toml" not in files
    assert "rs/s390x/configuration-clh.toml" not in files  # runtime-rs builds clh on x86 only


def test_generated_comments_are_the_catalogue_descriptions() -> None:
    text = find("qemu", "go").path.read_text(encoding="utf-8")
    assert "# Memory the VM boots with. Unit: MiB.\ndefault_memory = 2048\n" in text


@pytest.mark.parametrize(
    "stock", all_files(), ids=lambda s: str(s.path.relative_to(defaults_root()))
)
def test_stock_file_validates(stock) -> None:  # type: ignore[no-untyped-def]
    from kata_config.findings import Severity
    from kata_config.pipeline import validate_file

    report = validate_file(stock.path, runtime=stock.template.runtime, arch=stock.arch)
    found = {f.rule_id for f in report.findings}
    key = (stock.template.runtime, stock.template.name, stock.arch)
    assert found == KNOWN_FINDINGS.get(key, set()), [f.message for f in report.findings]
    assert all(f.severity < Severity.ERROR for f in report.findings)


@pytest.mark.parametrize(
    ("name", "runtime", "arch", "expected"),
    [
        ("qemu", None, "x86_64", "go/x86_64/configuration-qemu.toml"),
        (
            "configuration-qemu-tdx-runtime-rs.toml",
            None,
            "x86_64",
            "rs/x86_64/configuration-qemu-tdx.toml",
        ),
        ("rs-fc", None, "aarch64", "rs/aarch64/configuration-fc.toml"),
        ("clh", "rs", "x86_64", "rs/x86_64/configuration-clh.toml"),
    ],
    ids=["plain", "upstream-rs-name", "rs-fc", "explicit-runtime"],
)
def test_find_resolves_names(name: str, runtime: str | None, arch: str, expected: str) -> None:
    found = find(name, runtime, arch)  # type: ignore[arg-type]
    assert found.path == defaults_root() / expected
    assert found.path.is_file()


@pytest.mark.parametrize(
    ("name", "runtime", "arch", "needle"),
    [("clh", "rs", "s390x", "built for: x86_64"), ("nope", None, "x86_64", "known: clh")],
    ids=["arch-not-built", "unknown-name"],
)
def test_find_explains_misses(name: str, runtime: str | None, arch: str, needle: str) -> None:
    with pytest.raises(UnknownDefaultError, match=needle):
        find(name, runtime, arch)  # type: ignore[arg-type]


def test_parse_name_implies_runtime() -> None:
    assert parse_name("configuration-dragonball.toml") == ("dragonball", "rs")
    assert parse_name("qemu-se") == ("qemu-se", None)


@pytest.mark.corpus
@pytest.mark.parametrize("upstream", rendered_configs(), ids=corpus_id)
def test_stock_values_equal_upstream_render(upstream: Path) -> None:
    require_corpus()
    runtime = "go" if upstream.parent.name == "runtime-go" else "rs"
    ours = find(upstream.name, runtime, upstream.parts[-3])  # type: ignore[arg-type]
    theirs = flatten(tomllib.loads(upstream.read_text(encoding="utf-8")))
    mine = flatten(tomllib.loads(ours.path.read_text(encoding="utf-8")))
    # ours leaves out the keys upstream ships that its runtime (or hypervisor) never reads
    effective = {k: repr(v) for k, v in theirs.items() if takes_effect(k, runtime)}  # type: ignore[arg-type]
    assert {k: repr(v) for k, v in mine.items()} == effective
    dropped = sorted(set(theirs) - set(mine))
    assert all(not takes_effect(k, runtime) for k in dropped)  # type: ignore[arg-type]
