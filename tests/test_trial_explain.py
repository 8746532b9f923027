"""Refusals matched to their cause: real QEMU and virtiofsd words, our explanation and fix."""

from __future__ import annotations

import pytest

from kata_runtime.trial.explain import explain

CASES = [
    ("qemu-system-x86_64: -device vhost-vsock-pci,disable-modern=false,id=vsock-9,guest-cid=9:"
     " vhost-vsock: failed to open vhost device: No such file or directory",
     "vhost-vsock", "modprobe vhost_vsock"),
    ("qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69\nqemu-system-x86_64: "
     "../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf"
     "->nmsrs' failed.", "pvm-msr", "arch-capabilities=off"),
    ("setgroups() failed with error=1:Operation not permitted", "virtiofsd-root", "root"),
    ("fuse: unknown option(s): `--shared-dir=/tmp'", "virtiofsd-option",
     "does not understand --shared-dir=/tmp"),
    ("error: unexpected argument '--bogus' found", "virtiofsd-option",
     "does not understand --bogus"),
    ("qemu-system-x86_64: -chardev socket,id=c,path=/tmp/t/vhost-fs.sock: Failed to connect to "
     "'/tmp/t/vhost-fs.sock': No such file or directory", "virtiofsd",
     "nothing listens on /tmp/t/vhost-fs.sock"),
    ("qemu: could not open kernel file '/nonexistent/vmlinux': No such file or directory",
     "kernel", "point kernel at"),
    ("qemu: could not load PC BIOS '/nonexistent/OVMF.fd'", "firmware", "/nonexistent/OVMF.fd"),
    ("qemu-system-aarch64: invalid accelerator kvm", "accel", "cannot use the kvm accelerator"),
    ("qemu-system-x86_64: Property 'pc-q35-7.2-machine.foo' not found", "machine", "QEMU (7.2"),
    ("qemu-system-x86_64: unsupported machine type", "machine", "newer QEMU"),
    ("qemu-system-x86_64: -device bogus-dev: 'bogus-dev' is not a valid device model name",
     "machine", "lacks"),
]


@pytest.mark.parametrize(("words", "cause", "says"), CASES,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_refusal_is_explained(words: str, cause: str, says: str) -> None:
    found, why = explain(words, "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)")
    assert found == cause
    assert says in why


def test_unknown_words_get_no_invented_cause() -> None:
    assert explain("qemu-system-x86_64: something nobody has seen before") == ("", "")
