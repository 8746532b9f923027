"""enable_annotations entries judged as Go's RE2 and Rust's regex crate judge them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kata_runtime.annotations.allowlist import AllowList
from kata_runtime.annotations.regex_match import compile_entry
from kata_runtime.annotations.regex_syntax import EvaluationBound, RegexSyntaxError

# (entry, suffix, matches): the same verdict in both dialects.
MATCHES = [
    ("path", "jailer_path", True),  # unanchored: an entry widens to every suffix containing it
    ("path", "vhost_user_store_path", True),
    ("^path$", "jailer_path", False),
    ("^path$", "path", True),
    (".*", "anything", True),
    ("", "kernel", True),  # an empty entry matches everything
    ("default_(max_)?vcpus", "default_max_vcpus", True),
    ("default_maxvcpus", "default_max_vcpus", False),  # the key name is not the annotation name
    ("(?i)KERNEL", "kernel_params", True),
    (r"\bpath\b", "jailer_path", False),
    (r"kernel\z", "kernel_hash", False),
    (r"^kernel$", "kernel\n", False),  # $ is end of text in both, not before a final newline
    ("[[:alpha:]_]+$", "kernel_params", True),
    (r"[\x61-\x7a]+", "abc", True),
    ("^a{3}$", "aa", False),
    ("^a{2,}$", "aaaa", True),
    ("virtio_fs_.*|shared_fs", "shared_fs", True),
    (r"\d", "msize_9p", True),
    (r"^\w+$", "prefetch_files.list", False),
]


@pytest.mark.parametrize(("entry", "suffix", "expected"), MATCHES,
                         ids=[f"{e}~{s}" for e, s, _ in MATCHES])
@pytest.mark.parametrize("dialect", ["go", "rs"])
def test_unanchored_match(entry: str, suffix: str, expected: bool, dialect: str) -> None:
    assert compile_entry(entry, dialect).search(suffix) is expected  # type: ignore[arg-type]


# (entry, valid in Go, valid in Rust): syntax Python's re accepts but a runtime refuses, and back.
VALIDITY = [
    (r"(a)\1", False, False),  # backreference
    ("(?=path)", False, False),  # lookahead
    ("(?<!jailer_)path", False, False),  # lookbehind
    ("(?>path)", False, False),  # atomic group
    ("(?P=name)", False, False),  # Python's named backreference
    ("(?(1)a|b)", False, False),  # conditional
    ("(?#comment)path", False, False),
    (r"path\Z", False, False),  # Python's end anchor
    ("a*+", False, True),  # possessive in Python 3.11+, nested repetition: Go refuses, Rust nests
    ("a**", False, True),
    ("a{2}{3}", False, True),
    ("a{1001}", False, True),  # Go's repeat count limit
    ("x{", True, False),  # a literal brace in Go, an unclosed repetition in Rust
    (r"\Qa.b\E", True, False),  # Go's literal quoting
    ("(?x) a b", False, True),  # verbose flag
    (r"\pL", True, True),
    ("[[:word:]]", True, True),
    ("[[:nope:]]", False, False),
    ("*path", False, False),
    ("(path", False, False),
    ("path)", False, False),
    ("[z-a]", False, False),
    ("(?i)", True, True),
    ("(?P<n>path)", True, True),
]


@pytest.mark.parametrize(("entry", "go_ok", "rs_ok"), VALIDITY, ids=[v[0] for v in VALIDITY])
def test_dialect_validity(entry: str, go_ok: bool, rs_ok: bool) -> None:
    for dialect, ok in (("go", go_ok), ("rs", rs_ok)):
        if ok:
            compile_entry(entry, dialect)  # type: ignore[arg-type]
        else:
            with pytest.raises(RegexSyntaxError):
                compile_entry(entry, dialect)  # type: ignore[arg-type]


def test_go_set_skips_a_bad_entry_but_rust_set_fails_whole() -> None:
    entries = ["kernel", r"(a)\1"]
    go = AllowList(entries, "go")
    assert go.match("kernel_params") == ("kernel", "")
    assert any("never matches" in note for note in go.notes)
    rs = AllowList(entries, "rs")
    matched, why = rs.match("kernel_params")
    assert matched is None
    assert "disables every hypervisor annotation" in why


def test_character_class_set_operations_are_rust_only() -> None:
    rust = compile_entry("^[a-z&&[^aeiou]]+$", "rs")
    assert rust.search("pth")
    assert not rust.search("path")
    go = compile_entry("^[a-z&&[^aeiou]]+$", "go")  # Go: a class of a-z & [ ^ a e i o u, then ]
    assert go.search("&]")
    assert not go.search("pth")


def test_size_bounds_are_reported_as_bounds_not_as_invalid_syntax() -> None:
    with pytest.raises(EvaluationBound):
        compile_entry("(a{1000}){1000}", "rs")
    with pytest.raises(EvaluationBound):
        compile_entry("(" * 300 + ")" * 300, "go")
    with pytest.raises(RegexSyntaxError) as too_deep:
        compile_entry("(" * 300 + ")" * 300, "rs")  # Rust's own nest limit is 250
    assert not isinstance(too_deep.value, EvaluationBound)


def test_catastrophic_entries_stay_linear() -> None:
    """Entries that make a backtracking engine explode finish at once (run in a subprocess so
    a regression shows up as a timeout, not a hung suite)."""
    code = (
        "from kata_runtime.annotations.allowlist import AllowList\n"
        "bad = ['(a+)+$', '(a|aa)+$', '(a*)*b', '(.*a){20}$', '^(([a-z])+.)+[A-Z]([a-z])+$']\n"
        "for d in ('go', 'rs'):\n"
        "    allow = AllowList(bad * 10, d)\n"
        "    for n in (30, 300, 1000):\n"
        "        assert allow.match('a' * n + '!')[0] is None, d\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "ok"
