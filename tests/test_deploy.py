"""deploy/: the manifests pass the real Kubernetes and NFD schemas and match the CLI.

Kubernetes versions: kata-deploy 4.1 builds its installer against the 1.33 API (k8s-openapi
feature ``v1_33``) and its CI installs the current stable release and the one before, so every
minor from 1.33 to the newest schema kubernetes-validate ships is checked. NodeFeatureRule is
a CRD: it is checked against NFD's own CRD schema (tests/fixtures/k8s/nfd-api-crds.yaml).
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import jsonschema
import kubernetes_validate
import pytest
import yaml
from typer.testing import CliRunner

from kata_cli import app
from kata_cli.render.nfd import PREFIX
from tests.hostfixtures import HOSTS
from tests.test_fleet import parse_feature_file

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
CRDS = Path(__file__).parent / "fixtures" / "k8s" / "nfd-api-crds.yaml"
VERSIONS = ("1.33.0", "1.34.0", "1.35.0", "1.36.0", "1.37.0")
BUILTIN = ("daemonset.yaml", "namespace.yaml", "runtimeclass.yaml")




def load(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))
    return doc


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", BUILTIN)
def test_manifest_passes_kubernetes_schema(name: str, version: str) -> None:
    kubernetes_validate.validate(load(name), version, strict=True)


def test_the_schema_check_can_fail() -> None:
    broken = load("daemonset.yaml")
    broken["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnly"] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[0], strict=True)


def _strict(schema: Any) -> Any:
    """The CRD schema with unknown fields refused (the API server would prune them silently)."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if ("properties" in out and "additionalProperties" not in out
                and not out.get("x-kubernetes-preserve-unknown-fields")):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def _crd_schema(kind: str, version: str) -> dict[str, Any]:
    for crd in yaml.safe_load_all(CRDS.read_text(encoding="utf-8")):
        if crd and crd["spec"]["names"]["kind"] == kind:
            for ver in crd["spec"]["versions"]:
                if ver["name"] == version:
                    schema: dict[str, Any] = ver["schema"]["openAPIV3Schema"]
                    return copy.deepcopy(_strict(schema))
    raise AssertionError(f"no CRD for {kind} {version}")


def test_nodefeaturerule_passes_nfd_crd_schema() -> None:
    rule = load("nodefeaturerule.yaml")
    group, _, version = rule["apiVersion"].partition("/")
    assert group == "nfd.k8s-sigs.io"
    schema = _crd_schema(rule["kind"], version)
    jsonschema.Draft7Validator(schema).validate(rule)
    broken = copy.deepcopy(rule)
    broken["spec"]["rules"][0]["matchFeatures"][0]["matchExpression"] = {}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(broken)


def _ready_labels(feature_text: str) -> dict[str, str]:
    """What deploy/nodefeaturerule.yaml adds for a node whose features.d holds ``text``."""
    _, features = parse_feature_file(feature_text, datetime.now(UTC))
    out: dict[str, str] = {}
    for rule in load("nodefeaturerule.yaml")["spec"]["rules"]:
        matched = True
        for match in rule["matchFeatures"]:
            assert match["feature"] == "local.feature"
            for key, expr in match["matchExpressions"].items():
                assert expr["op"] == "In"  # the only operator the sample uses
                matched &= features.get(key) in expr["value"]
        if matched:
            out.update(rule["labels"])
    return out


def _daemonset_args(tmp_path: Path, root: Path) -> list[str]:
    """The DaemonSet's own arguments, pointed at a fixture and a temporary directory."""
    (container,) = load("daemonset.yaml")["spec"]["template"]["spec"]["containers"]
    args = [a.replace("/out/", f"{tmp_path}/").replace("=/host", f"={root}")
            for a in container["args"] if a not in ("--live",) and
            not a.startswith("--interval")]
    (tmp_path / "nfd").mkdir()
    (tmp_path / "prom").mkdir()
    return args


@pytest.mark.parametrize(("fixture", "ready"), [("x86_64-pvm", True),
                                                ("x86_64-amd-no-svm", False)])
def test_daemonset_arguments_feed_the_rule_and_the_runtimeclass(
        tmp_path: Path, fixture: str, ready: bool) -> None:
    args = _daemonset_args(tmp_path, HOSTS / fixture)
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout == ""  # --quiet and every format has a file
    text = (tmp_path / "nfd" / "kata-config").read_text(encoding="utf-8")
    assert (tmp_path / "prom" / "kata-config.prom").exists()
    labels = _ready_labels(text)
    selector = load("runtimeclass.yaml")["scheduling"]["nodeSelector"]
    ours = {k: v for k, v in selector.items() if k.startswith(PREFIX)}
    assert ours  # the sample narrows kata-deploy's selector with a kata-config label
    assert all(labels.get(k) == v for k, v in ours.items()) is ready
    assert selector["katacontainers.io/kata-runtime"] == "true"  # kata-deploy's, untouched


def test_daemonset_is_confined() -> None:
    spec = load("daemonset.yaml")["spec"]["template"]["spec"]
    (container,) = spec["containers"]
    assert spec["automountServiceAccountToken"] is False
    assert not any(spec.get(k) for k in ("hostPID", "hostNetwork", "hostIPC"))
    assert {"operator": "Exists"} in spec["tolerations"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {"cpu", "memory"} <= set(container["resources"]["limits"])
    host_volumes = {v["name"]: v["hostPath"] for v in spec["volumes"] if "hostPath" in v}
    outputs = {"/out/nfd", "/out/prom"}
    for mount in container["volumeMounts"]:
        assert mount["name"] in host_volumes
        if mount["mountPath"] in outputs:
            assert host_volumes[mount["name"]]["type"] == "DirectoryOrCreate"
            continue
        assert mount["mountPath"].startswith("/host/")
        assert mount["readOnly"] is True
        assert mount["recursiveReadOnly"] == "IfPossible"
        assert "mountPropagation" not in mount
    assert re.fullmatch(r"[a-z0-9./-]+:\d+\.\d+\.\d+", container["image"])


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Containerfile, continuation lines joined."""
    out = []
    for raw in re.sub(r"\\\n", " ", text).splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _context(dest: Path) -> Path:
    """The build context as the engine sends it: the checkout minus .dockerignore's entries."""
    patterns = [p.strip() for p in (REPO / ".dockerignore").read_text().splitlines()
                if p.strip() and not p.startswith("#")]

    def ignored(directory: str, names: list[str]) -> set[str]:
        rel = Path(directory).relative_to(REPO)
        return {n for n in names for p in patterns
                if fnmatch.fnmatch((rel / n).as_posix(), p.removeprefix("**/"))
                or fnmatch.fnmatch(n, p.removeprefix("**/"))}

    shutil.copytree(REPO, dest, ignore=ignored, symlinks=True)
    assert not (dest / ".venv").exists()
    return dest


class Image(NamedTuple):
    """What replaying a Containerfile leaves: the final stage's tree and how it starts."""

    root: Path
    env: dict[str, str]
    entry: list[str]
    cmd: list[str]


def _replay(tmp_path: Path) -> Image:
    """Run deploy/Containerfile's stages, one fresh virtualenv of this Python per stage."""
    steps = _instructions((DEPLOY / "Containerfile").read_text(encoding="utf-8"))
    stages: list[list[tuple[str, str]]] = []
    for word, rest in steps:
        if word == "FROM":
            assert rest.startswith("docker.io/library/python:3.11"), rest
            stages.append([])
        else:
            stages[-1].append((word, rest))
    assert len(stages) == 2
    wheels = tmp_path / "wheels"
    env_vars: dict[str, str] = {}
    entry: list[str] = []
    cmd: list[str] = []
    image = tmp_path / "image"
    for number, stage in enumerate(stages):
        root = tmp_path / f"stage{number}"
        venv.EnvBuilder(with_pip=True).create(root)
        workdir = tmp_path
        for word, rest in stage:
            if word == "WORKDIR":
                workdir = tmp_path / rest.strip("/")
            elif word == "COPY" and rest == ". .":
                _context(workdir)
            elif word == "COPY":
                assert rest == "--from=build /wheels /wheels", rest  # same directory here
            elif word == "RUN":
                script = rest.replace("/wheels", str(wheels))
                done = subprocess.run(
                    ["bash", "-euc", script], cwd=workdir, capture_output=True, text=True,
                    timeout=600, check=False,
                    env={**os.environ, "PATH": f"{root}/bin:{os.environ['PATH']}"})
                assert done.returncode == 0, (script, done.stdout[-2000:], done.stderr[-2000:])
            elif word == "ENV":
                env_vars.update(dict(pair.split("=", 1) for pair in rest.split()))
            elif word == "ENTRYPOINT":
                entry = json.loads(rest)
            elif word == "CMD":
                cmd = json.loads(rest)
            else:
                assert word == "USER", word
        image = root
    return Image(image, env_vars, entry, cmd)


def test_containerfile_steps_build_a_read_only_image_that_runs(tmp_path: Path) -> None:
    """Every RUN, ENV, ENTRYPOINT and CMD of deploy/Containerfile, replayed without an engine.

    No container engine or registry is reachable on the machines this suite runs on (no
    docker daemon; docker.io does not resolve), so the image itself is never built here:
    each stage runs its RUN lines in a fresh virtualenv of this Python standing in for
    python:3.11-slim, with /wheels in a temporary directory. What this proves: the build
    context suffices for the wheel, the final stage installs it with its dependencies and
    pre-compiles the bytecode, and ENTRYPOINT + CMD (with the image's ENV) check a host
    without writing a byte into the installed tree (the DaemonSet's read-only root).
    test_containerfile_builds_with_a_real_engine builds the real image where one is reachable.
    """
    image, env_vars, entry, cmd = _replay(tmp_path)
    wheels = tmp_path / "wheels"
    assert not wheels.exists()  # the final stage removed them
    purelib = subprocess.run(
        [str(image / "bin" / "python"), "-c",
         "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip()
    tag = f"cpython-{sys.version_info.major}{sys.version_info.minor}"
    package = Path(purelib) / "kata_config"
    for module in package.rglob("*.py"):
        assert (module.parent / "__pycache__" / f"{module.stem}.{tag}.pyc").exists(), module
    before = sorted(str(p) for p in image.rglob("*"))
    args = [str(HOSTS / "x86_64-pvm") if a == "/host" else a for a in cmd]
    done = subprocess.run([str(image / "bin" / entry[0]), *entry[1:], *args],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={"PATH": f"{image}/bin:/usr/bin:/bin", **env_vars})
    assert done.returncode in (0, 1), done.stderr
    assert "verdict:" in done.stdout
    assert "SKIP  network.release" in done.stdout  # KATA_CHECK_NO_NETWORK from ENV
    assert sorted(str(p) for p in image.rglob("*")) == before  # nothing written at run time


def test_containerfile_builds_with_a_real_engine(tmp_path: Path) -> None:
    """The real image from a real engine, and a run of it on a fixture host mounted read-only.

    Not a CI component: a build pulls python:3.11-slim from docker.io, which the machines
    this suite runs on cannot reach (no daemon either), so this skips unless an engine
    answers; test_containerfile_steps_build_a_read_only_image_that_runs covers the steps.
    """
    engine = shutil.which("podman") or shutil.which("docker")
    if engine is None:
        pytest.skip("no container engine (podman or docker) on PATH")
    info = subprocess.run([engine, "info"], capture_output=True, text=True, timeout=60,
                          check=False)
    if info.returncode != 0:
        pytest.skip(f"{engine} cannot reach its engine: {info.stderr.strip()[:200]}")
    tag = f"localhost/kata-config-test:{tmp_path.name}"
    build = subprocess.run([engine, "build", "-f", str(DEPLOY / "Containerfile"), "-t", tag,
                            str(REPO)], capture_output=True, text=True, timeout=1800,
                           check=False)
    if build.returncode != 0 and "python:3.11-slim" in build.stderr and any(
            s in build.stderr for s in ("resolve", "dial tcp", "connection refused", "timeout")):
        pytest.skip(f"the base image registry is unreachable: {build.stderr.strip()[-300:]}")
    assert build.returncode == 0, build.stderr[-3000:]
    try:
        done = subprocess.run(
            [engine, "run", "--rm", "--read-only", "--network=none",
             "-v", f"{HOSTS / 'x86_64-pvm'}:/host:ro", tag],
            capture_output=True, text=True, timeout=300, check=False)
    finally:
        subprocess.run([engine, "rmi", "-f", tag], capture_output=True, check=False,
                       timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "verdict:" in done.stdout


def test_containerfile_runs_our_console_script_with_arguments_it_accepts(tmp_path: Path) -> None:
    import tomllib

    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    entry = json.loads(re.search(r"^ENTRYPOINT (.+)$", text, re.MULTILINE).group(1))  # type: ignore[union-attr]
    cmd = json.loads(re.search(r"^CMD (.+)$", text, re.MULTILINE).group(1))  # type: ignore[union-attr]
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert entry == list(scripts)  # the wheel's console script, nothing else
    args = [HOSTS.joinpath("x86_64-pvm").as_posix() if a == "/host" else a for a in cmd]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.stderr
    assert "verdict:" in result.stdout
