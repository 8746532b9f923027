"""The project's home (repository, image) is spelt once: kata_config/project.py.

Files that cannot import it (pyproject.toml, docs/, deploy/, the hook file, README) must spell
it the same way; any other GitHub repository or ghcr.io image called kata-config is a stale
copy. The placeholder can then be moved by editing project.py and replacing what this test
names.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from kata_config import __version__
from kata_config.project import IMAGE, REPOSITORY, REPOSITORY_URL, RULES_URL
from kata_config.schema.generate import SCHEMA_ID

REPO = Path(__file__).resolve().parents[1]
# any GitHub repository, raw file host or ghcr.io image whose name is kata-config
MENTION = re.compile(r"(?:github\.com|githubusercontent\.com|ghcr\.io)/[A-Za-z0-9_.-]+/"
                     r"kata-config\b")


def _tracked() -> list[Path]:
    if not (REPO / ".git").exists():
        pytest.skip("needs a git checkout (the list of tracked files)")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True,
                         timeout=60).stdout.decode()
    return [REPO / name for name in out.split("\0") if name and (REPO / name).is_file()]


def test_every_mention_of_the_project_home_is_the_one_in_project_py() -> None:
    wanted = {f"github.com/{REPOSITORY}", f"githubusercontent.com/{REPOSITORY}", IMAGE}
    stale: list[str] = []
    seen = 0
    spelt: dict[str, int] = {}
    for path in _tracked():
        if path.suffix in {".gz", ".xz", ".zst", ".tar", ".whl"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = path.relative_to(REPO).as_posix()
        for match in MENTION.finditer(text):
            seen += 1
            if match.group() not in wanted:
                stale.append(f"{rel}: {match.group()}")
        if path.suffix == ".py" and rel != "kata_config/project.py":
            spelt[rel] = text.count(REPOSITORY) + text.count(IMAGE)
    assert seen >= 10  # pyproject.toml, docs/editors.md, deploy/, the hook file
    assert not stale, f"not the home in kata_config/project.py: {stale}"
    assert not {rel: n for rel, n in spelt.items() if n}, \
        "Python code derives the project's URLs from kata_config/project.py"


def test_derived_urls_and_metadata() -> None:
    urls = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls["Source"] == REPOSITORY_URL
    assert all(url.startswith(REPOSITORY_URL) for url in urls.values()), urls
    assert urls["Rules"] == RULES_URL
    assert SCHEMA_ID.startswith(f"https://raw.githubusercontent.com/{REPOSITORY}/main/")
    assert (REPO / SCHEMA_ID.split("/main/", 1)[1]).is_file()  # the URL serves a real file


def test_daemonset_runs_the_image_of_this_version() -> None:
    doc = yaml.safe_load((REPO / "deploy" / "daemonset.yaml").read_text(encoding="utf-8"))
    (container,) = doc["spec"]["template"]["spec"]["containers"]
    assert container["image"] == f"{IMAGE}:{__version__}"
    containerfile = (REPO / "deploy" / "Containerfile").read_text(encoding="utf-8")
    assert f"-t {IMAGE}:{__version__} " in containerfile  # the build command it documents
