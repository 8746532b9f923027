"""``kata-config diff``: exact edits with lines and origin files; zero changes on the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config.diff import MASK, diff_config, same
from kata_config.stock import find
from tests.corpus import corpus_id, rendered_configs, require_corpus

runner = CliRunner()


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    """Stock qemu-tdx with one change, one removal in the main file and a drop-in."""
    text = find("qemu-tdx", "go").path.read_text(encoding="utf-8")
    lines = text.splitlines()
    mem = next(i for i, line in enumerate(lines) if line.startswith("default_memory ="))
    lines[mem] = "default_memory = 4096"
    lines = [line for line in lines if not line.startswith("msize_9p =")]
    (tmp_path / "configuration.toml").write_text("\n".join(lines) + "\n")
    (tmp_path / "config.d").mkdir()
    (tmp_path / "config.d" / "10-site.toml").write_text(
        '[hypervisor.qemu]\ndefault_vcpus = 4\nsite_note = "x"\n\n'
        '[runtime]\njaeger_password = "s3cret"\n'
    )
    return tmp_path


def test_known_edits_are_reported_exactly(edited: Path) -> None:
    result = diff_config(edited)
    assert result.baseline == "stock qemu-tdx (go, x86_64)"
    got = {
        (c.key, c.kind, c.baseline, c.value, Path(c.path or "").name, c.line)
        for c in result.changes
    }
    main = (edited / "configuration.toml").read_text().splitlines()
    mem_line = main.index("default_memory = 4096") + 1
    assert got == {
        ("hypervisor.qemu.default_memory", "changed", 2048, 4096, "configuration.toml", mem_line),
        # msize_9p is left out, but the Go runtime's built-in 8192 equals stock: no change
        ("hypervisor.qemu.default_vcpus", "changed", 1, 4, "10-site.toml", 2),
        ("hypervisor.qemu.site_note", "added", None, "x", "10-site.toml", 3),
        ("runtime.jaeger_password", "changed", "", MASK, "10-site.toml", 6),
    }
    described = {c.key: c.description for c in result.changes}
    assert described["hypervisor.qemu.default_memory"]
    assert described["hypervisor.qemu.site_note"] == ""


def test_cli_json_shape_and_exit_code(edited: Path) -> None:
    out = runner.invoke(app, ["diff", str(edited), "--format", "json"])
    assert out.exit_code == 1, out.output
    doc = json.loads(out.stdout)
    assert doc["version"] == 1
    assert doc["baseline"] == "stock qemu-tdx (go, x86_64)"
    mem = next(c for c in doc["changes"] if c["key"] == "hypervisor.qemu.default_memory")
    assert {k: mem[k] for k in ("kind", "baseline", "value")} == {
        "kind": "changed",
        "baseline": 2048,
        "value": 4096,
    }
    assert "s3cret" not in out.stdout


def test_cli_text_groups_by_section(edited: Path) -> None:
    out = runner.invoke(app, ["diff", str(edited)])
    assert out.exit_code == 1
    assert "[hypervisor.qemu]\n" in out.stdout
    assert "[runtime]\n" in out.stdout
    assert "default_memory: 2048 -> 4096" in out.stdout
    assert "\x1b[" not in out.stdout  # no colour when not a terminal
    assert "s3cret" not in out.stdout


def test_identical_stock_file_exits_zero(tmp_path: Path) -> None:
    out = runner.invoke(app, ["diff", str(find("clh", "rs").path)])
    assert out.exit_code == 0, out.output
    assert "no differences" in out.stdout


def test_against_code_defaults_skips_keys_without_builtin(edited: Path) -> None:
    result = diff_config(edited, against="code-defaults")
    keys = {c.key for c in result.changes}
    assert "hypervisor.qemu.site_note" not in keys  # not catalogued: no built-in
    assert "runtime.disable_guest_seccomp" in keys  # templates ship true, built-in false
    assert all(c.kind == "changed" for c in result.changes)


def test_against_path_and_errors(edited: Path, tmp_path: Path) -> None:
    other = find("qemu-tdx", "go").path
    result = diff_config(edited, against=str(other))
    assert result.baseline_path == str(other)
    assert len(result.changes) == 4  # msize_9p left out: its built-in equals the baseline
    bad = tmp_path / "bad.toml"
    bad.write_text("[hypervisor.qemu\n")
    out = runner.invoke(app, ["diff", str(bad)])
    assert out.exit_code == 2
    assert "Traceback" not in out.output
    out = runner.invoke(app, ["diff", str(edited), "--against", "no-such-template"])
    assert out.exit_code == 2


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (1, 1.0, True),
        (True, 1, False),
        ([1, 2], [1.0, 2], True),
        ("a", "a", True),
        ("", None, False),
    ],
    ids=["int-float", "bool-int", "list", "str", "str-none"],
)
def test_same_compares_as_toml_data(a: object, b: object, equal: bool) -> None:
    assert same(a, b) is equal


@pytest.mark.corpus
@pytest.mark.parametrize("upstream", rendered_configs(), ids=corpus_id)
def test_upstream_render_has_zero_changes(upstream: Path) -> None:
    require_corpus()
    result = diff_config(upstream)
    assert result.changes == ()
    assert result.arch == upstream.parts[-3]


def test_retired_tables_are_reported_as_retired_not_added(tmp_path: Path) -> None:
    """[netmon] and [image] (Go tables later releases ignore) have no effect: not counted."""
    text = find("qemu", "go").path.read_text(encoding="utf-8")
    path = tmp_path / "configuration.toml"
    path.write_text(text + '\n[netmon]\npath = "/usr/libexec/kata-netmon"\nenable_debug = true\n'
                    "\n[image]\nservice_offload = true\n")
    result = diff_config(path, arch="x86_64")
    assert result.changes == ()
    assert {c.key: c.description for c in result.retired} == {
        "netmon.path": "[netmon] was read by the Go runtime until 2.3 and removed in 2.4",
        "netmon.enable_debug": "[netmon] was read by the Go runtime until 2.3 and removed in 2.4",
        "image.service_offload": "[image] was read by the Go runtime until 3.3 and removed in "
                                 "3.4"}
    out = runner.invoke(app, ["diff", str(path), "--arch", "x86_64"])
    assert out.exit_code == 0, out.output
    assert ("retired table, no effect (not counted): image.service_offload  # [image] was read "
            "by the Go runtime until 3.3 and removed in 3.4") in out.stdout
    assert "no differences" in out.stdout
    older = diff_config(path, arch="x86_64", release="3.3")  # 3.3 still reads [image]
    assert [c.key for c in older.changes if c.key.startswith("image.")] == [
        "image.service_offload"]
