"""The one place that runs the stages in order: load -> schema -> model -> rules -> report."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

from kata_config import compat, suppress
from kata_config.arch import canonical_arch, host_arch, normalize
from kata_config.findings import Finding, Issue, Location, Report, Rule
from kata_config.keys import Runtime
from kata_config.keys.history import NEWEST, clamp
from kata_config.locations import GO_CONFIG_PATHS, RS_CONFIG_PATHS
from kata_config.model import KataConfig, detect_runtime
from kata_config.reader import Loaded, load_config
from kata_config.schema import check_schema

RuntimeChoice = Literal["go", "rs", "auto"]
Check = Callable[[KataConfig], Iterator[Issue]]


def all_checks() -> tuple[tuple[Rule, Check], ...]:
    """Every config rule with its check: runtime compatibility first, then the semantic ones."""
    from kata_config.validators import CHECKS

    return (*compat.CHECKS, *CHECKS)


def config_candidates(runtime: RuntimeChoice, env: Mapping[str, str]) -> list[Path]:
    """Where Kata looks for its configuration, in its order (KATA_CONF_FILE first)."""
    paths = [env["KATA_CONF_FILE"]] if env.get("KATA_CONF_FILE") else []
    if runtime == "rs":
        paths += [*RS_CONFIG_PATHS, *GO_CONFIG_PATHS]
    else:
        paths += [*GO_CONFIG_PATHS, *RS_CONFIG_PATHS]
    return [Path(p) for p in paths]


def find_config(runtime: RuntimeChoice = "auto", env: Mapping[str, str] | None = None
                ) -> Path | None:
    """The configuration file Kata itself would load, or None when there is none."""
    for candidate in config_candidates(runtime, os.environ if env is None else env):
        if candidate.exists():
            return candidate
    return None


def _stamp(rule: Rule, issues: Iterable[Issue], loaded: Loaded) -> Iterator[Finding]:
    for issue in issues:
        yield Finding(rule.id, rule.severity, issue.message, loaded.locate(issue.key),
                      issue.when or rule.when)


def _crashed(rule: Rule, exc: Exception, loaded: Loaded) -> Finding:
    # A rule bug must never hide the other findings or print a traceback at the user.
    from kata_config.rules import INTERNAL_ERROR

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
    from kata_config.rules import registry

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
                  dropins: bool = True, release: str = NEWEST) -> Report:
    """Validate one configuration (file or directory, with its drop-ins) into a report, as
    ``release`` (``"3.30"``, default the newest we know) would load it."""
    loaded = load_config(Path(path), dropins=dropins)
    target: Runtime = detect_runtime(loaded.data, loaded.main) if runtime == "auto" else runtime
    findings = findings_for(loaded, target, normalize(arch) if arch else host_arch(),
                            release=release)
    return Report.build(findings, loaded.files)


def validate(paths: Sequence[str | os.PathLike[str]] | None = None, *,
             runtime: RuntimeChoice = "auto", arch: str | None = None,
             env: Mapping[str, str] | None = None, kata_version: str | None = None) -> Report:
    """Validate configurations statically (each with its ``config.d/`` drop-ins) into one report.

    Args:
        paths: files, or directories holding ``configuration.toml``; None or empty validates
            the file Kata would load (``KATA_CONF_FILE`` in ``env``, then the built-in paths).
        runtime: ``"go"``, ``"rs"`` or ``"auto"`` (per file, from its ``[runtime]`` table).
        arch: the arch to check for (``x86_64``, ``arm64``, ...); default: this machine's.
        kata_version: the Kata release whose behaviour counts (``"3.30"``); default: the
            newest release kata-config knows.

    Raises:
        ConfigNotFound: no paths were given and Kata would find no configuration either.
        KataConfigError: an unknown arch or Kata release.
    """
    from kata_config.errors import ConfigNotFound

    target = canonical_arch(arch)
    if not paths:
        found = find_config(runtime, env)
        if found is None:
            raise ConfigNotFound("no configuration found (KATA_CONF_FILE, /etc/kata-containers, "
                                 "/usr/share/defaults/kata-containers, /opt/kata)")
        paths = [found]
    return validate_files([Path(p) for p in paths], runtime, target,
                          release=_release(kata_version))


def _release(kata_version: str | None) -> str:
    from kata_config.keys.history import parse_release

    return parse_release(kata_version) if kata_version else NEWEST


def validate_files(paths: Sequence[Path], runtime: RuntimeChoice = "auto",
                   arch: str | None = None, release: str = NEWEST) -> Report:
    """Validate several configurations into one report."""
    findings: list[Finding] = []
    inputs: list[str] = []
    for path in paths:
        report = validate_file(path, runtime, arch, release=release)
        findings.extend(report.findings)
        inputs.extend(report.inputs)
    return Report.build(findings, inputs)
