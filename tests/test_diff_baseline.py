"""diff's baseline: same runtime, hypervisor and arch, a variant only for its feature; absent
keys compared by the value the runtime uses; the exit code counts effective changes only."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config.diff import diff_config
from kata_config.stock import parse_name
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
    assert result.baseline.startswith("code-defaults")
    assert any("3.9" in why for why in result.why)
