"""``enable_annotations`` rules: the regex allow-list for hypervisor annotations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.keys import Table, annotation_names, keys_of
from kata_config.keys.history import key_status
from kata_config.model import KataConfig
from kata_config.suggest import Suggester
from kata_config.validators._util import hkey, hv_tables, str_list

ANNOTATION_REGEX_INVALID = Rule(
    "annotation-regex-invalid",
    Severity.WARNING,
    "an enable_annotations entry that is not a valid regular expression",
)
ANNOTATION_NEVER_MATCHES = Rule(
    "annotation-never-matches",
    Severity.WARNING,
    "an enable_annotations entry that matches no hypervisor annotation",
)
ANNOTATION_UNANCHORED = Rule(
    "annotation-unanchored",
    Severity.WARNING,
    "an unanchored enable_annotations entry also enables host-path or asset annotations",
)
ANNOTATION_PATH_LIST_EMPTY = Rule(
    "annotation-path-list-empty",
    Severity.WARNING,
    "a path annotation is enabled but its valid_*_paths allow-list is empty",
)

# Suffixes after io.katacontainers.config.hypervisor. that upstream defines (either runtime);
# the key catalogue adds its own when present.
_KNOWN_SUFFIXES: Final = annotation_names.HYPERVISOR

# Path annotations checked against an allow-list, per runtime.
_PATH_LISTS: Final = {
    "path": "valid_hypervisor_paths",
    "jailer_path": "valid_jailer_paths",
    "virtio_fs_daemon": "valid_virtio_fs_daemon_paths",
    "vhost_user_store_path": "valid_vhost_user_store_paths",
    "entropy_source": "valid_entropy_sources",
}
_RS_ONLY_PATH_LISTS: Final = {"ctlpath": "valid_ctlpaths"}


@cache  # compiled for the first entry that is a regex, not at every start-up
def _not_re2() -> re.Pattern[str]:
    """Lookarounds and back-references: Python accepts them, Go's RE2 and Rust's regex not."""
    return re.compile(r"\(\?[=!<]|\\[1-9]")


@cache
def annotation_suffixes() -> frozenset[str]:
    """Every real hypervisor annotation suffix: built-in list plus the catalogue's renames."""
    # Only explicit suffixes: the catalogue leaves ``annotation`` unset for keys that have
    # no annotation at all, so key names alone would add suffixes that do not exist.
    extra = {spec.annotation for spec in keys_of(Table.HYPERVISOR) if spec.annotation}
    return _KNOWN_SUFFIXES | extra


@cache
def _suggester() -> Suggester:
    # an index, not a scan of every suffix per entry: 190,000 entries stay fast (issue 9)
    return Suggester(annotation_suffixes())


def _compile(entry: str) -> re.Pattern[str] | None:
    if _not_re2().search(entry):
        return None
    try:
        return re.compile(entry)
    except re.error:
        return None


_NO_MATCH: Final[frozenset[str]] = frozenset()


class _Matches:
    """What each entry of one configuration matches, worked out once for the four checks.

    Each check used to compile every entry through an LRU cache of 65,536 patterns: past
    that many distinct entries each check's pass evicted what the next one needed, so every
    entry was compiled four times (200,000 entries: 45 s), and the path-list check held all
    of a table's patterns at once. Now each entry is compiled once and only the names it
    matches are kept (shared between entries that match the same names), for the one
    configuration being checked.
    """

    config: KataConfig | None = None
    found: dict[str, frozenset[str] | None] = {}  # noqa: RUF012 -- replaced, never mutated


@cache
def _targets() -> frozenset[str]:
    return annotation_suffixes() | _PATH_LISTS.keys() | _RS_ONLY_PATH_LISTS.keys()


_SEEN: dict[str, frozenset[str] | None] = {}
"""Entries already worked out in this process (upstream's few recur in every file); bounded
by ``_SEEN_MAX`` so that a file of 200,000 made-up entries does not fill memory."""
_SEEN_MAX: Final = 4096


def _matches(cfg: KataConfig) -> dict[str, frozenset[str] | None]:
    """Entry -> the suffixes (and path-list annotations) it matches; None when invalid."""
    if _Matches.config is cfg:
        return _Matches.found
    _Matches.config, _Matches.found = None, {}
    targets = _targets()
    shared: dict[frozenset[str], frozenset[str]] = {_NO_MATCH: _NO_MATCH}
    found: dict[str, frozenset[str] | None] = {}
    for _, _, entry in _entries(cfg):
        if entry in found:
            continue
        if entry in _SEEN:
            found[entry] = _SEEN[entry]
            continue
        if re.escape(entry) == entry:  # no special character: a substring, no regex needed
            matched = frozenset(t for t in targets if entry in t)
        elif (pattern := _compile(entry)) is None:
            found[entry] = None
            continue
        else:
            matched = frozenset(t for t in targets if pattern.search(t))
        found[entry] = shared.setdefault(matched, matched)
        if len(_SEEN) < _SEEN_MAX:
            _SEEN[entry] = found[entry]
    _Matches.config, _Matches.found = cfg, found
    return found


def _entries(cfg: KataConfig) -> Iterator[tuple[str, int, str]]:
    for name, table in hv_tables(cfg):
        for index, entry in enumerate(str_list(table.get("enable_annotations")) or []):
            yield name, index, entry


def check_regex(cfg: KataConfig) -> Iterator[Issue]:
    """An ``enable_annotations`` entry that is not a valid regular expression.

    The Go runtime treats such an entry as never matching, so that annotation stays
    disabled. runtime-rs compiles the list as one set: one bad entry disables every
    hypervisor annotation. Lookarounds and back-references count as invalid (neither Go's
    nor Rust's regex engine has them).

    Fails:
        [hypervisor.qemu]
        enable_annotations = ["kernel_params", "default_(vcpus"]

    Passes:
        [hypervisor.qemu]
        enable_annotations = ["kernel_params", "default_(vcpus|memory)"]
    """
    matches = _matches(cfg)
    for name, index, entry in _entries(cfg):
        if matches[entry] is None:
            effect = (
                "the Go runtime never matches it"
                if cfg.runtime == "go"
                else "runtime-rs then disables every hypervisor annotation"
            )
            yield Issue(
                hkey(name, "enable_annotations"),
                f"enable_annotations[{index}] = {entry!r} is not a valid regular expression: "
                f"{effect}; fix or remove the entry",
            )


def check_never_matches(cfg: KataConfig) -> Iterator[Issue]:
    """An ``enable_annotations`` entry that matches no real annotation name.

    Entries are matched against the annotation suffix after
    ``io.katacontainers.config.hypervisor.``; several suffixes differ from the TOML key
    (``default_max_vcpus``, ``blk_logical_sector_size``, ``cc_init_data``), so writing the
    key name enables nothing.

    Fails:
        [hypervisor.qemu]
        enable_annotations = ["default_maxvcpus"]

    Passes:
        [hypervisor.qemu]
        enable_annotations = ["default_max_vcpus"]
    """
    suffixes = annotation_suffixes()
    matches = _matches(cfg)
    for name, index, entry in _entries(cfg):
        matched = matches[entry]
        if matched is None or not matched.isdisjoint(suffixes):
            continue
        close = _suggester().best(entry)
        hint = f"did you mean {close!r}?" if close else "remove it"
        yield Issue(
            hkey(name, "enable_annotations"),
            f"enable_annotations[{index}] = {entry!r} matches no hypervisor annotation, so it "
            f"enables nothing; {hint}",
        )


def _sensitive(suffix: str) -> bool:
    """Annotations that pick host files or binaries (or vouch for them with a hash)."""
    return suffix.endswith(("path", "_hash", "daemon", "_source", "extra_args")) or suffix in (
        "kernel", "image", "initrd", "firmware", "firmware_volume", "pflashes")


def check_unanchored(cfg: KataConfig) -> Iterator[Issue]:
    """An unanchored entry that also enables annotations choosing host files or binaries.

    Entries are regular expressions matched anywhere in the suffix: ``"path"`` also
    enables ``jailer_path``, ``vhost_user_store_path`` and others, so a pod may then pick
    more host files than the operator meant to allow. Anchor it (``"^path$"``) to enable
    exactly one annotation. Widening to harmless annotations (upstream's ``"enable_iommu"``
    also matches ``enable_iommu_platform``) is not reported.

    Fails:
        [hypervisor.qemu]
        enable_annotations = ["path"]
        valid_hypervisor_paths = ["/usr/bin/qemu-system-x86_64"]

    Passes:
        [hypervisor.qemu]
        enable_annotations = ["^path$"]
        valid_hypervisor_paths = ["/usr/bin/qemu-system-x86_64"]
    """
    suffixes = annotation_suffixes()
    matches = _matches(cfg)
    for name, index, entry in _entries(cfg):
        matched = matches[entry]
        if matched is None or entry not in suffixes:
            continue
        others = sorted(s for s in matched & suffixes if s != entry)
        # an asset's own hash annotation only vouches for what the entry already allows
        if any(_sensitive(other) for other in others if other != f"{entry}_hash"):
            yield Issue(
                hkey(name, "enable_annotations"),
                f"enable_annotations[{index}] = {entry!r} also enables {', '.join(others)}; "
                f"write '^{entry}$' to enable only {entry}",
            )


def check_path_lists(cfg: KataConfig) -> Iterator[Issue]:
    """A path annotation enabled while its ``valid_*`` allow-list is empty.

    Path annotations (``path``, ``jailer_path``, ``virtio_fs_daemon``,
    ``vhost_user_store_path``, ``entropy_source``; runtime-rs also ``ctlpath``) must match
    the matching allow-list; an empty list rejects every value, so the enabled annotation
    can never be used.

    Fails:
        [hypervisor.qemu]
        enable_annotations = ["^path$"]
        valid_hypervisor_paths = []

    Passes:
        [hypervisor.qemu]
        enable_annotations = ["^path$"]
        valid_hypervisor_paths = ["/usr/bin/qemu-system-x86_64"]
    """
    lists = dict(_PATH_LISTS)
    if cfg.runtime == "rs":
        lists.update(_RS_ONLY_PATH_LISTS)
    # a release without the list does not check that annotation's value (Go before 2.1 took
    # any entropy_source)
    lists = {suffix: key for suffix, key in lists.items()
             if key_status(Table.HYPERVISOR.value, key, cfg.runtime, cfg.release)
             in ("read", None)}
    matches = _matches(cfg)
    for name, table in hv_tables(cfg):
        enabled: set[str] = set()
        for entry in dict.fromkeys(str_list(table.get("enable_annotations")) or []):
            enabled |= matches[entry] or _NO_MATCH
        for suffix, list_key in lists.items():
            allowed = table.get(list_key, [])
            if not isinstance(allowed, list) or allowed:
                continue
            if suffix in enabled:
                yield Issue(
                    hkey(name, list_key) if list_key in table else hkey(name, "enable_annotations"),
                    f"annotation {suffix!r} is enabled but {list_key} is empty, so every value "
                    f"is rejected; add allowed paths to {list_key} or stop enabling {suffix!r}",
                )


CHECKS: Final = (
    (ANNOTATION_REGEX_INVALID, check_regex),
    (ANNOTATION_NEVER_MATCHES, check_never_matches),
    (ANNOTATION_UNANCHORED, check_unanchored),
    (ANNOTATION_PATH_LIST_EMPTY, check_path_lists),
)
