"""A host root cannot be escaped: no symlink, ``..`` or magic link reads outside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kata_config.probes.host import HostRoot, Unreadable
from kata_config.reader import load_config
from tests.hostile.conftest import SECRET, link, make

# (link below the root, its target; {outside} is the absolute outside dir) -> path to read
ESCAPES = {
    "absolute": ("proc/cpuinfo", "{outside}/secret", "proc/cpuinfo"),
    "dotdot": ("proc/cpuinfo", "../../outside/secret", "proc/cpuinfo"),
    "deep-dotdot": ("proc/cpuinfo", "../../../../../../../../{outside}/secret", "proc/cpuinfo"),
    "dir-absolute": ("etc", "{outside}", "etc/secret"),
    "dir-dotdot": ("etc", "..", "etc/outside/secret"),
    "proc-self-root": ("proc/cpuinfo", "/proc/self/root{outside}/secret", "proc/cpuinfo"),
    "proc-self-cwd": ("x", "/proc/self/cwd/secret", "x"),
    "chain": ("a", "b", "a"),
}


@pytest.mark.parametrize("case", sorted(ESCAPES))
def test_no_symlink_leads_out(resolver: str, root: Path, outside: Path, case: str,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    where, target, read = ESCAPES[case]
    link(root, where, target.format(outside=outside))
    if case == "chain":
        link(root, "b", str(outside / "secret"))
    monkeypatch.chdir(outside)  # a relative escape would find the secret in the cwd
    host = HostRoot(root)
    assert host.read_text(read) is None
    assert not host.exists(read)
    with pytest.raises(Unreadable):
        host.read(read)


@pytest.mark.parametrize("rel", ["../outside/secret", "/../../outside/secret",
                                 "proc/../../outside/secret", "lib/modules/../../../../x/../"
                                 "outside/secret"])
def test_dotdot_in_the_asked_path_stops_at_the_root(resolver: str, root: Path, outside: Path,
                                                     rel: str) -> None:
    assert HostRoot(root).read_text(rel) is None


def test_escaping_links_resolve_inside_the_root(resolver: str, root: Path, outside: Path) -> None:
    """As under chroot, an absolute target is the root's own file of that name."""
    make(root, "etc/shadow", "the root's own shadow\n")
    link(root, "proc/cpuinfo", "/etc/shadow")
    link(root, "sys/x", "../../../../../etc/shadow")
    host = HostRoot(root)
    assert host.read_text("proc/cpuinfo") == "the root's own shadow\n"
    assert host.read_text("sys/x") == "the root's own shadow\n"
    assert host.resolve("proc/cpuinfo") == host.resolve("sys/x") == "/etc/shadow"


def test_proc_links_to_live_proc_is_a_loop_not_the_live_cpu(resolver: str, root: Path) -> None:
    link(root, "proc", "/proc")
    host = HostRoot(root)
    assert host.read_text("proc/cpuinfo") is None
    with pytest.raises(Unreadable, match="symbolic links"):
        host.read("proc/cpuinfo")


def test_link_loops_and_long_chains_end(resolver: str, root: Path) -> None:
    link(root, "a", "b")
    link(root, "b", "a")
    for i in range(60):
        link(root, f"c{i}", f"c{i + 1}")
    make(root, "c60", "end\n")
    host = HostRoot(root)
    assert host.read_text("a") is None
    assert host.read_text("c30") == "end\n"  # 30 hops: within Linux's 40
    assert host.read_text("c0") is None  # 60 hops: refused as the kernel would


def test_magic_links_of_live_proc_are_refused(resolver: str) -> None:
    """On the live root, /proc/self/root and fd/* point wherever a process is: never followed."""
    if not Path("/proc/self/root").exists():
        pytest.skip("no procfs")
    host = HostRoot("/")
    fd = os.open("/etc/hostname", os.O_RDONLY) if Path("/etc/hostname").exists() else None
    try:
        if resolver == "openat2":
            assert host.read_text("proc/self/root/etc/hostname") is None
            if fd is not None:
                assert host.read_text(f"proc/self/fd/{fd}") is None
        # by hand the link's text is re-anchored at the root: under "/" that is "/" itself
        assert host.read_text("proc/self/mountinfo")  # an ordinary proc link still works
    finally:
        if fd is not None:
            os.close(fd)


def test_loader_reads_config_and_dropins_inside_the_root(resolver: str, root: Path,
                                                          outside: Path) -> None:
    real = "usr/share/defaults/kata-containers"
    make(root, f"{real}/configuration-qemu.toml", "[hypervisor.qemu]\ndefault_memory = 1\n")
    make(root, f"{real}/config.d/10-mem.toml", "[hypervisor.qemu]\ndefault_memory = 2\n")
    link(root, f"{real}/config.d/20-out.toml", str(outside / "configuration.toml"))
    link(root, f"{real}/config.d/30-up.toml", "../../../../../../outside/configuration.toml")
    link(root, "etc/kata-containers/configuration.toml", f"/{real}/configuration-qemu.toml")
    loaded = load_config("/etc/kata-containers/configuration.toml", host=HostRoot(root))
    assert loaded.data["hypervisor"]["qemu"] == {"default_memory": 2}
    assert str(loaded.main) == "/etc/kata-containers/configuration.toml"
    assert loaded.files == ("/etc/kata-containers/configuration.toml",
                            f"/{real}/config.d/10-mem.toml")
    rules = sorted(f.rule_id for f in loaded.findings)
    assert rules == ["dropin-not-file", "dropin-not-file", "dropin-symlink", "dropin-symlink"]
    assert SECRET not in repr(loaded)


def test_config_symlinked_outside_is_not_read(resolver: str, root: Path, outside: Path) -> None:
    link(root, "etc/kata-containers/configuration.toml", str(outside / "configuration.toml"))
    loaded = load_config("etc/kata-containers/configuration.toml", host=HostRoot(root))
    assert not loaded.ok
    (finding,) = loaded.findings
    assert finding.rule_id == "file-unreadable"
    assert "does not exist" in finding.message
    assert SECRET not in finding.message


def test_config_dir_symlinked_outside_lists_nothing_outside(resolver: str, root: Path,
                                                            outside: Path) -> None:
    make(root, "etc/kata-containers/configuration.toml", "[runtime]\n")
    link(root, "etc/kata-containers/config.d", str(outside))
    loaded = load_config("/etc/kata-containers/configuration.toml", host=HostRoot(root))
    assert loaded.ok
    assert loaded.files == ("/etc/kata-containers/configuration.toml",)


def test_open_device_opens_only_a_character_device_inside_the_root(resolver: str,
                                                                   root: Path) -> None:
    make(root, "dev/kvm")  # a snapshot's stand-in: a regular file is never opened for writing
    link(root, "dev/null", "/dev/zero")  # resolves to root/dev/zero: absent
    host = HostRoot(root)
    with pytest.raises(OSError, match="not a character device"):
        host.open_device("dev/kvm")
    with pytest.raises(FileNotFoundError):
        host.open_device("dev/null")
    fd = HostRoot("/").open_device("/dev/null")
    try:
        assert os.write(fd, b"x") == 1
    finally:
        os.close(fd)


@pytest.mark.parametrize("target", ["/dev", "../../../../../../dev"])
def test_live_under_a_root_never_uses_a_device_outside_it(resolver: str, root: Path,
                                                          target: str) -> None:
    """``--root R --live`` with R/dev linked to the pod's own /dev must not open /dev/kvm."""
    from typer.testing import CliRunner

    from kata_cli import app

    make(root, "proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t: lm vmx\n")
    link(root, "dev", target)
    result = CliRunner().invoke(app, ["check", "--root", str(root), "--live", "-n",
                                      "--only", "kvm"])
    assert result.exit_code == 2, result.output
    assert "dev/kvm is missing" in result.stderr


def test_live_under_a_root_opens_the_roots_own_device(resolver: str, root: Path) -> None:
    if os.geteuid() != 0 or not Path("/dev/kvm").is_char_device():
        pytest.skip("needs root and a /dev/kvm to copy the device number of")
    import stat as stat_module

    from typer.testing import CliRunner

    from kata_cli import app

    number = os.stat("/dev/kvm").st_rdev
    (root / "dev").mkdir()
    os.mknod(root / "dev" / "kvm", 0o660 | stat_module.S_IFCHR, number)
    result = CliRunner().invoke(app, ["check", "--root", str(root), "--live", "-n", "--only",
                                      "kvm.device"])
    assert f"{root}/dev/kvm opens read-write" in result.stdout, result.output
