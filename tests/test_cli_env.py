"""``kata-config env`` on a node laid out by kata-deploy: the right file per runtime class."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any, Final

import pytest
from typer.testing import CliRunner

from kata_cli import app
from tests.needs import need_program
from tests.nodetree import KATA_DEPLOY, SHARE, build, copy_node

GOLDEN: Final = Path(__file__).parent / "fixtures" / "golden" / "env-kata-qemu.json"
runner = CliRunner()


def _env(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["env", "--root", str(KATA_DEPLOY), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _json(*args: str) -> dict[str, Any]:
    code, out, _ = _env("--format", "json", *args)
    assert code == 0, out
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.mark.parametrize(("handler", "path", "flavour", "hypervisor"), [
    ("kata-qemu", f"{SHARE}/runtimes/qemu/configuration-qemu.toml", "go", "qemu"),
    ("kata-clh", f"{SHARE}/runtimes/clh/configuration-clh.toml", "go", "clh"),
    ("kata-qemu-runtime-rs",
     f"{SHARE}/runtime-rs/runtimes/qemu-runtime-rs/configuration-qemu-runtime-rs.toml", "rs",
     "qemu"),
])
def test_env_names_the_file_each_runtime_class_loads(handler: str, path: str, flavour: str,
                                                     hypervisor: str) -> None:
    data = _json("--runtime-class", handler)
    assert (data["version"], data["config"]["path"]) == (1, path)
    assert data["config"]["files"][0] == path
    assert (data["runtime"]["flavour"], data["hypervisor"]["name"]) == (flavour, hypervisor)
    assert data["config"]["handler"]["file"] == "/opt/kata/containerd/config.d/kata-deploy.toml"
    code, text, _ = _env("--runtime-class", handler)
    assert code == 0
    parsed = tomllib.loads(text)  # the text output is TOML, as kata-runtime env's
    assert parsed["config"]["path"] == path
    assert parsed["runtime"]["flavour"] == flavour


def test_env_reports_drop_ins_in_order_and_origins_under_verbose() -> None:
    data = _json("--runtime-class", "kata-qemu", "--verbose")
    dropin = f"{SHARE}/runtimes/qemu/config.d/50-user-overrides.toml"
    assert data["config"]["files"][1:] == [dropin]
    assert data["hypervisor"]["default_memory"] == 4096
    origin = data["origins"]["hypervisor.default_memory"]
    assert (origin["kind"], origin["path"], origin["line"]) == ("drop-in", dropin, 2)
    assert data["origins"]["hypervisor.default_maxvcpus"]["kind"] == "normalised"
    assert _json("--runtime-class", "kata-qemu")["origins"] == {}
    _, text, _ = _env("--runtime-class", "kata-qemu", "--verbose")
    assert f"default_memory = 4096 # drop-in {dropin}:2" in text


def test_env_shows_only_keys_the_runtime_reads() -> None:
    go = _json("--runtime-class", "kata-qemu")["agent"]
    rs = _json("--runtime-class", "kata-qemu-runtime-rs")["agent"]
    assert ("dial_timeout" in go, "dial_timeout_ms" in go) == (True, False)
    assert ("dial_timeout" in rs, "dial_timeout_ms" in rs) == (False, True)


def test_env_host_summary_and_no_binary_run_under_root() -> None:
    data = _json("--runtime-class", "kata-qemu")
    host = data["host"]
    assert (host["arch"], host["cpus"], host["vsock_support"]) == ("x86_64", 32, True)
    assert host["vm_container_capable"] is True
    assert any(c["id"] == "device.kvm" for c in host["checks"])
    assert data["hypervisor"]["version"] is None
    assert "never runs" in data["hypervisor"]["version_note"]
    _, text, _ = _env("--runtime-class", "kata-qemu")
    assert "[[host.checks]]" not in text  # check lines only under --verbose in TOML


def test_env_json_shape_is_stable_when_nothing_is_found() -> None:
    found = _json("--runtime-class", "kata-qemu")
    code, out, err = _env("--format", "json", "--runtime-class", "kata-fc")
    missing = json.loads(out)
    assert code == 2
    assert set(missing) == set(found)
    assert set(missing["config"]) == set(found["config"])
    assert missing["hypervisor"] is None
    assert "no runtime handler 'kata-fc'" in missing["config"]["error"]
    assert "no runtime handler 'kata-fc'" in err


def test_env_exits_1_when_the_runtime_would_refuse_the_file(tmp_path: Path) -> None:
    node = copy_node(tmp_path)
    target = node / SHARE.lstrip("/") / "runtimes/clh/configuration-clh.toml"
    target.write_text("[hypervisor.clh\n")
    result = runner.invoke(app, ["env", "--root", str(node), "--runtime-class", "kata-clh",
                                 "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert "invalid TOML" in data["config"]["error"]
    assert data["config"]["path"] == f"{SHARE}/runtimes/clh/configuration-clh.toml"


def test_env_usage_errors_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["env", "--root", str(tmp_path / "nope")])
    assert result.exit_code == 2
    bare = build(tmp_path / "bare", {"/etc/hostname": "x\n"})
    result = runner.invoke(app, ["env", "--root", str(bare)])
    assert result.exit_code == 2
    assert "arch" in result.stderr


def test_env_json_matches_the_golden_file() -> None:
    """The documented JSON shape (README) for a kata-deploy node; regenerate on purpose with
    KATA_CONFIG_REGEN=1 after an intended change. The host's values and the normalisation
    notes belong to other modules' tests, so only their keys are compared here."""
    data = _json("--runtime-class", "kata-qemu", "--verbose")
    data["root"], data["kata_config"] = "<root>", "<version>"
    data["host"] = dict.fromkeys(data["host"], "<host>")
    for origin in data["origins"].values():
        origin["note"] = "<note>" if origin["note"] else ""
    text = json.dumps(data, indent=2) + "\n"
    if os.environ.get("KATA_CONFIG_REGEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()


def test_env_asks_a_real_hypervisor_its_version_on_the_live_host(tmp_path: Path) -> None:
    qemu = need_program("qemu-system-x86_64", "apt-get install qemu-system-x86")
    config = tmp_path / "configuration.toml"
    config.write_text(f'[hypervisor.qemu]\npath = "{qemu}"\n\n[agent.kata]\n')
    result = runner.invoke(app, ["env", "--config", str(config), "--format", "json"])
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["config"]["candidates"][0]["source"] == "explicit"
    assert data["hypervisor"]["version"].startswith("QEMU emulator version"), data["hypervisor"]


@pytest.mark.parametrize(("stock", "flavour"), [
    ("defaults/go/x86_64/configuration-qemu.toml", "go"),
    ("defaults/rs/x86_64/configuration-qemu-coco-dev.toml", "rs"),
])
def test_env_config_dash_reads_standard_input(stock: str, flavour: str) -> None:
    text = (Path(__file__).parent.parent / stock).read_text()
    result = runner.invoke(app, ["env", "--config", "-", "--arch", "x86_64", "--format", "json"],
                           input=text)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["config"]["path"], data["config"]["files"], data["config"]["error"]) == (
        "-", ["-"], None)
    assert (data["runtime"]["flavour"], data["hypervisor"]["name"]) == (flavour, "qemu")


def test_env_config_dash_refuses_bad_toml_on_stdin_and_a_host_root(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["env", "--config", "-", "--arch", "x86_64"], input="x = [\n")
    assert bad.exit_code == 1
    assert "-: invalid TOML" in bad.stderr
    rooted = runner.invoke(app, ["env", "--config", "-", "--root", str(tmp_path), "--arch",
                                 "x86_64"], input="")
    assert rooted.exit_code == 2
    assert "under --root name the file inside the root" in rooted.stderr
