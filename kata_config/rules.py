"""Registry of every configuration rule: id -> rule and its documentation."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final, NamedTuple

from kata_config import compat, fragment, reader, schema, suppress
from kata_config.findings import Rule, Severity
from kata_config.keys import history_data

INTERNAL_ERROR = Rule("internal-error", Severity.ERROR, "A rule failed; the report is incomplete")

_STAGE_DOCS: Final[Mapping[str, str]] = {
    "file-unreadable": "The file (or config.d/ entry) cannot be opened: missing, a directory, "
    "or no permission. Kata fails to load it the same way.",
    "file-not-text": "The file holds NUL bytes or is not UTF-8; TOML must be UTF-8 text.",
    "file-too-large": "The file is over 4 MiB; a Kata configuration is a few KiB, so this is "
    "not one (kata-config refuses to parse it rather than exhaust memory).",
    "toml-syntax": "The text is not valid TOML (syntax, duplicate key or table, an unquoted "
    "string such as `log_level = trace`). Both runtimes refuse to load it.",
    "dropin-not-file": "Both runtimes read every entry of config.d/ (no name filter) and "
    "fail on one that is not a regular file, such as a sub-directory.",
    "dropin-symlink": "runtime-rs checks each config.d/ entry's own type, which for a "
    "symbolic link is not a regular file, so it most likely refuses the entry.",
    "dropin-temp-file": "A config.d/ entry is named like a temporary file of an interrupted "
    "write (`.kata-config-<pid>-*.tmp`, or an older `.<name>.XXXXXXXX.tmp`). Both runtimes "
    "read it as a drop-in all the same, half-written or not: delete it. kata-config itself "
    "never creates temporary files inside config.d/.",
    "file-too-complex": "The file nests tables more than 16 levels deep or holds more than "
    "1,000 tables. A Kata configuration has about 10 tables, 4 levels deep; kata-config "
    "refuses to check such a file rather than spend unbounded time and memory on it.",
    "schema-type": "A known key holds a value of the wrong TOML type (a string for a boolean, "
    "a float for an integer). Both runtimes fail to decode it. Integers are accepted where a "
    "float is expected (default_vcpus).",
    "schema-enum": "A key with a fixed set of values holds none of them. The message lists "
    "the allowed values and the closest match.",
    "schema-range": "A number is below or above what the runtime can decode (a negative "
    "value for an unsigned key, more than 255 for an 8-bit one).",
    "unknown-key": "A key no runtime reads, usually a typo. Both runtimes ignore it silently "
    "and use the built-in value, which is why a misspelt key is so hard to notice. The "
    "message suggests the closest known key, or the table the key belongs in.",
    "unknown-key-rejected": "runtime-rs decodes [agent.*], [agent.*.mem_agent], "
    "[hypervisor.*.factory], rootless_user and shared_mounts strictly: an unknown key there "
    "fails the load.",
    "negative-value": "A negative number in a key where only 0 or more makes sense (a size, "
    "a count, a rate). runtime-rs refuses it (`schema-range`); the Go runtime decodes it "
    "into a 64-bit field without complaint: an unsigned one wraps it (`-1` becomes "
    "18446744073709551615), a signed one keeps it. Either way the VM does not get what the "
    "file meant. 32-bit fields refuse it in both runtimes (`schema-range`).",
    "unknown-table": "A top-level table that is not [hypervisor.*], [agent.*], [runtime] or "
    "[factory] (there is no [image] table, for example); it is ignored.",
    "placeholder-in-comment": "A comment still holds a build-time @VARIABLE@ marker: no "
    "effect, but the file came from a build that did not know the variable.",
    "dropin-fragment": fragment.DOC,
    "internal-error": "A rule raised an exception. The other rules still ran; please report "
    "the message.",
}


# the call form (see walk.KeyRef): no annotation strings for typing to compile at import
RuleDoc = NamedTuple("RuleDoc", [("rule", Rule), ("doc", str)])  # noqa: UP014
RuleDoc.__doc__ = "A rule with the text that documents it."


def registry() -> dict[str, RuleDoc]:
    """Every rule kata-config validate can report, by id (raises on a duplicate id)."""
    from kata_config.validators import CHECKS  # noqa: PLC0415 (the rule registry)

    entries: list[RuleDoc] = [
        RuleDoc(rule, _STAGE_DOCS[rule.id])
        for rule in (*reader.RULES, *schema.RULES, compat.PLACEHOLDER_IN_COMMENT, INTERNAL_ERROR,
                     fragment.DROPIN_FRAGMENT)
    ]
    import inspect  # noqa: PLC0415 (stdlib, with ast/dis/tokenize ~4 ms: only for rule docs)

    entries += [RuleDoc(rule, inspect.getdoc(check) or "") for rule, check in
                (*compat.CHECKS, *CHECKS)]
    entries.append(RuleDoc(suppress.UNUSED_DISABLE, suppress.UNUSED_DISABLE_DOC))
    result: dict[str, RuleDoc] = {}
    for entry in entries:
        if entry.rule.id in result:
            raise ValueError(f"duplicate rule id {entry.rule.id!r}")
        result[entry.rule.id] = entry
    return result


LEFT_OUT: Final[tuple[tuple[str, str], ...]] = (
    ("L1-L9, D1, D5 (which file is loaded)",
     "Not a rule about a file's content: `validate` with no PATH follows the same search order "
     "and says which file it picked."),
    ("A1, A3, A5, A12-A13, A6 (paths must exist; image/initrd sizes; bind mounts resolve)",
     "Need the host's filesystem; `validate` is static. `kata-config check` tests every "
     "configured path on the host."),
    ("C1, C2, C4, C7, M2, M3, M6 (clamps against host CPUs and RAM)",
     "Depend on the host's CPU count and memory; `kata-config check` compares them."),
    ("S6 (runtime-rs plugins built in or not)",
     "Depends on how the shim was built; the file-level part (a name no runtime knows) is "
     "`hypervisor-name-invalid`."),
    ("C8, X4, G2, G3, R5, T2, T3 (values adjusted or used when a sandbox starts)",
     "Runtime behaviour without a wrong value to point at in the file; where a file value "
     "leads to it, the rule on that value says so in its message."),
    ("X1 (TEE present on the host)",
     "Needs the host; `kata-config check` reports TDX, SEV(-ES/-SNP), SE and PEF with their "
     "evidence and fails a confidential config only when its TEE is missing."),
    ("N-5 to N-10 (annotation values at pod creation)",
     "Annotations arrive with each pod, not in the file; the allow-list itself "
     "(`enable_annotations`, `valid_*_paths`) is checked."),
)


def _when(rule: Rule) -> str:
    return rule.when if rule.severity is Severity.ERROR else ""


def _is_code(line: str) -> bool:
    return line.startswith("    ") and bool(line.strip())


def doc_markdown(doc: str) -> str:
    """A rule's docstring as CommonMark: its indented examples become fenced TOML blocks.

    Docstrings write ``Fails:`` (or reST's ``Fails::``) directly above an indented example;
    CommonMark needs a blank line there, or the example runs into the paragraph.
    """
    lines = doc.strip().splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not _is_code(lines[i]):
            if lines[i].strip() or (out and out[-1].strip()):
                out.append(lines[i])
            i += 1
            continue
        while out and not out[-1].strip():
            out.pop()
        if out and out[-1].endswith("::"):
            out[-1] = out[-1][:-1]
        block: list[str] = []
        # the example runs on over blank lines while indented lines follow
        while i < len(lines) and (_is_code(lines[i]) or (not lines[i].strip() and any(
                _is_code(x) for x in lines[i + 1:i + 2]))):
            block.append(lines[i][4:])
            i += 1
        out += ([""] if out else []) + ["```toml", *block, "```", ""]
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


def _history_section() -> list[str]:
    import json  # noqa: PLC0415 (stdlib, ~1 ms of validate's start-up: only docs/rules.md needs it)

    go, rs = history_data.GO_RELEASES, history_data.RS_RELEASES
    return [
        "## Release history (retired-key, key-too-new, retired-value, config-release)", "",
        f"The newest release kata-config knows is **{history_data.NEWEST}**; `--kata-version X.Y` "
        "checks a file as an older release reads it. For every release of the Go runtime "
        f"({go[0]}-{go[-1]}) and of runtime-rs ({rs[0]}-{rs[-1]}) the keys its loader decodes "
        "were read from upstream's source at that release's tag (Go `toml` struct tags, "
        "runtime-rs serde fields, renames and aliases), together with the hypervisor table "
        "names each accepts and the tables runtime-rs checks strictly. The tags and commits "
        "read are listed in `kata_config/keys/history_data.py` (`SOURCES`); why a key went "
        "and what replaced it, with the upstream commit, in `history_notes.py`. 1.x comes "
        "from kata-containers/runtime (1.13 from its master of 2021-05, the 1.13 branch "
        "being absent from the snapshot read), 2.0 on from kata-containers/kata-containers.",
        "",
        "Built-in values changed too: where an older release used another value for a key "
        "the file leaves out, `history_data.DEFAULTS` records it with its releases (read "
        "at the same tags), and `--kata-version` (and `load(kata_version=)`) resolve absent "
        "keys with it:",
        "",
        "| runtime | key | hypervisor | releases | built-in value then |",
        "|---|---|---|---|---|",
        *(f"| {rt} | `{table}.{key}` | {hv or 'any'} | {since}-{until} | `{json.dumps(value)}` |"
          for rt, table, key, hv, since, until, value in history_data.DEFAULTS),
        "",
        "`diff` compares a file of an older release with that release's stock file "
        "(`kata_config/stock/releases/`: upstream's templates rendered at the tag, origins "
        "in `tests/fixtures/SOURCES.md`).",
        "",
        "The tags and commits read:",
        "",
        "| release | runtimes | repository | tag | commit |",
        "|---|---|---|---|---|",
        *_sources_rows(history_data.SOURCES, history_data.REPOSITORIES),
    ]


def _sources_rows(sources: tuple[tuple[str, str, str, str, str], ...],
                  repositories: dict[str, str]) -> list[str]:
    """One row per release read: which runtimes, where, and the commit."""
    rows: dict[tuple[str, str, str, str], list[str]] = {}
    for rt, rel, repo, tag, commit in sources:
        rows.setdefault((rel, repositories[repo], tag, commit), []).append(rt)
    ordered = sorted(rows.items(), key=lambda item: tuple(map(int, item[0][0].split("."))))
    return [f"| {rel} | {', '.join(rts)} | {repo} | {tag} | `{commit[:12]}` |"
            for (rel, repo, tag, commit), rts in ordered]


def render_markdown() -> str:
    """docs/rules.md: every rule id with severity and documentation, plus what is left out."""
    lines = [
        "# kata-config validate: rules",
        "",
        "Generated by `python -m kata_config.rules` from the rules' own documentation; a test "
        "fails when this file is stale. Severity: **error** means the runtime refuses to load "
        "the file or to start the VM; **warning** means it silently changes, ignores or picks "
        "at random; **info** is harmless. For an error, *when* says which: **load** (the "
        "runtime refuses the file) or **start** (it loads the file, and the VM fails when the "
        "sandbox is created or the hypervisor starts). JSON and SARIF output carry the same "
        "`when` on every finding; a rule whose timing depends on the hypervisor says so below "
        "and sets it per finding. [fidelity.md](fidelity.md) checks the load-time ones "
        "against upstream's own loader.",
        "",
        "| rule | severity | when | summary |",
        "|---|---|---|---|",
    ]
    entries = sorted(registry().values(), key=lambda e: e.rule.id)
    lines += [f"| [`{e.rule.id}`](#{e.rule.id}) | {e.rule.severity.label} | {_when(e.rule)} | "
              f"{e.rule.summary} |" for e in entries]
    for entry in entries:
        timing = f", at {entry.rule.when}" if entry.rule.severity is Severity.ERROR else ""
        lines += ["", f"## {entry.rule.id}", "", f"*{entry.rule.severity.label}{timing}*: "
                  f"{entry.rule.summary}.", "", doc_markdown(entry.doc)]
    lines += ["", *_history_section()]
    lines += ["", "## Upstream rules left out", "",
              "Rule numbers refer to the upstream loading and validation rules we researched "
              "(validation-rules.md).", ""]
    lines += [f"- **{what}**: {why}" for what, why in LEFT_OUT]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    target.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {target}")
