#!/usr/bin/env bash
# A real QEMU and a tiny real guest for `kata-config plan --try` tests (tests/guest.py finds
# them): Debian's qemu-system-x86 and qemu-system-arm (with QEMU's C virtiofsd), the UEFI
# images the firmware-booting corpus configs name (ovmf, qemu-efi-aarch64), busybox-static,
# and the vmlinuz of Debian's linux-image-amd64 taken out of its package without installing
# it, plus the six virtio modules the guest's init loads to reach its console. Idempotent.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${KATA_CONFIG_CACHE:-$HOME/.cache/kata-config}/guest"
mkdir -p "$cache"

missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v qemu-system-aarch64 >/dev/null || missing+=(qemu-system-arm)
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
[ -f /usr/share/ovmf/OVMF.fd ] || missing+=(ovmf)
[ -f /usr/share/AAVMF/AAVMF_CODE.fd ] || missing+=(qemu-efi-aarch64)
command -v cpio >/dev/null || missing+=(cpio)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "30-qemu-guest: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -s "$cache/vmlinuz" ]; then
    # linux-image-amd64 is a metapackage: the kernel is in the versioned package it depends on.
    pkg="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
    if [ -z "$pkg" ]; then
        apt-get update -qq
        pkg="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
    fi
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    chmod 0777 "$work"   # apt-get download drops to the _apt user when it can write here
    (cd "$work" && apt-get download -qq "$pkg")
    dpkg-deb -x "$work"/*.deb "$work/x"
    mkdir -p "$cache/modules"
    for mod in virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_console; do
        found="$(find "$work/x/lib/modules" -name "$mod.ko*" | head -n 1)"
        case "$found" in
            *.ko) cp "$found" "$cache/modules/$mod.ko" ;;
            *.ko.xz) xz -dc "$found" > "$cache/modules/$mod.ko" ;;
            *.ko.zst) zstd -qdc "$found" > "$cache/modules/$mod.ko" ;;
            *) echo "30-qemu-guest: $mod not in $pkg (built in?)" ;;
        esac
    done
    cp "$(ls "$work"/x/boot/vmlinuz-* | head -n 1)" "$cache/vmlinuz.tmp"
    echo "$pkg" > "$cache/kernel-package"
    mv "$cache/vmlinuz.tmp" "$cache/vmlinuz"
fi

bash "$repo/tests/guest/build.sh" "$cache"
echo "30-qemu-guest: $(qemu-system-x86_64 --version | head -n 1); guest in $cache"
