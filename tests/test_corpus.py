"""Every real upstream config validates clean for its own runtime and arch, except the
template defects documented in validation-rules.md §6, each of which must be reported."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from kata_config.findings import Severity
from kata_config.pipeline import validate_file
from tests.corpus import arch_of, corpus_id, rendered_configs, require_corpus, runtime_of

_NVIDIA_RS: Final = (
    "configuration-qemu-nvidia-cpu-runtime-rs",
    "configuration-qemu-nvidia-gpu-runtime-rs",
    "configuration-qemu-nvidia-gpu-snp-runtime-rs",
    "configuration-qemu-nvidia-gpu-tdx-runtime-rs",
)
_GO_ONLY_IN_NVIDIA_RS: Final = (
    "firmware_volume",
    "use_legacy_serial",
    "vhost_user_reconnect_timeout_sec",
    "kubelet_root_dir",
)


def _documented(path: Path) -> set[tuple[str, str]]:
    """(rule id, key suffix) pairs §6 says this file must produce."""
    stem, runtime = path.stem, runtime_of(path)
    expected: set[tuple[str, str]] = set()
    if runtime == "rs" and stem in _NVIDIA_RS:  # §6.2: Go-only keys runtime-rs ignores
        expected |= {("key-unused-by-runtime", key) for key in _GO_ONLY_IN_NVIDIA_RS}
    if runtime == "rs" and stem == "configuration-qemu-nvidia-gpu-runtime-rs":  # §6.1
        expected.add(("placeholder-unsubstituted", "firmware_volume"))
    if runtime == "rs" and stem == "configuration-remote":  # §6.3: Go names of two rs keys
        expected |= {("key-unused-by-runtime", "remote_hypervisor_socket"),
                     ("key-unused-by-runtime", "remote_hypervisor_timeout")}
    if stem.startswith("configuration-clh-azure"):  # §6.5: placeholder left in a comment
        expected.add(("placeholder-in-comment", ""))
    return expected


_ALLOWED_ERRORS: Final = {("placeholder-unsubstituted", "firmware_volume")}

PARAMS = rendered_configs() or [pytest.param(None, id="corpus-missing")]


@pytest.mark.parametrize("path", PARAMS, ids=lambda p: corpus_id(p) if p else "none")
def test_upstream_config_validates(path: Path | None) -> None:
    if path is None:
        require_corpus()
        return
    report = validate_file(path, runtime=runtime_of(path), arch=arch_of(path))  # type: ignore[arg-type]
    found = {(f.rule_id, (f.location.key or "").rsplit(".", 1)[-1]) for f in report.findings}
    missing = _documented(path) - found
    assert not missing, f"documented template defects not reported: {sorted(missing)}"
    errors = [f for f in report.findings if f.severity == Severity.ERROR
              and (f.rule_id, (f.location.key or "").rsplit(".", 1)[-1]) not in _ALLOWED_ERRORS]
    assert errors == [], "\n".join(f"{f.location.line}: {f.rule_id} {f.message}" for f in errors)


def test_corpus_is_complete() -> None:
    require_corpus()
    assert len(rendered_configs()) == 37
