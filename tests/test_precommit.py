"""A real pre-commit installs this repository's hook and runs it on good and bad configs.

``pre-commit try-repo`` clones the repository, pip-installs it into a fresh virtualenv (from
PyPI, as a user's pre-commit would) and runs ``kata-config-validate`` on the files given.
Takes about 15 s, almost all of it the hook's one-time install; both cases share it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.needs import need, need_program

REPO = Path(__file__).resolve().parents[1]
BAD = ('[hypervisor.qemu]\npath = "/usr/bin/qemu"\nkernel = "/k"\nimage = "/i"\n'
       'default_memory = "lots"\n')


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need((REPO / ".git").exists(), "a git checkout of kata-config (pre-commit clones it)")
    git = need_program("git")
    work = tmp_path_factory.mktemp("precommit")
    repo = work / "repo"
    (repo / "kata" / "config.d").mkdir(parents=True)
    shutil.copy(REPO / "defaults" / "go" / "x86_64" / "configuration-qemu.toml",
                repo / "kata" / "configuration-qemu.toml")
    (repo / "kata" / "config.d" / "10-memory.toml").write_text(
        "[hypervisor.qemu]\ndefault_memory = 4096\n", encoding="utf-8")
    (repo / "bad").mkdir()
    (repo / "bad" / "configuration.toml").write_text(BAD, encoding="utf-8")
    (repo / "notes.toml").write_text("this = 'is not a Kata file'\n", encoding="utf-8")
    subprocess.run([git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([git, "add", "-A"], cwd=repo, check=True)
    return work


def try_repo(work: Path, *files: str) -> subprocess.CompletedProcess[str]:
    # the [dev] install puts pre-commit beside this interpreter, which need not be on PATH
    exe = (shutil.which("pre-commit", path=str(Path(sys.executable).parent))
           or need_program("pre-commit", "pip install pre-commit (a [dev] dependency)"))
    env = {**os.environ, "PRE_COMMIT_HOME": str(work / "home")}
    return subprocess.run(
        [exe, "try-repo", str(REPO), "kata-config-validate", "--verbose", "--files", *files],
        cwd=work / "repo", env=env, capture_output=True, text=True, timeout=600, check=False)


def test_hook_passes_a_good_config_and_its_drop_in(workspace: Path) -> None:
    done = try_repo(workspace, "kata/configuration-qemu.toml", "kata/config.d/10-memory.toml",
                    "notes.toml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
    assert "notes.toml" not in done.stdout  # not a Kata file: the hook's files regex skips it


def test_hook_fails_a_bad_config(workspace: Path) -> None:
    done = try_repo(workspace, "bad/configuration.toml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    assert "bad/configuration.toml:5:1: error schema-type" in done.stdout
