"""``check --root`` as a user runs it on a tree whose links lead out: each probe reports the
root's own (missing) file, never the live host's or the one beside the root, and nothing
changes. Text from the host's files reaches the terminal escaped."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from tests.hostile.conftest import SECRET, fingerprint, link

runner = CliRunner()
HOST = Path(__file__).parents[1] / "fixtures" / "hosts" / "x86_64-intel-kvm-ok"
CONFIG = "usr/share/defaults/kata-containers/configuration.toml"


def _live_model() -> str | None:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return None
    return next((x.split(":", 1)[1].strip() for x in lines if x.startswith("model name")), None)


# as under chroot, a link out of the root is a dangling link inside it: the root's own file
# of that name, which is not there
CPU_GONE = (1, "FAIL", "cpu.model", "evidence: proc/cpuinfo: it does not exist")
CONFIG_GONE = (0, "SKIP", "config.file", "no Kata configuration found")
# name -> link below the root, its target ({outside}: the folder beside the root), then
# the exit code and the check expected (status, name, text of its message or evidence)
ESCAPES = {
    "cpuinfo-to-etc-shadow": ("proc/cpuinfo", "/etc/shadow", CPU_GONE),
    "cpuinfo-outside": ("proc/cpuinfo", "{outside}/secret", CPU_GONE),
    "cpuinfo-dotdot": ("proc/cpuinfo", "../../outside/secret", CPU_GONE),
    "proc-to-live-proc": ("proc", "/proc", (
        1, "FAIL", "cpu.model", "evidence: proc/cpuinfo: it goes through too many or forbidden "
                                "symbolic links")),
    "config-outside": (CONFIG, "{outside}/configuration.toml", CONFIG_GONE),
    "config-dotdot": (CONFIG, "../../../../../outside/configuration.toml", CONFIG_GONE),
}


@pytest.mark.parametrize("case", sorted(ESCAPES))
def test_check_root_reads_nothing_beyond_a_link(resolver: str, tmp_path: Path, outside: Path,
                                                case: str) -> None:
    root = tmp_path / "root"
    shutil.copytree(HOST, root, symlinks=True)
    where, target, (code, status, check, message) = ESCAPES[case]
    place = root / where
    if place.is_dir() and not place.is_symlink():
        shutil.rmtree(place)
    link(root, where, target.format(outside=outside))
    before = fingerprint(root, outside)
    result = runner.invoke(app, ["check", "--root", str(root), "--arch", "x86_64", "-n", "-v"])
    assert result.exit_code == code, result.output
    lines = result.stdout.splitlines()
    at = next(i for i, x in enumerate(lines) if x.split()[1:2] == [check])
    assert lines[at].split()[0] == status, result.stdout
    assert message in lines[at] + lines[at + 1], lines[at:at + 2]
    assert SECRET not in result.output
    model = _live_model()
    if model:
        assert model not in result.output  # the live CPU never passes as the root's
    assert "Traceback" not in result.output
    assert fingerprint(root, outside) == before


ESCAPED = "Evil\x1b]0;pwned\x07\x1b[2J\x9b31m CPU\u202e"


@pytest.mark.parametrize("command", ["check", "env", "env-verbose"])
def test_escape_sequences_in_host_files_are_shown_escaped(tmp_path: Path,
                                                          command: str) -> None:
    root = tmp_path / "root"
    shutil.copytree(HOST, root, symlinks=True)
    cpuinfo = root / "proc/cpuinfo"
    cpuinfo.write_text("".join(f"model name\t: {ESCAPED}\n" if x.startswith("model name")
                               else x for x in cpuinfo.read_text().splitlines(True)))
    (root / "proc/sys/kernel/osrelease").write_text("6.1.0\x1b[2J\u202e-evil\n")
    argv = {"check": ["check", "-v", "-n"], "env": ["env"], "env-verbose": ["env", "-v"]
            }[command]
    before = fingerprint(root)
    result = runner.invoke(app, [*argv, "--root", str(root), "--arch", "x86_64"])
    assert result.exit_code == 0, result.output  # the fixture host passes (check: a WARN)
    assert "Evil" in result.stdout
    if command != "check":  # check does not show the kernel release
        assert "evil" in result.stdout
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in result.output, (raw, result.stdout)
    if command != "check":  # still TOML, and still the host's text once parsed
        host = tomllib.loads(result.stdout)["host"]
        assert host["cpu_model"].startswith(ESCAPED)
        assert host["kernel"] == "6.1.0\x1b[2J\u202e-evil"
    assert fingerprint(root) == before
