#!/usr/bin/env bash
# Build the test guest's initramfs into DIR (default: the cache dir of .ci/setup.d):
# a static busybox, tests/guest/init and the virtio console modules found in DIR/modules.
# Rebuilt only when an input is newer than the archive.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-${KATA_CONFIG_CACHE:-$HOME/.cache/kata-config}/guest}"
busybox=/bin/busybox
archive="$out/initramfs.cpio.gz"
if [ -s "$archive" ] && [ "$archive" -nt "$here/init" ] && [ "$archive" -nt "$busybox" ] \
    && [ "$archive" -nt "$here/build.sh" ]; then
    exit 0
fi
# busybox-static (not busybox) provides /bin/busybox: the guest has no libraries.
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,proc,sys,dev,modules}
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$here/init" "$root/init"
if [ -d "$out/modules" ]; then
    cp "$out"/modules/*.ko "$root/modules/" 2>/dev/null || true
fi
mkdir -p "$out"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -9 > "$archive.tmp"
mv "$archive.tmp" "$archive"
echo "build.sh: wrote $archive"
