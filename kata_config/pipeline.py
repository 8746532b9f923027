"""The one place that runs the stages in order: load -> schema -> model -> rules -> report."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

import kata_config
from kata_config import compat, fragment, suppress
from kata_config.arch import canonical_arch, host_arch, normalize
from kata_config.arch.detect import AUTO, detect_arch
from kata_config.configtree import main_files
from kata_config.errors import ConfigNotFound
from kata_config.findings import Finding, Issue, Location, Report, Rule
from kata_config.flavour import detect_runtime
from kata_config.inputs import STDIN
from kata_config.keys import Runtime
from kata_config.keys.history import NEWEST, clamp, parse_release
from kata_config.model import KataConfig
from kata_config.probes.host import HostRoot
from kata_config.reader import Loaded, load_config
from kata_config.rules import INTERNAL_ERROR, registry
from kata_config.schema import check_schema

RuntimeChoice = Literal["go", "rs", "auto"]
Check = Callable[[KataConfig], Iterator[Issue]]


def all_checks() -> tuple[tuple[Rule, Check], ...]:
    """Every config rule with its check: runtime compatibility first, then the semantic ones."""
    from kata_config.validators import CHECKS  # noqa: PLC0415 (the rule registry)

    return (*compat.CHECKS, *CHECKS)


def _stamp(rule: Rule, issues: Iterable[Issue], loaded: Loaded) -> Iterator[Finding]:
    for issue in issues:
        yield Finding(rule.id, rule.severity, issue.message, loaded.locate(issue.key),
                      issue.when or rule.when)


def _crashed(rule: Rule, exc: Exception, loaded: Loaded) -> Finding:
    # A rule bug must never hide the other findings or print a traceback at the user.
    msg = f"internal error in rule {rule.id}: {type(exc).__name__}: {exc}; please report it"
    return Finding(INTERNAL_ERROR.id, INTERNAL_ERROR.severity, msg, Location(str(loaded.main)))


def findings_for(loaded: Loaded, runtime: Runtime, arch: str,
                 checks: Sequence[tuple[Rule, Check]] | None = None,
                 release: str = NEWEST) -> list[Finding]:
    """Run the schema stage and every rule over an already loaded configuration, as
    ``release`` of ``runtime`` would read it."""
    findings = list(loaded.findings)
    if not loaded.ok:
        return findings
    release = clamp(runtime, release)
    for rule, issue in check_schema(loaded.data, runtime, release):
        findings.extend(_stamp(rule, (issue,), loaded))
    cfg = KataConfig(loaded.data, runtime, arch, release)
    for rule, check in all_checks() if checks is None else checks:
        if not rule.active(runtime, release):
            continue  # that release behaves otherwise (Rule.releases)
        try:
            findings.extend(_stamp(rule, check(cfg), loaded))
        except Exception as exc:
            findings.append(_crashed(rule, exc, loaded))
    findings.extend(_comment_placeholders(loaded))
    return _without_disabled(findings, loaded)


def _without_disabled(findings: list[Finding], loaded: Loaded) -> list[Finding]:
    """Apply each file's ``# kata-config: disable=RULE`` comments (see suppress.py)."""
    texts = {parsed.path: parsed.text for parsed in loaded.parsed if parsed.text}
    if not any("kata-config:" in text for text in texts.values()):
        return findings
    return suppress.apply_directives(findings, texts, registry())


def _comment_placeholders(loaded: Loaded) -> Iterator[Finding]:
    rule = compat.PLACEHOLDER_IN_COMMENT
    for parsed in loaded.parsed:
        for line, col, marker in compat.comment_placeholders(parsed.text or ""):
            msg = f"comment holds the unsubstituted build placeholder {marker} (no effect)"
            yield Finding(rule.id, rule.severity, msg, Location(parsed.path, line, col))


def validate_file(path: Path, runtime: RuntimeChoice = "auto", arch: str | None = None,
                  dropins: bool = True, release: str = NEWEST, *,
                  host: HostRoot | None = None) -> Report:
    """Validate one configuration (file or directory, with its drop-ins) into a report, as
    ``release`` (``"3.30"``, default the newest we know) would load it.

    With ``host``, ``path`` is a path inside that host root and every read goes through it.
    ``arch="auto"`` checks the file for the arch it names (``arch.detect``), else the host's.
    """
    loaded = load_config(Path(path), dropins=dropins, host=host)
    target: Runtime = detect_runtime(loaded.data, loaded.main) if runtime == "auto" else runtime
    if arch == AUTO:
        # standard input has no path: the working directory's name says nothing about it
        named = os.fspath(path)
        where = "" if host is None and named == STDIN else (
            loaded.main if host is not None else os.path.abspath(loaded.main))
        target_arch = detect_arch(loaded.data, where)
    else:
        target_arch = normalize(arch) if arch else host_arch()
    findings = findings_for(loaded, target, target_arch, release=release)
    if fragment.is_fragment(Path(path)):
        findings = fragment.as_fragment(findings, loaded.data, Path(path))
    return Report.build(findings, loaded.files)


def validate(paths: Sequence[str | os.PathLike[str]] | None = None, *,
             runtime: RuntimeChoice = "auto", arch: str | None = None,
             env: Mapping[str, str] | None = None, kata_version: str | None = None,
             root: str | os.PathLike[str] = "/", runtime_class: str | None = None) -> Report:
    """Validate configurations statically (each with its ``config.d/`` drop-ins) into one report.

    Args:
        paths: files, or directories searched for ``configuration*.toml`` files (each with
            its ``config.d/``; a directory holding none stands for its ``configuration.toml``);
            paths inside ``root``. None or empty validates the file Kata would load
            (``discover()``).
        runtime: ``"go"``, ``"rs"`` or ``"auto"`` (the runtime class's shim, else per file
            from its ``[runtime]`` table).
        arch: the arch to check for (``x86_64``, ``arm64``, ...); default: this machine's.
            ``"auto"``: per file, the arch its path, QEMU binary or machine type names
            (``kata_config.arch.detect``), else this machine's.
        env: the shim's environment for ``KATA_CONF_FILE`` (see ``discover``).
        kata_version: the Kata release whose behaviour counts (``"3.30"``); default: the
            newest release kata-config knows.
        root: the host root the files are read below (``/``: this machine).
        runtime_class: validate the file this RuntimeClass handler loads.

    Raises:
        ConfigNotFound: no paths were given and Kata would find no configuration either.
        KataConfigError: an unknown arch or Kata release.
    """
    target = AUTO if arch == AUTO else canonical_arch(arch)
    if not paths:
        # through the lazy public name: discovery (~4 ms of imports) loads only when used
        found = kata_config.discover(runtime=runtime, root=root, runtime_class=runtime_class,
                                     env=env)
        if found.path is None:
            raise ConfigNotFound(found.error or "no configuration found", found)
        paths = [found.path]
        if runtime == "auto" and found.handler is not None:
            runtime = found.flavour  # the handler's shim loads it, whatever the file says
    reader = HostRoot(root)
    host = None if reader.live else reader
    return validate_files(_expand(paths, host or HostRoot.plain()), runtime, target,
                          release=_release(kata_version), host=host)


def _expand(paths: Sequence[str | os.PathLike[str]], reader: HostRoot) -> list[Path]:
    """Each directory replaced by the ``configuration*.toml`` files below it, in order."""
    out: list[Path] = []
    for path in paths:
        name = os.fspath(path)
        found = main_files(name, reader) if name != STDIN and reader.is_dir(name) else []
        out.extend([Path(p) for p in found] or [Path(path)])
    return out


def _release(kata_version: str | None) -> str:
    return parse_release(kata_version) if kata_version else NEWEST


def validate_files(paths: Sequence[Path], runtime: RuntimeChoice = "auto",
                   arch: str | None = None, release: str = NEWEST, *,
                   host: HostRoot | None = None) -> Report:
    """Validate several configurations into one report (paths inside ``host`` when given)."""
    findings: list[Finding] = []
    inputs: list[str] = []
    for path in paths:
        report = validate_file(path, runtime, arch, release=release, host=host)
        findings.extend(report.findings)
        inputs.extend(report.inputs)
    return Report.build(findings, inputs)
