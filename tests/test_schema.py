"""The JSON Schema: accepted by the real check-jsonschema tool on every upstream config, and
strict enough that it rejects what it should."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from kata_config.keys import Runtime
from kata_config.schema import check_schema, schema_text
from tests.corpus import rendered_configs, require_corpus


def _check_jsonschema() -> str:
    beside = Path(sys.executable).with_name("check-jsonschema")
    exe = shutil.which("check-jsonschema") or str(beside)
    if not Path(exe).exists():
        pytest.fail("check-jsonschema is not installed: pip install -e '.[dev]'")
    return exe


def test_check_jsonschema_accepts_every_upstream_config(tmp_path: Path) -> None:
    require_corpus()
    schema = tmp_path / "kata.schema.json"
    schema.write_text(schema_text())
    files = [str(p) for p in rendered_configs()]
    result = subprocess.run([_check_jsonschema(), "--schemafile", str(schema), *files],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_jsonschema_rejects_a_typo(tmp_path: Path) -> None:
    schema = tmp_path / "kata.schema.json"
    schema.write_text(schema_text())
    bad = tmp_path / "configuration.toml"
    bad.write_text('[hypervisor.qemu]\ndefault_vpcus = 2\nblock_device_aio = "fast"\n')
    result = subprocess.run([_check_jsonschema(), "--schemafile", str(schema), str(bad)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "default_vpcus" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("text", "runtime", "rules"),
    [
        ('[hypervisor.qemu]\ndefault_vcpus = "2"\n', "go", ["schema-type"]),
        ("[hypervisor.qemu]\ndefault_vcpus = 1.5\n", "go", []),
        ("[hypervisor.qemu]\nmemory_slots = 1.5\n", "go", ["schema-type"]),
        ('[hypervisor.qemu]\nshared_fs = "virtio-fs2"\n', "go", ["schema-enum"]),
        ("[agent.kata]\ndial_timout = 1\n", "go", ["unknown-key"]),
        ("[agent.kata]\ndial_timout = 1\n", "rs", ["unknown-key-rejected"]),
        ("[image]\npath = 1\n", "go", ["unknown-table"]),
        ("[agent.kata.mem_agent]\nmemcg_swappiness_max = 300\n", "rs", ["schema-range"]),
        ("[hypervisor.anything]\ndefault_memory = 1\n", "go", []),  # name rule is elsewhere
    ],
    ids=["string-for-float", "fraction", "float-for-int", "enum", "unknown-go",
         "unknown-rs-strict", "unknown-table", "u8-range", "any-hypervisor-name"],
)
def test_schema_stage(text: str, runtime: Runtime, rules: list[str]) -> None:
    found = [rule.id for rule, _ in check_schema(tomllib.loads(text), runtime)]
    assert found == rules


def test_schema_is_draft_2020_12_and_valid() -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")
