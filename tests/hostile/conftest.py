"""Shared pieces of the hostile-input suite: both resolvers, a secret outside the root."""

from __future__ import annotations

from pathlib import Path

import pytest

SECRET = "TOP-SECRET-OUTSIDE-THE-ROOT"


@pytest.fixture(params=["openat2", "walk"])
def resolver(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once with openat2(RESOLVE_IN_ROOT) and once with the by-hand walk."""
    if request.param == "walk":
        monkeypatch.setenv("KATA_CONFIG_RESOLVE", "walk")
    else:
        monkeypatch.delenv("KATA_CONFIG_RESOLVE", raising=False)
    return str(request.param)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory next to the root holding files no read under the root may reach."""
    place = tmp_path / "outside"
    place.mkdir()
    (place / "secret").write_text(SECRET + "\n")
    (place / "configuration.toml").write_text(f'[hypervisor.qemu]\npath = "{SECRET}"\n')
    (place / "modules.dep").write_text(f"kernel/{SECRET}.ko:\n")
    return place


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty host root beside ``outside``."""
    place = tmp_path / "root"
    place.mkdir()
    return place


def make(root: Path, rel: str, text: str = "") -> Path:
    """Create ``rel`` below ``root`` (parents too) holding ``text``."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def link(root: Path, rel: str, target: str) -> Path:
    """Create the symlink ``rel`` below ``root`` pointing at ``target`` (verbatim)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.is_file():
        path.unlink()
    path.symlink_to(target)
    return path


def fingerprint(*places: Path) -> dict[str, tuple[int, int, int, bytes | None]]:
    """Every entry below ``places`` with its type, size, mtime and content: equal before and
    after a command means nothing there changed."""
    seen: dict[str, tuple[int, int, int, bytes | None]] = {}
    for place in places:
        for path in [place, *sorted(place.rglob("*"))]:
            st = path.lstat()
            data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
            seen[str(path)] = (st.st_mode, st.st_size, st.st_mtime_ns, data)
    return seen
