"""A release server that speaks garbage is a network WARN, never a crashed probe or a FAIL."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app

HOST = Path(__file__).parents[1] / "fixtures" / "hosts" / "x86_64-pvm"
_OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
ANSWERS = {
    "not-http": b"\x00\x1b[2J\x1b]0;pwned\x07SSH-2.0-OpenSSH_9.6\r\n\x00\x00\x00",
    "many-headers": b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(150))
    + b"\r\n[]",
    "nested-json": _OK + b"\r\n" + b"[" * 200_000 + b"]" * 200_000,
    "escapes-in-status": b"HTTP/1.1 500 \x1b[31mboom\x1b[0m\r\nConnection: close\r\n\r\n",
    "escapes-in-json": _OK + b"\r\n" + b'{"message": "\x1b[2Jrate limited"}',
    "truncated": b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[{",
}
NOT_HTTP = "cannot read the release list: the server's answer is not valid HTTP"
MESSAGES = {  # the start of the WARN line's message, escape sequences shown escaped
    "not-http": f"{NOT_HTTP} (BadStatusLine: \\x00\\x1b[2J\\x1b]0;pwned\\x07SSH-2.0",
    "many-headers": f"{NOT_HTTP} (HTTPException: got more than 100 headers)",
    "nested-json": "release list unusable: JSON nested too deeply to be a release list",
    "escapes-in-status": "cannot read the release list: HTTP 500 \\x1b[31mboom\\x1b[0m",
    "escapes-in-json": "release list unusable: not JSON",
    "truncated": "release list unusable: not JSON",
}


@contextlib.contextmanager
def garbage_server(answer: bytes) -> Iterator[str]:
    """A loopback TCP server answering every connection with ``answer`` and closing."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn, contextlib.suppress(OSError):
                conn.settimeout(1)
                conn.recv(65536)
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/releases"
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.mark.parametrize("case", sorted(ANSWERS))
def test_garbage_from_the_release_server_is_a_warning(case: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KATA_CHECK_NO_NETWORK", raising=False)
    with garbage_server(ANSWERS[case]) as url:
        monkeypatch.setenv("KATA_RELEASE_URL", url)
        result = CliRunner().invoke(app, ["check", "--root", str(HOST), "--arch", "x86_64",
                                          "--only", "network.release", "-v"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "network.release" in x)
    assert line.startswith("WARN"), result.stdout
    assert line.split(None, 2)[2].startswith(MESSAGES[case]), line
    assert "internal error" not in result.output
    assert "crashed" not in result.output
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
