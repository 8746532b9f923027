"""network.release against HTTP servers on loopback: good, stalled, garbage, refused, huge."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kata_config.hostcheck import context
from kata_config.probes import release
from kata_config.probes.base import ProbeContext, Status
from kata_config.probes.host import HostRoot

RELEASES = [
    {"tag_name": "3.4.0-rc0", "prerelease": True, "html_url": "u/rc", "published_at": "2026-03-01"},
    {"tag_name": "3.3.1", "html_url": "https://example.test/3.3.1", "published_at": "2026-02-01T0"},
    {"tag_name": "3.2.0", "html_url": "u/3.2.0", "published_at": "2025-12-01"},
    {"tag_name": "nightly", "html_url": "u/n"},
    {"tag_name": "3.9.9", "draft": True},
]
RELEASE_STALL = threading.Event()


class Handler(BaseHTTPRequestHandler):
    """Answers by path; /stall holds the request until the test ends (bounded wait)."""

    def do_GET(self) -> None:
        if self.path == "/stall":
            RELEASE_STALL.wait(10)
            return
        status, body = {
            "/good": (200, json.dumps(RELEASES).encode()),
            "/garbage": (200, b"<html>\x00\xff not json"),
            "/object": (200, b'{"message": "Not Found"}'),
            "/empty": (200, b"[]"),
            "/limited": (403, b'{"message": "API rate limit exceeded"}'),
            "/huge": (200, b"[" + b" " * (release.MAX_BYTES + 10) + b"]"),
        }.get(self.path, (404, b""))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    RELEASE_STALL.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def _ctx(live: bool = True, root: Path | str = "/") -> ProbeContext:
    return context(HostRoot(root, devices_live=live), "x86_64", network=True)


def _runner(version_line: str | None) -> release.Runner:
    calls: list[Sequence[str]] = []

    def run(argv: Sequence[str]) -> str | None:
        calls.append(argv)
        return version_line

    return run


def test_parse_releases_skips_drafts_and_prereleases() -> None:
    got = release.parse_releases(json.dumps(RELEASES).encode())
    assert [r.tag for r in got] == ["3.3.1", "3.2.0"]
    assert got[0].date == "2026-02-01"


@pytest.mark.parametrize(
    "data", [b"", b"{}", b"[1, 2]", b"\xff\xfe"], ids=["empty", "obj", "ints", "bytes"]
)
def test_parse_releases_rejects_garbage(data: bytes) -> None:
    with pytest.raises(ValueError, match="not"):
        release.parse_releases(data)


def test_newer_release_is_reported(server: str) -> None:
    result = release.check_release(
        _ctx(), f"{server}/good", runner=_runner("kata-runtime  : 3.2.0")
    )
    assert result.status is Status.PASS
    assert "newer Kata release is out: 3.3.1 (installed 3.2.0)" in result.message
    assert "https://example.test/3.3.1" in result.remedy
    assert "from kata-runtime --version" in result.evidence


def test_current_release_is_reported(server: str) -> None:
    result = release.check_release(_ctx(), f"{server}/good", runner=_runner("version: 3.3.1, x"))
    assert result.message == "Kata 3.3.1 is the newest release"


def test_unknown_install_reports_the_newest(server: str) -> None:
    result = release.check_release(_ctx(), f"{server}/good", runner=_runner(None))
    assert result.status is Status.PASS
    assert "newest Kata release is 3.3.1" in result.message


def test_snapshot_version_comes_from_the_manifest(server: str, tmp_path: Path) -> None:
    (tmp_path / "kata-config-snapshot.json").write_text('{"kata_version": "3.3.1"}')

    def never(argv: Sequence[str]) -> str | None:
        raise AssertionError("no subprocess on a snapshot")

    result = release.check_release(_ctx(False, tmp_path), f"{server}/good", runner=never)
    assert "3.3.1 is the newest" in result.message


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/stall", "within"),
        ("/garbage", "not JSON"),
        ("/object", "not a list"),
        ("/limited", "403"),
        ("/missing", "404"),
        ("/huge", "larger than"),
    ],
    ids=["stall", "garbage", "object", "rate-limit", "not-found", "huge"],
)
def test_failures_are_one_warning(server: str, path: str, words: str) -> None:
    result = release.check_release(_ctx(), server + path, timeout=0.5, runner=_runner(None))
    assert result.status is Status.WARN
    assert words in result.message
    assert "--no-network-checks" in result.remedy


def test_empty_list_warns(server: str) -> None:
    result = release.check_release(_ctx(), f"{server}/empty", runner=_runner(None))
    assert result.status is Status.WARN


def test_refused_connection_warns() -> None:
    with socket_closed_port() as port:
        result = release.check_release(_ctx(), f"http://127.0.0.1:{port}/", timeout=1)
    assert result.status is Status.WARN
    assert "cannot read the release list" in result.message


def test_file_urls_are_refused() -> None:
    result = release.check_release(_ctx(), "file:///etc/passwd", runner=_runner(None))
    assert result.status is Status.WARN
    assert "only http and https" in result.message


def test_off_by_default_and_nothing_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(release.URL_ENV, "http://127.0.0.1:9/never")
    ctx = context(HostRoot("/"), "x86_64")
    (result,) = release.probe_release(ctx)
    assert result.status is Status.SKIP


def test_url_override_is_used(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(release.URL_ENV, f"{server}/garbage")
    (result,) = release.probe_release(_ctx(live=False, root=Path(__file__).parent))
    assert f"{server}/garbage" in result.evidence


class socket_closed_port:
    """A loopback port with nothing listening on it."""

    def __enter__(self) -> int:
        import socket

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port: int = sock.getsockname()[1]
        sock.close()
        return self.port

    def __exit__(self, *exc: object) -> None:
        pass
