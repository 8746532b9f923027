"""The JSON Schema: accepted by the real check-jsonschema tool on every upstream config, and
strict enough that it rejects what it should."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kata_config.keys import Runtime
from kata_config.schema import check_schema, schema_text
from tests.corpus import rendered_configs, require_corpus
from tests.mutations import mutate, seeds


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
        ("[images]\npath = 1\n", "go", ["unknown-table"]),
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


def _jsonschema_keys(data: dict[str, object]) -> set[str]:
    """Dotted keys jsonschema (with the shipped schema) objects to, extras included."""
    from jsonschema import Draft202012Validator

    from kata_config.schema.values import dotted

    validator = Draft202012Validator(json.loads(schema_text()))
    keys: set[str] = set()
    for error in validator.iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties":
            known = error.schema.get("properties", {})  # type: ignore[union-attr]
            keys |= {dotted([*path, k]) for k in error.instance if k not in known}
        else:
            keys.add(dotted(path))
    return keys


def _our_keys(data: dict[str, object]) -> set[str]:
    # the JSON Schema is one for both runtimes: compare with what either runtime objects to
    return {issue.key or "" for rt in ("go", "rs") for _, issue in check_schema(data, rt)}


@pytest.mark.parametrize("path", rendered_configs() or [None], ids=lambda p: p.stem if p else "-")
def test_native_stage_agrees_with_jsonschema_on_the_corpus(path: Path | None) -> None:
    if path is None:
        require_corpus()
        return
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert _our_keys(data) == _jsonschema_keys(data) == set()


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rounds=st.integers(1, 6))
def test_native_stage_agrees_with_jsonschema_on_mutations(seed: int, rounds: int) -> None:
    """The catalogue walk and the generated JSON Schema must object to the same keys."""
    corpus = seeds()
    rnd = random.Random(seed)
    text = mutate(rnd.choice(corpus), rnd, rounds)
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return
    assert _our_keys(data) == _jsonschema_keys(data)
