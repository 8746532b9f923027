"""kata_runtime's Go-runtime answers checked against Go's own regexp, filepath and strconv.

Needs a Go toolchain (``.ci/setup.d/20-go-toolchain.sh``); one ``go run`` of
tests/data/annotations/differential.go answers every case, about 5 s with a cold cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kata_config import HostFiles
from kata_runtime.annotations import parse_values as pv
from kata_runtime.annotations.glob_match import BadPattern, go_match
from kata_runtime.annotations.go_glob import GlobView, go_glob
from kata_runtime.annotations.regex_match import compile_entry
from kata_runtime.annotations.regex_syntax import EvaluationBound, RegexSyntaxError
from tests.needs import need
from tests.test_annotation_globs import GO_CASES
from tests.test_annotation_regex import MATCHES, VALIDITY

PROGRAM = Path(__file__).parent / "data" / "annotations" / "differential.go"
CACHE = Path(os.environ.get("KATA_CONFIG_CACHE", Path.home() / ".cache" / "kata-config"))

EXTRA_REGEX = [
    ("kernel|initrd", "initrd"), ("^(kernel|image)$", "image_hash"), ("[^_]+_hash", "path"),
    (r"\.", "prefetch_files.list"), ("(?i)^PATH$", "path"), ("(?s).", "\n"), ("a{,2}", "a{,2}"),
    ("x{2,1}", "xx"), (r"\x{61}", "a"), (r"\141", "a"), (r"\8", "8"), ("[[:^alpha:]]", "_"),
    (r"\p{Lu}", "A"), (r"\pN", "9"), (r"\PL", "_"), ("(?U)a+", "aa"), ("(?m)^b", "a\nb"),
    ("(?P<x>a)(?<y>b)", "ab"), ("a|*", "a"), ("()", ""), (r"\B_", "a_b"), (r"[\d-z]", "-"),
    ("[a-]", "-"), ("[]a]", "]"), (r"\Q*\E+", "**"), ("(?i)[k-m]", "L"), ("(?-i:a)", "a"),
]
GLOB_PATTERNS = ["{d}/bin/*", "{d}/bin/qemu-*", "{d}/*/qemu-system-x86_64", "{d}/bin/[q]*",
                 "{d}/bin/qemu-system-x86_6?", "{d}/bin/nothing*", "{d}/bin/[", "{d}//bin/q*",
                 "{d}/bin/../bin/q*", "{d}/bin/qemu-system-x86_64", "{d}/l*/q*", "{d}/bin/\\q*",
                 "{d}/*/*", "{d}/bin/*x86*"]
MATCH_EXTRA = [("[]a]", "a"), ("[-a]", "a"), ("[a-]", "a"), ("a\\", "a"), ("*x*", "axb"),
               ("[!a]", "b"), ("[^a-c]", "d"), ("\\[", "[")]
BOOLS = ["1", "t", "T", "TRUE", "true", "True", "0", "f", "false", "yes", " true", "tRuE", ""]
UINTS = ["4096", "+5", "-0", "1_000", " 7", "18446744073709551615", "18446744073709551616",
         "0x10", "", "007"]
FLOATS = ["1.5", "2", "1_0.5", "0x1p4", "-1", "1e39", ".5", "abc", "inf", "NaN", "1e", "_1",
          "0x_1p0", "1__0", "1.", "+2.5", "0x1.8p1", "3.4028234663852886e38"]


def _go() -> str:
    for candidate in (shutil.which("go"), CACHE / "go-toolchain" / "bin" / "go",
                      CACHE / "oracle" / "go" / "bin" / "go"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    need(False, "a Go toolchain", "run .ci/setup.d/20-go-toolchain.sh")
    raise AssertionError


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("globs")
    (base / "bin").mkdir()
    for name in ("qemu-system-x86_64", "qemu-system-aarch64", "virtiofsd", "q*mark"):
        (base / "bin" / name).write_text("x")
    os.symlink(base / "bin", base / "link")
    return base


@pytest.fixture(scope="module")
def answers(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[object]]:
    go = _go()
    cache = tmp_path_factory.mktemp("gocache")
    request = {
        "regex": [[p, t] for p, t, _ in MATCHES] + [[p, "a.b"] for p, _, _ in VALIDITY]
        + [list(c) for c in EXTRA_REGEX],
        "match": [[p, n] for p, n, _ in GO_CASES] + [list(c) for c in MATCH_EXTRA],
        "glob": [p.format(d=tree) for p in GLOB_PATTERNS],
        "bool": BOOLS, "uint": UINTS, "float": FLOATS,
    }
    env = {**os.environ, "GOCACHE": str(cache), "GOTOOLCHAIN": "local", "GOFLAGS": "",
           "GO111MODULE": "off"}
    done = subprocess.run([go, "run", str(PROGRAM)], input=json.dumps(request), text=True,
                          capture_output=True, env=env, timeout=300, check=True)
    answer: dict[str, list[object]] = json.loads(done.stdout)
    answer["request"] = [request]
    return answer


def _ours_regex(pattern: str, text: str) -> list[bool]:
    try:
        entry = compile_entry(pattern, "go")
    except EvaluationBound:
        return [True, False]
    except RegexSyntaxError:
        return [False, False]
    return [True, entry.search(text)]


def test_regex_matches_go(answers: dict[str, list[object]]) -> None:
    cases = answers["request"][0]["regex"]  # type: ignore[index]
    ours = [_ours_regex(p, t) for p, t in cases]
    wrong = [(c, o, g) for c, o, g in zip(cases, ours, answers["regex"], strict=True) if o != g]
    assert wrong == []


def test_filepath_match_matches_go(answers: dict[str, list[object]]) -> None:
    cases = answers["request"][0]["match"]  # type: ignore[index]
    ours = []
    for pattern, name in cases:
        try:
            ours.append([True, go_match(pattern, name)])
        except BadPattern:
            ours.append([False, False])
    wrong = [(c, o, g) for c, o, g in zip(cases, ours, answers["match"], strict=True) if o != g]
    assert wrong == []


def test_filepath_glob_matches_go(answers: dict[str, list[object]]) -> None:
    view = GlobView(HostFiles("/"))
    wrong = []
    for pattern, go in zip(answers["request"][0]["glob"], answers["glob"],  # type: ignore[index]
                           strict=True):
        try:
            ours = {"ok": True, "found": go_glob(pattern, view)}
        except BadPattern:
            ours = {"ok": False, "found": []}
        if ours != go:
            wrong.append((pattern, ours, go))
    assert wrong == []


def test_strconv_matches_go(answers: dict[str, list[object]]) -> None:
    def ok(parse: object, value: str) -> bool:
        try:
            parse(value)  # type: ignore[operator]
        except ValueError:
            return False
        return True

    assert [[ok(pv.go_bool, v), ok(pv.go_bool, v) and pv.go_bool(v)] for v in BOOLS] \
        == answers["bool"]
    assert [ok(pv.go_uint, v) for v in UINTS] == answers["uint"]
    assert [ok(pv.go_float32, v) for v in FLOATS] == answers["float"]
