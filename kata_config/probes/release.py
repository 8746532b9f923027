"""``network.release``: is a newer Kata Containers release out than the one installed?

Unlike upstream's check (host-checks.md §1.7), the request has a deadline and a size cap, any
failure is one WARN line rather than the end of the run, root is not refused, and the URL may
point anywhere (``KATA_RELEASE_URL``), e.g. an internal mirror of the release list.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from kata_config.probes.base import CheckResult, ProbeContext, Status
from kata_config.probes.host import HostRoot
from kata_config.record import record

DEFAULT_URL: Final = "https://api.github.com/repos/kata-containers/kata-containers/releases"
URL_ENV: Final = "KATA_RELEASE_URL"
TIMEOUT: Final = 3.0
MAX_BYTES: Final = 4 << 20
_VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")
_STABLE = re.compile(r"v?\d+\.\d+\.\d+$")
VERSION_COMMANDS: Final = (("kata-runtime", "--version"), ("containerd-shim-kata-v2", "--version"))

Runner = Callable[[Sequence[str]], str | None]


@record
class Release:
    """One stable release from the list."""

    version: tuple[int, int, int]
    tag: str
    url: str
    date: str


def parse_version(text: str) -> tuple[int, int, int] | None:
    """The first ``X.Y.Z`` in ``text`` (``"kata-runtime  : 3.2.0"`` -> ``(3, 2, 0)``), or None."""
    match = _VERSION.search(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def parse_releases(data: bytes) -> list[Release]:
    """Stable releases from a GitHub release list, newest first.

    Raises:
        ValueError: the data is not JSON or not a list of release objects.
    """
    import json  # noqa: PLC0415 (~1 ms with its decoder: only the network checks and a snapshot need it)

    try:
        doc: Any = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply to be a release list") from None
    if not isinstance(doc, list) or not all(isinstance(item, dict) for item in doc):
        raise ValueError("not a list of release objects")
    releases = []
    for item in doc:
        tag = item.get("tag_name")
        if not isinstance(tag, str) or not _STABLE.match(tag) or item.get("draft"):
            continue  # drafts and pre-releases (3.3.0-rc0) are never offered as upgrades
        if item.get("prerelease"):
            continue
        version = parse_version(tag)
        if version is not None:
            url, date = item.get("html_url"), item.get("published_at")
            releases.append(Release(version, tag, str(url or ""), str(date or "")[:10]))
    return sorted(releases, key=lambda r: r.version, reverse=True)


def fetch(url: str, timeout: float = TIMEOUT, limit: int = MAX_BYTES) -> bytes:
    """GET ``url`` within ``timeout`` seconds overall and at most ``limit`` bytes.

    The request runs in a daemon thread that the caller waits for at most ``timeout``: socket
    timeouts alone bound each read, not a server that trickles its headers or body.

    Raises:
        OSError: on any network failure, HTTP error status or the deadline passing.
        ValueError: for a URL that is not http(s) or a body over ``limit``.
    """
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"unsupported URL {url!r}: only http and https are fetched")
    import threading  # noqa: PLC0415 (~0.5 ms: only when the network checks are on)

    outcome: list[bytes | Exception] = []  # filled by the worker thread
    worker = threading.Thread(
        target=_fetch_into, args=(url, timeout, limit, outcome), daemon=True, name="kata-release"
    )
    worker.start()
    worker.join(timeout)
    late = TimeoutError(f"no complete answer within {timeout:g} s")
    if not outcome:
        raise late
    if isinstance(outcome[0], Exception):
        # A socket timeout inside the worker (raw or wrapped by urllib) is the same deadline.
        if isinstance(outcome[0], TimeoutError) or isinstance(
            getattr(outcome[0], "reason", None), TimeoutError
        ):
            raise late from None
        raise outcome[0]
    return outcome[0]


def _fetch_into(url: str, timeout: float, limit: int, outcome: list[bytes | Exception]) -> None:
    # http.client and urllib.request (ssl, email): ~15 ms of imports, paid only when the
    # network checks are on
    import http.client  # noqa: PLC0415
    import urllib.error  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        url, headers={"User-Agent": "kata-config", "Accept": "application/vnd.github+json"}
    )
    chunks: list[bytes] = []
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            size = 0
            while time.monotonic() < deadline:
                chunk = response.read1(64 << 10)
                if not chunk:
                    outcome.append(b"".join(chunks))
                    return
                size += len(chunk)
                if size > limit:
                    raise ValueError(f"answer larger than {limit} bytes")
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the response open
        outcome.append(OSError(f"HTTP {exc.code} {exc.reason}"))
    except (OSError, ValueError) as exc:  # handed to the caller
        outcome.append(exc)
    except http.client.HTTPException as exc:  # bytes that are not HTTP, 100+ headers, ...
        outcome.append(OSError(f"the server's answer is not valid HTTP ({type(exc).__name__}: "
                               f"{str(exc)[:200]})"))


def _run(argv: Sequence[str]) -> str | None:
    # shutil (with bz2, lzma, zlib) and subprocess (locale, selectors, signal): ~4 ms of
    # imports, paid only when the network checks are on
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    if shutil.which(argv[0]) is None:
        return None
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=2, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def installed_version(host: HostRoot, runner: Runner = _run) -> tuple[str, str] | None:
    """``(version, where it came from)`` of the installed Kata, or None when unknown.

    Live: the runtime binaries' ``--version``. A snapshot: the version recorded in its manifest.
    Under ``--root /host --live`` the binaries on PATH are the pod's, not the host's, so only
    the root ``/`` runs them.
    """
    if host.live:
        for argv in VERSION_COMMANDS:
            out = runner(argv)
            version = parse_version(out) if out else None
            if version:
                return ".".join(map(str, version)), " ".join(argv)
        return None
    text = host.read_text("kata-config-snapshot.json") or "{}"
    import json  # noqa: PLC0415 (~1 ms with its decoder: see parse_releases)

    try:
        recorded = json.loads(text).get("kata_version")
    except (json.JSONDecodeError, AttributeError):
        return None
    return (recorded, "the snapshot manifest") if isinstance(recorded, str) and recorded else None


def check_release(
    ctx: ProbeContext, url: str, timeout: float = TIMEOUT, runner: Runner = _run
) -> CheckResult:
    """One ``network.release`` verdict for the release list at ``url``."""
    fix = "check proxy settings, point KATA_RELEASE_URL at a mirror, or use --no-network-checks"
    try:
        releases = parse_releases(fetch(url, timeout))
    except ValueError as exc:
        return CheckResult(
            "network.release", Status.WARN, f"release list unusable: {exc}", url, fix
        )
    except OSError as exc:
        reason = getattr(exc, "reason", None) or exc
        return CheckResult(
            "network.release", Status.WARN, f"cannot read the release list: {reason}", url, fix
        )
    if not releases:
        return CheckResult(
            "network.release", Status.WARN, "the release list has no stable release", url
        )
    newest = releases[0]
    evidence = f"{url}: newest {newest.tag} ({newest.date}) {newest.url}".rstrip()
    installed = installed_version(ctx.host, runner)
    if installed is None:
        return CheckResult(
            "network.release",
            Status.PASS,
            f"newest Kata release is {newest.tag}; the installed version is unknown",
            evidence,
        )
    version, source = installed
    evidence += f"; installed {version} (from {source})"
    if (parse_version(version) or (0, 0, 0)) >= newest.version:
        return CheckResult(
            "network.release", Status.PASS, f"Kata {version} is the newest release", evidence
        )
    return CheckResult(
        "network.release",
        Status.PASS,
        f"a newer Kata release is out: {newest.tag} (installed {version})",
        evidence,
        f"upgrade to {newest.tag}: {newest.url}",
    )


def probe_release(ctx: ProbeContext) -> Iterator[CheckResult]:
    """Compare the installed Kata with the newest release, when network checks are on."""
    if not ctx.network:
        yield CheckResult(
            "network.release",
            Status.SKIP,
            "network checks are off (--no-network-checks or KATA_CHECK_NO_NETWORK)",
        )
        return
    yield check_release(ctx, os.environ.get(URL_ENV) or DEFAULT_URL)


PROBES: Final = (probe_release,)
CHECK_IDS: Final = ("network.release",)
