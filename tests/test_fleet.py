"""Fleet mode of ``check``: ``--live`` under a root, NFD feature files, Prometheus textfiles.

The NFD file is parsed with NFD's own line grammar (fleet-and-ecosystem.md §1.1) and every
label is checked against the Kubernetes label syntax (§1.2); the textfile is parsed with
prometheus_client's parser, which is stricter than node_exporter's (§3.1).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from kata_cli import app
from kata_cli.render.nfd import PREFIX
from tests.hostfixtures import HOSTS
from tests.needs import need

FIXTURE = HOSTS / "x86_64-intel-kvm-ok"
NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
DNS_PREFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def parse_feature_file(text: str, now: datetime) -> tuple[dict[str, str], dict[str, str]]:
    """(labels, features) exactly as NFD's local source reads ``text`` at time ``now``."""
    labels: dict[str, str] = {}
    features: dict[str, str] = {}
    expired = False
    no_label = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("# +"):
            directive = line[3:]
            if directive.startswith("expiry-time="):
                when = datetime.fromisoformat(directive.split("=", 1)[1])
                expired = when < now
            elif directive == "no-label":
                no_label = True
            else:
                raise AssertionError(f"unknown directive {line!r}")
            continue
        if line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if not expired:
            (features if no_label else labels)[key] = value
        no_label = False
    return labels, features


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", "-n", *args])
    return result.exit_code, result.stdout, result.stderr


def test_nfd_file_follows_nfd_grammar_and_label_syntax(tmp_path: Path) -> None:
    out = tmp_path / "features.d" / "kata-config"
    out.parent.mkdir()
    code, _, err = check("--root", str(FIXTURE), "--format", "nfd", "--output", str(out))
    assert code in (0, 1), err
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert len(text.encode()) < 65536  # NFD skips larger files whole
    assert [p.name for p in out.parent.iterdir()] == ["kata-config"]  # no temp file left
    labels, features = parse_feature_file(text, datetime.now(UTC))
    assert labels, text
    for key, value in labels.items():
        prefix, _, name = key.partition("/")
        assert f"{prefix}/" == PREFIX
        assert DNS_PREFIX.match(prefix), key
        assert NAME.match(name), key
        assert len(name) <= 63, key
        assert VALUE.match(value), (key, value)
        assert len(value) <= 63, (key, value)
        assert not key.startswith(("katacontainers.io/", "kata-deploy.katacontainers.io/"))
    _, json_out, _ = check("--root", str(FIXTURE), "--format", "json")
    doc = json.loads(json_out)
    assert labels[PREFIX + "verdict"] == doc["verdict"]
    assert labels[PREFIX + "arch"] == "x86_64"
    assert labels[PREFIX + "kvm-usable"] == "unknown"  # a snapshot: nothing live ran
    assert labels[PREFIX + "tee.tdx"] == "false"
    assert {PREFIX + "pvm", PREFIX + "nested", PREFIX + "vm-guest"} <= set(labels)
    assert features["kata-config.verdict"] == doc["verdict"]
    statuses = {c["id"]: c["status"] for c in doc["checks"]}
    assert features["kata-config.check.cpu.virtualization"] == statuses["cpu.virtualization"]


def test_nfd_labels_expire(tmp_path: Path) -> None:
    out = tmp_path / "kata-config"
    check("--root", str(FIXTURE), "--format", "nfd", "--output", str(out))
    text = out.read_text(encoding="utf-8")
    (expiry,) = re.findall(r"^# \+expiry-time=(\S+)$", text, re.MULTILINE)
    when = datetime.fromisoformat(expiry)
    assert when > datetime.now(UTC)
    labels, features = parse_feature_file(text, when.replace(year=when.year + 1))
    assert labels == {}
    assert features == {}


def test_live_refused_without_a_real_kvm_device() -> None:
    code, out, err = check("--root", str(FIXTURE), "--live")
    assert code == 2
    assert out == ""
    assert err.startswith("kata-config: --live needs the live host")
    assert "not a character device" in err


def test_live_refused_without_any_kvm_node(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "host")
    (tmp_path / "host" / "dev" / "kvm").unlink()
    code, _, err = check("--root", str(tmp_path / "host"), "--live")
    assert code == 2
    assert "dev/kvm is missing" in err


def _live_root(tmp_path: Path) -> Path:
    """The fixture with a real /dev/kvm node (10:232) under it, as a pod sees /host."""
    live = Path("/dev/kvm")
    need(live.exists() and os.access(live, os.R_OK | os.W_OK), "a usable /dev/kvm")
    need(os.geteuid() == 0, "root (CAP_MKNOD) to create a device node in a fixture")
    root = tmp_path / "host"
    shutil.copytree(FIXTURE, root)
    (root / "dev" / "kvm").unlink()
    os.mknod(root / "dev" / "kvm", 0o660 | stat.S_IFCHR, os.makedev(10, 232))
    return root


def test_live_under_a_root_runs_kvm_ioctls_on_its_dev(tmp_path: Path) -> None:
    root = _live_root(tmp_path)
    out = tmp_path / "kata-config"
    code, _, err = check("--root", str(root), "--live", "--only", "kvm", "--format", "json",
                         "--format", "nfd", "--output", "-", "--output", str(out))
    assert code in (0, 1), err
    labels, _ = parse_feature_file(out.read_text(encoding="utf-8"), datetime.now(UTC))
    assert labels[PREFIX + "kvm-usable"] == "true"


def _families(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    return {f.name: [(s.labels, s.value) for s in f.samples]
            for f in text_string_to_metric_families(text)}


def test_prometheus_textfile(tmp_path: Path) -> None:
    out = tmp_path / "kata-config.prom"
    code, _, err = check("--root", str(FIXTURE), "--format", "prometheus", "--output", str(out))
    assert code in (0, 1), err
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n")
    families = _families(text)
    assert {"kata_config_check_status", "kata_config_verdict",
            "kata_config_last_run_timestamp_seconds", "kata_config_run_duration_seconds",
            "kata_config_info"} <= set(families)
    _, json_out, _ = check("--root", str(FIXTURE), "--format", "json")
    doc = json.loads(json_out)
    (verdict,) = families["kata_config_verdict"]
    assert verdict[1] == {"pass": 0, "warn": 1, "fail": 2}[doc["verdict"]]
    current = {labels["id"]: labels["status"]
               for labels, value in families["kata_config_check_status"] if value == 1}
    assert current == {c["id"]: c["status"] for c in doc["checks"]}
    (stamp,) = families["kata_config_last_run_timestamp_seconds"]
    assert abs(stamp[1] - time.time()) < 60
    # node_exporter skips a whole file with client-side timestamps: there must be none
    assert all(len(line.split()) == 2 for line in text.splitlines() if line[0] != "#")


def test_formats_and_outputs_must_pair() -> None:
    code, _, err = check("--root", str(FIXTURE), "--format", "nfd", "--output", "a",
                         "--output", "b")
    assert code == 2
    assert "--output" in err
    code, _, err = check("--root", str(FIXTURE), "--format", "json", "--format", "text")
    assert code == 2
    assert "stdout" in err


def test_prometheus_client_is_imported_only_for_its_format() -> None:
    probe = ("import sys; from typer.testing import CliRunner; from kata_cli import app; "
             f"r = CliRunner().invoke(app, ['check', '-n', '--root', {str(FIXTURE)!r}, "
             "'--format', sys.argv[1]]); print('prometheus_client' in sys.modules)")
    for fmt, loaded in (("json", "False"), ("nfd", "False"), ("prometheus", "True")):
        done = subprocess.run([sys.executable, "-c", probe, fmt], capture_output=True,
                              text=True, check=True, timeout=60)
        assert done.stdout.strip().splitlines()[-1] == loaded, fmt


def test_interval_rewrites_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    out = tmp_path / "kata-config.prom"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kata_cli", "check", "-n", "--root", str(FIXTURE),
         "--interval", "1", "--format", "prometheus", "--output", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stamps: list[float] = []
        deadline = time.monotonic() + 30
        while len(set(stamps)) < 2 and time.monotonic() < deadline:
            if out.exists():
                (stamp,) = _families(out.read_text())["kata_config_last_run_timestamp_seconds"]
                stamps.append(stamp[1])
            time.sleep(0.2)
        assert len(set(stamps)) >= 2, "the file was not rewritten"
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert not [p for p in tmp_path.iterdir() if p.name != out.name]  # no temp files left


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_node_exporter_serves_our_textfile(tmp_path: Path) -> None:
    """A real prometheus-node-exporter (Debian package) reads the file; we scrape it back."""
    import urllib.request

    exporter = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
    need(exporter is not None, "prometheus-node-exporter",
         "apt-get install prometheus-node-exporter (.ci/setup.d/30-node-exporter.sh)")
    assert exporter is not None
    textdir = tmp_path / "textfile"
    textdir.mkdir()
    code, _, err = check("--root", str(FIXTURE), "--format", "prometheus",
                         "--output", str(textdir / "kata-config.prom"))
    assert code in (0, 1), err
    port = _free_port()
    proc = subprocess.Popen(
        [exporter, f"--web.listen-address=127.0.0.1:{port}", "--collector.disable-defaults",
         "--collector.textfile", f"--collector.textfile.directory={textdir}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        body = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    families = _families(body)
    assert families["node_textfile_scrape_error"][0][1] == 0, body
    (verdict,) = families["kata_config_verdict"]
    _, json_out, _ = check("--root", str(FIXTURE), "--format", "json")
    assert verdict[1] == {"pass": 0, "warn": 1, "fail": 2}[json.loads(json_out)["verdict"]]
    assert any(labels.get("id") == "cpu.virtualization"
               for labels, _ in families["kata_config_check_status"])


def test_the_checker_pod_is_not_mistaken_for_the_node(tmp_path: Path) -> None:
    """Under --root /host --live, proc/self is the pod (overlay root): not a node finding."""
    root = _live_root(tmp_path)
    (root / "proc" / "self").mkdir(parents=True)
    (root / "proc" / "self" / "mountinfo").write_text(
        "2317 2079 0:219 / / rw,relatime - overlay overlay rw,lowerdir=/a,upperdir=/b\n")
    statuses = {}
    for extra in ((), ("--live",)):
        _, out, _ = check("--root", str(root), "--only", "env.container", "--format", "json",
                          *extra)
        (line,) = json.loads(out)["checks"]
        statuses[extra] = line["status"]
    assert statuses == {(): "warn", ("--live",): "pass"}
