"""``kata-config plan``: text, JSON and shell forms, annotations, and its exit codes."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from tests.corpus import RENDERED, require_corpus
from tests.planhelp import CONFIG, HOST_MIB, host_root

HV = "io.katacontainers.config.hypervisor."


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The x86_64 Go qemu corpus config installed on a fixed host root (8 CPUs, 16 GiB)."""
    require_corpus()
    text = (RENDERED / "x86_64/runtime-go/configuration-qemu.toml").read_text()
    return host_root(tmp_path, text)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["plan", *args])
    return result.exit_code, result.stdout, result.stderr


def plan_args(root: Path, *extra: str) -> list[str]:
    return [CONFIG, "--root", str(root), "--arch", "x86_64", "--runtime", "go", *extra]


def test_text_names_each_argument_and_its_origin(root: Path) -> None:
    code, out, _ = run(*plan_args(root))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "qemu (go runtime, x86_64): /usr/bin/qemu-system-x86_64"
    memory = lines.index(f"  -m 2048M,slots=10,maxmem={HOST_MIB + 1024}M")
    assert f"default_memory ({CONFIG}:" in lines[memory + 1]
    assert "default_maxmemory (normalised from 0)" in lines[memory + 1]
    assert "kernel = '/usr/share/kata-containers/vmlinux.container' does not exist here" in out


def test_json_has_the_documented_shape(root: Path) -> None:
    code, out, _ = run(*plan_args(root, "--format", "json"))
    assert code == 0
    doc = json.loads(out)
    assert {"version", "hypervisor", "binary", "argv", "origins", "helpers",
            "warnings"} <= set(doc)
    assert (doc["version"], doc["hypervisor"], doc["binary"]) == (
        1, "qemu", "/usr/bin/qemu-system-x86_64")
    assert doc["argv"][0] == doc["binary"]
    flat = [part for o in doc["origins"] for part in (o["option"], o["value"]) if part is not None]
    assert flat == doc["argv"][1:]
    assert all(o["keys"] or o["rule"] for o in doc["origins"])
    assert [h["argv"][0] for h in doc["helpers"]] == ["/usr/libexec/virtiofsd"]


def test_shell_is_the_argv_when_pasted(root: Path) -> None:
    _, js, _ = run(*plan_args(root, "--format", "json"))
    code, out, _ = run(*plan_args(root, "--format", "shell"))
    assert code == 0
    command = "\n".join(line for line in out.splitlines() if not line.startswith("#"))
    assert shlex.split(command.replace("\\\n", " ")) == json.loads(js)["argv"]
    assert "# virtiofsd, started first: /usr/libexec/virtiofsd --syslog" in out


def test_an_accepted_annotation_changes_the_plan_and_is_named(root: Path) -> None:
    code, out, _ = run(*plan_args(root, "-a", HV + "kernel_params=foo=1", "--format", "json"))
    assert code == 0
    doc = json.loads(out)
    append = next(o for o in doc["origins"] if o["option"] == "-append")
    assert append["value"].endswith("systemd.unified_cgroup_hierarchy=1 foo=1")
    assert append["from"]["hypervisor.kernel_params"] == f"annotation {HV}kernel_params"


def test_go_refuses_a_pod_whose_annotation_is_not_enabled(root: Path) -> None:
    code, out, err = run(*plan_args(root, "-a", HV + "default_memory=4096"))
    assert code == 1
    assert out == ""
    assert "go runtime would refuse this pod" in err
    assert HV + "default_memory" in err


def test_runtime_rs_applies_enabled_ones_and_ignores_others_with_a_warning(
        tmp_path: Path) -> None:
    require_corpus()
    text = (RENDERED / "x86_64/runtime-rs/configuration-qemu-runtime-rs.toml").read_text()
    root = host_root(tmp_path, text)
    code, out, _ = run(CONFIG, "--root", str(root), "--arch", "x86_64", "--runtime", "rs",
                       "-a", HV + "default_memory=4096", "-a", HV + "memory_slots=20",
                       "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["argv"][doc["argv"].index("-m") + 1] == "4G,slots=10,maxmem=16G"
    assert any(w.startswith(f"annotation {HV}memory_slots not applied") for w in doc["warnings"])


@pytest.mark.parametrize(("extra", "says"), [
    (("-a", "no-equals-sign"), "expected KEY=VALUE"),
    (("--try",), "cannot use --root"),
    (("--timeout", "0"), "--timeout 0"),
], ids=["annotation-syntax", "try-with-root", "timeout"])
def test_usage_errors_exit_2(root: Path, extra: tuple[str, ...], says: str) -> None:
    code, out, err = run(*plan_args(root, *extra))
    assert (code, out) == (2, "")
    assert err.startswith("kata-config: ")
    assert says in err


def test_a_hypervisor_without_a_plan_is_named(tmp_path: Path) -> None:
    require_corpus()
    root = host_root(tmp_path, (RENDERED / "x86_64/runtime-go/configuration-remote.toml")
                     .read_text())
    code, _, err = run(CONFIG, "--root", str(root), "--arch", "x86_64", "--runtime", "go")
    assert code == 2
    assert "no launch plan for hypervisor 'remote'" in err


def test_a_go_file_without_a_hypervisor_table_plans_go_builtin_qemu(tmp_path: Path) -> None:
    # the Go runtime loads it with GetDefaultHypervisorConfig, which names both an image and
    # an initrd: the plan shows that VM and says the runtime would refuse to create it
    root = host_root(tmp_path, "[runtime]\nenable_debug = false\n")
    code, out, _ = run(*plan_args(root, "--format", "json"))
    assert code == 0
    doc = json.loads(out)
    assert (doc["hypervisor"], doc["binary"]) == ("qemu", "/usr/bin/qemu-system-x86_64")
    assert any("are both set" in w and "image-and-initrd" in w for w in doc["warnings"])


def test_missing_config_exits_2(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.toml"), "--arch", "x86_64")
    assert code == 2
    assert "nope.toml" in err


def test_try_of_an_api_configured_hypervisor_cannot_be_tried(tmp_path: Path) -> None:
    require_corpus()
    code, out, _ = run(str(RENDERED / "x86_64/runtime-go/configuration-clh.toml"),
                       "--arch", "x86_64", "--runtime", "go", "--try", "--format", "json")
    assert code == 2
    doc = json.loads(out)
    assert doc["started"] is False
    assert "starts QEMU only" in doc["explanation"]


def test_runtime_class_plans_the_handlers_file_with_its_drop_ins() -> None:
    from tests.nodetree import KATA_DEPLOY, SHARE

    code, out, _ = run("--root", str(KATA_DEPLOY), "--arch", "x86_64", "--runtime-class",
                       "kata-qemu", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    memory = next(o for o in doc["origins"] if o["option"] == "-m")
    assert memory["value"].startswith("4096M,")
    assert memory["from"]["hypervisor.default_memory"] == (
        f"{SHARE}/runtimes/qemu/config.d/50-user-overrides.toml:2")
