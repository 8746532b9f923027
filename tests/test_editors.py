"""The schema in a real taplo (the engine of Even Better TOML): one error per typo, found
through a ``#:schema`` comment as docs/editors.md tells users to write it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kata_config.schema import schema_text
from tests.needs import need_program

REPO = Path(__file__).resolve().parents[1]
STOCK = REPO / "defaults" / "go" / "x86_64" / "configuration-qemu.toml"
TYPO = Path(__file__).parent / "fixtures" / "configs" / "invalid" / "unknown-key" / "typo.toml"


def taplo(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = (shutil.which("taplo", path=str(Path(sys.executable).parent))
           or need_program("taplo", "pip install taplo (a [dev] dependency)"))
    return subprocess.run([exe, "check", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False, env={"RUST_LOG": "error", "PATH": ""})


def errors(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in (done.stdout + done.stderr).splitlines()
            if line.startswith("error:")]


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    path = tmp_path / "kata-configuration.schema.json"
    path.write_text(schema_text(), encoding="utf-8")
    return path


def test_stock_file_is_clean_in_taplo(schema: Path, tmp_path: Path) -> None:
    done = taplo("--schema", schema.as_uri(), str(STOCK), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_one_error_per_typo_through_a_schema_comment(schema: Path, tmp_path: Path) -> None:
    config = tmp_path / "configuration.toml"
    config.write_text(f"#:schema ./{schema.name}\n" + TYPO.read_text(encoding="utf-8"))
    done = taplo(str(config), cwd=tmp_path)
    assert done.returncode != 0
    (error,) = errors(done)
    assert "unknown" in error
    assert "9 │ default_vpcus = 2" in done.stdout + done.stderr  # on the typo's own line


def test_two_typos_two_errors(schema: Path, tmp_path: Path) -> None:
    config = tmp_path / "configuration.toml"
    config.write_text("[hypervisor.qemu]\ndefault_vpcus = 2\ndefault_memroy = 2048\n"
                      "[agent.kata]\ndial_timout = 1\n")
    done = taplo("--schema", schema.as_uri(), str(config), cwd=tmp_path)
    assert len(errors(done)) == 3


def test_docs_point_editors_at_the_schema_id() -> None:
    import json

    schema_id = json.loads(schema_text())["$id"]
    docs = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")
    assert f"#:schema {schema_id}" in docs
    assert f'path = "{schema_id}"' in docs  # the .taplo.toml rule
    assert schema_id.startswith("https://")
