"""deploy/: the manifests pass the real Kubernetes and NFD schemas and match the CLI.

Kubernetes versions: kata-deploy 4.1 builds its installer against the 1.33 API (k8s-openapi
feature ``v1_33``) and its CI installs the current stable release and the one before, so every
minor from 1.33 to the newest schema kubernetes-validate ships is checked. NodeFeatureRule is
a CRD: it is checked against NFD's own CRD schema (tests/fixtures/k8s/nfd-api-crds.yaml).
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def test_containerfile_runs_our_console_script_with_arguments_it_accepts(tmp_path: Path) -> None:
    import json
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
