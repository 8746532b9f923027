"""diff's baseline: same runtime, hypervisor and arch, a variant only for its feature; absent
keys compared by the value the runtime uses; the exit code counts effective changes only."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Final

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config import baseline
from kata_config.diff import diff_config
from kata_config.keys.history import NEWEST
from kata_config.keys.spec import Runtime
from kata_config.release_guess import releases_of
from kata_config.stock import StockFile, all_files, parse_name
from kata_config.stock.releases import RELEASES_DIR
from tests.corpus import arch_of, corpus_id, rendered_configs, runtime_of

_CORPUS = [p for p in rendered_configs()
           if "stratovirt" not in p.name or runtime_of(p) == "go"]


@pytest.mark.parametrize("path", _CORPUS, ids=corpus_id)
def test_each_corpus_file_is_its_own_stock_file_with_no_difference(path: Path) -> None:
    result = diff_config(path, runtime=runtime_of(path))  # type: ignore[arg-type]
    name, _ = parse_name(path.name)
    assert result.baseline.startswith(f"stock {name} ("), result.why
    assert result.arch == arch_of(path)
    assert result.changes == ()


def test_a_key_left_out_whose_built_in_equals_stock_is_no_change(tmp_path: Path) -> None:
    src = next(p for p in _CORPUS if p.name == "configuration-qemu.toml" and
               arch_of(p) == "x86_64" and runtime_of(p) == "go")
    text = "\n".join(line for line in src.read_text().splitlines()
                     if not line.startswith(("default_memory", "msize_9p")))
    mine = tmp_path / "configuration.toml"
    mine.write_text(text + "\n")
    result = diff_config(mine, runtime="go")
    assert [c.key for c in result.changes] == []


def test_a_key_left_out_whose_built_in_differs_shows_the_runtime_value(tmp_path: Path) -> None:
    src = next(p for p in _CORPUS if p.name == "configuration-qemu.toml" and
               arch_of(p) == "x86_64" and runtime_of(p) == "go")
    text = "\n".join(line for line in src.read_text().splitlines()
                     if not line.startswith("create_container_timeout"))
    mine = tmp_path / "configuration.toml"
    mine.write_text(text + "\n")
    result = diff_config(mine, runtime="go")
    removed = [c for c in result.changes if c.key.endswith("create_container_timeout")]
    assert len(removed) == 1
    assert removed[0].kind == "removed"
    assert removed[0].value == 0
    code = CliRunner().invoke(app, ["diff", "--runtime", "go", str(mine)]).exit_code
    assert code == 1


@pytest.mark.parametrize("variant", ["qemu-snp", "qemu-tdx", "qemu-coco-dev", "qemu-nvidia-gpu"])
def test_a_variant_is_chosen_only_for_a_file_using_its_feature(variant: str,
                                                               tmp_path: Path) -> None:
    plain = next(p for p in _CORPUS if p.name == "configuration-qemu.toml" and
                 arch_of(p) == "x86_64" and runtime_of(p) == "go")
    mine = tmp_path / "configuration.toml"
    # the plain file with a few of the variant's keys but not its feature
    mine.write_text(plain.read_text().replace('default_memory = 2048', 'default_memory = 4096'))
    result = diff_config(mine, runtime="go")
    assert result.baseline.startswith("stock qemu ("), result.why
    assert not result.baseline.startswith(f"stock {variant} (")


def test_arch_comes_from_the_binary_name(tmp_path: Path) -> None:
    mine = tmp_path / "configuration.toml"
    mine.write_text('[hypervisor.qemu]\npath = "/usr/bin/qemu-system-aarch64"\n'
                    'machine_type = "virt"\n')
    result = diff_config(mine, runtime="go")
    assert result.arch == "aarch64"
    assert any("qemu-system-aarch64" in why for why in result.why)


def test_runtime_rs_file_without_hypervisor_name_and_acrn_do_not_fail(tmp_path: Path) -> None:
    db = tmp_path / "db.toml"
    db.write_text('[hypervisor.dragonball]\nkernel = "/k"\nimage = "/i"\n')
    result = diff_config(db)
    assert result.runtime == "rs"
    acrn = tmp_path / "acrn.toml"
    acrn.write_text('[hypervisor.acrn]\npath = "/usr/bin/acrn-dm"\n')
    result = diff_config(acrn)
    # acrn went after 3.9: the baseline is the stock acrn file of a release that had it
    assert result.baseline.startswith("stock acrn 2.0 ("), result.why
    assert any("1.9-3.9" in why for why in result.why)
    result = diff_config(acrn, release="3.30")
    assert result.baseline.startswith("stock acrn 2.0 ("), result.why


def _rt(path: Path) -> Runtime:
    return "rs" if path.parts[-2] == "rs" else "go"


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# ---- older releases: their own stock files are the baselines ----

_RELEASE_FILES = sorted(RELEASES_DIR.glob("*/*/*.toml"))


def _rel_id(path: Path) -> str:
    return "/".join(path.parts[-3:])


@pytest.mark.parametrize("path", _RELEASE_FILES, ids=_rel_id)
def test_each_release_file_with_its_kata_version_is_its_own_stock_file(path: Path) -> None:
    release, rt = path.parts[-3], path.parts[-2]
    result = diff_config(path, runtime=rt, arch="x86_64", release=release)  # type: ignore[arg-type]
    name, _ = parse_name(path.name)
    assert result.baseline == f"stock {name} {release} ({rt}, x86_64)", result.why
    assert result.changes == ()
    assert any(f"--kata-version {release}" in why for why in result.why)


@pytest.mark.parametrize("path", [p for p in _RELEASE_FILES
                                  if NEWEST not in releases_of(_toml(p), _rt(p))],
                         ids=_rel_id)
def test_a_file_whose_keys_say_an_older_release_gets_that_stock_without_asking(
        path: Path) -> None:
    result = diff_config(path, runtime=path.parts[-2], arch="x86_64")  # type: ignore[arg-type]
    assert result.baseline.startswith(f"stock {parse_name(path.name)[0]} "), result.why
    assert result.changes == (), result.why


def test_old_release_absent_key_uses_that_release_s_built_in(tmp_path: Path) -> None:
    src = RELEASES_DIR / "2.0" / "go" / "configuration-qemu.toml"
    mine = tmp_path / "configuration.toml"
    # 2.0's built-in machine_type was pc, as its stock file says: leaving it out is no change
    mine.write_text("\n".join(line for line in src.read_text().splitlines()
                              if not line.startswith("machine_type")) + "\n")
    assert diff_config(mine, runtime="go", arch="x86_64", release="2.0").changes == ()
    # 2.0's built-in shared_fs was virtio-9p, its stock file sets virtio-fs: a change
    mine.write_text("\n".join(line for line in src.read_text().splitlines()
                              if not line.startswith("shared_fs")) + "\n")
    changes = diff_config(mine, runtime="go", arch="x86_64", release="2.0").changes
    assert [(c.key, c.kind, c.value) for c in changes] == [
        ("hypervisor.qemu.shared_fs", "removed", "virtio-9p")]


def test_an_old_tee_variant_is_chosen_only_for_a_file_using_it(tmp_path: Path) -> None:
    tdx = RELEASES_DIR / "3.2" / "go" / "configuration-qemu-tdx.toml"
    assert diff_config(tdx, runtime="go", arch="x86_64", release="3.2").baseline \
        .startswith("stock qemu-tdx 3.2 (")
    mine = tmp_path / "configuration.toml"
    mine.write_text(tdx.read_text().replace("confidential_guest = true",
                                            "confidential_guest = false"))
    result = diff_config(mine, runtime="go", arch="x86_64", release="3.2")
    assert result.baseline.startswith("stock qemu 3.2 ("), result.why


def test_a_release_without_a_stock_file_uses_the_nearest_one(tmp_path: Path) -> None:
    src = RELEASES_DIR / "3.30" / "go" / "configuration-qemu.toml"
    result = diff_config(src, runtime="go", arch="x86_64", release="3.31")
    assert result.baseline.startswith("stock qemu 3.30 ("), result.why
    assert any("nearest release" in why for why in result.why)
    assert diff_config(src, runtime="go", arch="x86_64", release="4.0").baseline \
        .startswith("stock qemu (go, x86_64)")


_FEATURE_OFF: Final = (
    # (pattern, replacement): what switches each variant's feature off in its stock file
    (re.compile(r"^(confidential_guest|sev_snp_guest) = true$", re.M), r"\1 = false"),
    (re.compile(r"^tdx_quote_generation_service_socket_port = .*$", re.M), ""),
    (re.compile(r'^cold_plug_vfio = ".*"$', re.M), 'cold_plug_vfio = "no-port"'),
    (re.compile(r'^name = "(coco|gpu)"$', re.M), 'name = "plain"'),
    (re.compile(r"nvidia|confidential|mariner|cloud-hypervisor/vmlinux|-se\b"), "plain"),
)
_VARIANTS: Final = [s for s in all_files() if s.arch == "x86_64"
                    and baseline.features_of(s.template)]


@pytest.mark.parametrize("stock", _VARIANTS, ids=lambda s: f"{s.template.runtime}-"
                         f"{s.template.name}")
def test_each_variant_is_chosen_for_its_own_file_and_not_without_its_feature(
        stock: StockFile, tmp_path: Path) -> None:
    rt = stock.template.runtime
    chosen = diff_config(stock.path, runtime=rt, arch="x86_64")
    assert chosen.baseline.startswith(f"stock {stock.template.name} ("), chosen.why
    text = stock.path.read_text(encoding="utf-8")
    for pattern, replacement in _FEATURE_OFF:
        text = pattern.sub(replacement, text)
    mine = tmp_path / "configuration.toml"
    mine.write_text(text)
    result = diff_config(mine, runtime=rt, arch="x86_64")
    assert not result.baseline.startswith(f"stock {stock.template.name} ("), result.why


def test_cli_kata_version_names_the_release_baseline_and_exits_0() -> None:
    path = RELEASES_DIR / "2.0" / "go" / "configuration-qemu.toml"
    result = CliRunner().invoke(app, ["diff", "--kata-version", "2.0.0", "--arch", "x86_64",
                                      str(path)])
    assert result.exit_code == 0, result.output
    assert "stock qemu 2.0 (go, x86_64)" in result.output
    assert "baseline: release 2.0: --kata-version 2.0" in result.output
    newest = CliRunner().invoke(app, ["diff", "--kata-version", "4.1", "--arch", "x86_64",
                                      str(path)])
    assert newest.exit_code == 1  # against 4.1's stock file a 2.0 file differs
