"""Property: no mutation of a real config makes the library raise or the CLI leave 0/1/2.

The long run (10,000 cases) is ``python benchmarks/fuzz_validate.py``; this is its quick form.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kata_cli import app
from kata_config.findings import Severity
from kata_config.pipeline import validate_file
from tests.mutations import mutate, seeds

SEEDS = seeds()
runner = CliRunner()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, len(SEEDS) - 1),
       rounds=st.integers(1, 4), runtime=st.sampled_from(["go", "rs", "auto"]),
       arch=st.sampled_from(["x86_64", "aarch64", "ppc64le", "s390x"]))
def test_mutated_configs_never_crash(seed: int, index: int, rounds: int, runtime: str,
                                     arch: str) -> None:
    data = mutate(SEEDS[index], random.Random(seed), rounds)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "configuration.toml"
        path.write_bytes(data)
        report = validate_file(path, runtime=runtime, arch=arch)  # type: ignore[arg-type]
        assert all(isinstance(f.severity, Severity) for f in report.findings)
        assert "internal-error" not in {f.rule_id for f in report.findings}
        for fmt in ("text", "json", "sarif"):
            result = runner.invoke(app, ["validate", str(path), "--arch", arch,
                                         "--runtime", runtime, "--format", fmt])
            assert result.exit_code in (0, 1, 2)
            assert result.exception is None or isinstance(result.exception, SystemExit)
            assert "Traceback" not in result.output
