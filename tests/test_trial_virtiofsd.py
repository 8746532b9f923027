"""virtiofsd for --try: the daemon's dialect, and Kata's options spelled for the C one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kata_runtime.trial.virtiofsd import dialect, for_trial
from tests.guest import virtiofsd

GO = ("/v", "--syslog", "--cache=auto", "--shared-dir=/s", "--fd=5", "--thread-pool-size=1",
      "--announce-submounts", "--xattr")
RS = ("/v", "--socket-path", "/d/fs.sock", "--shared-dir", "/s", "--cache", "never",
      "--thread-pool-size=1", "-o", "announce_submounts")


@pytest.mark.parametrize(("argv", "expected"), [
    (GO, ("/v", "-o", "cache=auto", "-o", "source=/s", "--fd=5", "--thread-pool-size=1",
          "-o", "announce_submounts", "-o", "xattr")),
    (RS, ("/v", "--socket-path=/d/fs.sock", "-o", "source=/s", "-o", "cache=none",
          "--thread-pool-size=1", "-o", "announce_submounts")),
    (("/v", "--cache=metadata", "--seccomp=kill"), ("/v", "-o", "cache=auto")),
], ids=["go", "runtime-rs", "no-c-equivalent"])
def test_kata_options_in_the_c_spelling(argv: tuple[str, ...], expected: tuple[str, ...]) -> None:
    out, swaps = for_trial(argv, "c")
    assert out == expected
    changed = [w for w in argv[1:] if w.startswith("--") and w not in out
               and w.partition("=")[0] not in ("--socket-path", "--thread-pool-size", "--fd")]
    # every option that changed is named in a swap
    assert all(any(word in s for s in swaps) for word in changed)


def test_no_c_equivalent_is_named_as_dropped() -> None:
    _, swaps = for_trial(("/v", "--seccomp=kill"), "c")
    assert swaps == ["virtiofsd --seccomp=kill dropped: the C virtiofsd has no such option"]


@pytest.mark.parametrize("kind", ["rust", "unknown"])
def test_other_dialects_only_lose_syslog(kind: str) -> None:
    out, swaps = for_trial(GO, kind)  # type: ignore[arg-type]
    assert out == tuple(w for w in GO if w != "--syslog")
    assert swaps == ["virtiofsd --syslog dropped: its errors go to the --try report"]


def test_dialect_of_the_c_daemon_qemu_ships() -> None:
    assert dialect(virtiofsd()) == "c"


@pytest.mark.parametrize(("says", "kind"), [
    ("virtiofsd 1.10.1", "rust"), ("something else", "unknown"),
], ids=["rust", "unknown"])
def test_dialect_from_version_output(tmp_path: Path, says: str, kind: str) -> None:
    fake = tmp_path / "virtiofsd"
    fake.write_text(f"#!/bin/sh\necho '{says}'\n")
    fake.chmod(0o755)
    assert dialect(str(fake)) == kind


def test_dialect_of_a_missing_binary_is_unknown(tmp_path: Path) -> None:
    assert dialect(str(tmp_path / "nope")) == "unknown"
