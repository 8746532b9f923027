"""The public API is what kata_config.__all__ says: documented, typed, and all consumers use."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Final

import kata_config

ROOT: Final = Path(__file__).resolve().parents[1]
DOC: Final = ROOT / "docs" / "api.md"
CONSUMERS: Final = (ROOT / "kata_cli", ROOT / "runtime" / "kata_runtime")


def _example() -> str:
    match = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, "docs/api.md has no python example"
    return match.group(1)


def test_docs_example_runs() -> None:
    proc = subprocess.run([sys.executable, "-c", _example()], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "default_maxvcpus = " in proc.stdout


def test_every_public_name_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [n for n in kata_config.__all__ if n != "__version__" and f"`{n}" not in text
               and not re.search(rf"\b{re.escape(n)}\b", text)]
    assert missing == []


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kata_config"):
            if node.module != "kata_config":
                found.append(f"{node.lineno}: from {node.module} import ...")
            found += [f"{node.lineno}: {a.name}" for a in node.names
                      if node.module == "kata_config" and a.name not in kata_config.__all__]
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if a.name.startswith("kata_config.")]
    return found


def test_cli_and_runtime_import_only_public_names() -> None:
    offenders = {
        str(path.relative_to(ROOT)): bad
        for package in CONSUMERS for path in sorted(package.rglob("*.py"))
        if (bad := _private_imports(path))
    }
    assert offenders == {}


def test_the_import_check_sees_private_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from kata_config.pipeline import validate\nimport kata_config.keys\n"
                     "from kata_config import load, KataConfig\n")
    assert _private_imports(probe) == [
        "1: from kata_config.pipeline import ...", "2: import kata_config.keys", "3: KataConfig"]


CONSUMER: Final = '''\
from kata_config import Effective, load

def memory(path: str) -> int:
    eff: Effective = load(path, arch="x86_64")
    vcpus: float = eff.hypervisor.default_vcpus
    params: str = eff.hypervisor.kernel_params
    allowed: tuple[str, ...] = eff.hypervisor.enable_annotations
    swap: bool | None = eff.agent.mem_agent.memcg_swap
    return eff.hypervisor.default_memory + int(vcpus) + len(params) + len(allowed) + int(bool(swap))
'''


def test_mypy_strict_knows_every_typed_attribute(tmp_path: Path) -> None:
    """mypy --strict accepts typed use and rejects a misspelt key (one run, ~10 s cold)."""
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(CONSUMER)
    bad.write_text(CONSUMER.replace("hypervisor.default_memory", "hypervisor.default_memroy"))
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
         "--cache-dir", str(tmp_path / "cache"), str(good), str(bad)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    assert [e for e in errors if e.startswith(str(good))] == []
    assert any(e.startswith(f"{bad}:9:") and '"default_memroy"' in e and "[attr-defined]" in e
               for e in errors), proc.stdout
