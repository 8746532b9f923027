"""The built wheel installs into a fresh venv and its console script validates a real config."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.corpus import RENDERED, require_corpus

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
                   check=True, capture_output=True)
    (built,) = out.glob("kata_config-*.whl")
    return built


def test_wheel_ships_schema_defaults_and_types(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "kata_config/schema/kata-configuration.schema.json" in names
    assert "kata_config/py.typed" in names
    assert any(n.startswith("kata_config/_defaults/") and n.endswith(".toml") for n in names)
    # the bundled runtime ships as the top-level package kata_runtime, not under runtime/
    assert "kata_runtime/annotations/apply.py" in names
    assert "kata_runtime/py.typed" in names
    assert not any(n.startswith("runtime/") for n in names)


def test_wheel_installs_and_validates_a_corpus_file(wheel: Path, tmp_path: Path) -> None:
    require_corpus()
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "--quiet", str(wheel)], check=True,
                   capture_output=True)
    config = RENDERED / "x86_64" / "runtime-go" / "configuration-qemu.toml"
    result = subprocess.run(
        [str(env_dir / "bin" / "kata-config"), "validate", str(config), "--arch", "x86_64",
         "--runtime", "go", "--format", "json"],
        capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"errors": 0' in result.stdout
    # kata_runtime imports from the installed wheel (cwd is outside the source tree) ...
    where = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c",
         "import kata_runtime, kata_runtime.annotations as a; a.apply_annotations; "
         "print(kata_runtime.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert str(env_dir) in where
    # ... and the command that uses it works there.
    annotated = subprocess.run(
        [str(env_dir / "bin" / "kata-config"), "annotate", str(config), "--arch", "x86_64",
         "--runtime", "go", "--format", "json",
         "-a", "io.katacontainers.config.hypervisor.kernel_params=quiet"],
        capture_output=True, text=True, cwd=tmp_path, check=False)
    assert annotated.returncode == 0, annotated.stdout + annotated.stderr
    assert '"status": "accepted"' in annotated.stdout


def _metadata(wheel: Path) -> str:
    archive = zipfile.ZipFile(wheel)
    (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    return archive.read(name).decode("utf-8")


def test_wheel_carries_the_licence_and_honest_metadata(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    text = zipfile.ZipFile(wheel).read(licence).decode("utf-8")
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text
    meta = _metadata(wheel)
    version = meta.split("Metadata-Version: ", 1)[1].split("\n", 1)[0]
    assert tuple(map(int, version.split("."))) >= (2, 4)  # License-Expression needs 2.4
    assert "License-Expression: Apache-2.0" in meta
    assert "License-File: LICENSE" in meta
    assert "Classifier: Programming Language :: Python :: 3.11" in meta
    assert "Project-URL: Source, https://" in meta
    assert "pipx install kata-config" in meta  # the long description tells users how


def test_sdist_carries_the_licence(tmp_path: Path) -> None:
    import tarfile

    subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path),
                    str(REPO)], check=True, capture_output=True)
    (sdist,) = tmp_path.glob("kata_config-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    root = names[0].split("/")[0]
    assert f"{root}/LICENSE" in names
    assert f"{root}/.pre-commit-hooks.yaml" in names
    assert f"{root}/deploy/daemonset.yaml" in names


def test_installed_console_script_prints_its_version(wheel: Path, tmp_path: Path) -> None:
    from kata_config import __version__

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    subprocess.run([str(env_dir / "bin" / "pip"), "install", "--quiet", str(wheel)],
                   check=True, capture_output=True)
    done = subprocess.run([str(env_dir / "bin" / "kata-config"), "--version"],
                          capture_output=True, text=True, check=True)
    assert done.stdout == f"kata-config {__version__}\n"
