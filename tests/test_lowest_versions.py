"""The lower bounds in pyproject.toml are true: the CLI tests pass with exactly those versions.

uv installs the project into a fresh virtualenv with ``--resolution lowest-direct`` (every
direct dependency at its lowest allowed version, the build backend included; their own
dependencies at the newest, as a user's resolver would pick) and runs the CLI tests there.
Takes about a minute. Deprecation warnings of those old releases are not errors here: they
are the reason a bound is low, not a failure of ours.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.needs import need_program

REPO = Path(__file__).resolve().parents[1]
CLI_TESTS = ("test_cli_validate.py", "test_check_cli.py", "test_cli_conventions.py",
             "test_fleet.py", "test_cli_annotate.py", "test_migrate.py")


def _lower_bounds() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds: dict[str, str] = {}
    for requirement in project["dependencies"]:
        match = re.match(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement)
        assert match, f"{requirement}: every dependency needs a lower bound"
        bounds[match.group(1).lower().replace("_", "-")] = match.group(2)
    return bounds


def _same(version: str, bound: str) -> bool:
    def parts(v: str) -> list[int]:
        return [int(x) for x in v.split(".")] + [0] * (3 - v.count("."))

    return parts(version)[:3] == parts(bound)[:3]


def test_cli_tests_pass_with_the_lowest_allowed_versions(tmp_path: Path) -> None:
    uv = (shutil.which("uv", path=str(Path(sys.executable).parent))
          or need_program("uv", "pip install uv (a [dev] dependency)"))
    env_dir = tmp_path / "lowest"
    python = env_dir / "bin" / "python"
    subprocess.run([uv, "venv", "-q", "-p", sys.executable, str(env_dir)], check=True,
                   timeout=120)
    subprocess.run([uv, "pip", "install", "-q", "--python", str(python),
                    "--resolution", "lowest-direct", "-e", str(REPO), "pytest>=8"],
                   check=True, timeout=600)
    listed = subprocess.run([uv, "pip", "list", "--python", str(python), "--format", "json"],
                            check=True, capture_output=True, text=True, timeout=120).stdout
    installed = {p["name"].lower(): p["version"] for p in json.loads(listed)}
    for name, bound in _lower_bounds().items():
        assert _same(installed[name], bound), (name, installed[name], bound)
    done = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-W", "ignore::DeprecationWarning", *(f"tests/{t}" for t in CLI_TESTS)],
        cwd=REPO, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1]
