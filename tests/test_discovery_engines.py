"""Runtime classes: the handler's config path as containerd and CRI-O configure it."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from kata_config import Discovery, discover
from tests.nodetree import GO_QEMU, KATA_DEPLOY, SHARE, build, containerd_handler

MAIN: Final = "/etc/containerd/config.toml"
A: Final = "/srv/a.toml"
B: Final = "/srv/b.toml"
V3: Final = '"io.containerd.cri.v1.runtime"'


def _with_configs(root: Path) -> Path:
    return build(root, {A: GO_QEMU, B: GO_QEMU, "/srv/c.toml": GO_QEMU})


def _engine(found: Discovery, path: str) -> str:
    return next(c.reason for c in found.candidates if c.path == path and ":" not in c.source)


@pytest.mark.parametrize(("handler", "path", "flavour"), [
    ("kata-qemu", f"{SHARE}/runtimes/qemu/configuration-qemu.toml", "go"),
    ("kata-clh", f"{SHARE}/runtimes/clh/configuration-clh.toml", "go"),
    ("kata-qemu-runtime-rs",
     f"{SHARE}/runtime-rs/runtimes/qemu-runtime-rs/configuration-qemu-runtime-rs.toml", "rs"),
])
def test_containerd_1x_layout_as_kata_deploy_writes_it(handler: str, path: str,
                                                        flavour: str) -> None:
    found = discover(root=KATA_DEPLOY, runtime_class=handler)
    assert (found.path, found.flavour, found.error) == (path, flavour, None)
    assert found.handler is not None
    assert found.handler.file == "/opt/kata/containerd/config.d/kata-deploy.toml"
    assert found.handler.runtime_type == f"io.containerd.{handler}.v2"
    assert "imported by /etc/containerd/config.toml" in _engine(
        found, "/opt/kata/containerd/config.d/kata-deploy.toml")


def test_kata_deploy_qemu_config_d_sits_beside_the_per_shim_copy() -> None:
    found = discover(root=KATA_DEPLOY, runtime_class="kata-qemu")
    assert found.dropins == (f"{SHARE}/runtimes/qemu/config.d/50-user-overrides.toml",)
    # the shipped name is a symlink to the same copy, so the same drop-ins apply
    shipped = discover(root=KATA_DEPLOY, path=f"{SHARE}/configuration.toml")
    assert (shipped.resolved, shipped.dropins) == (found.resolved, found.dropins)


def test_containerd_2x_layout_version_3(tmp_path: Path) -> None:
    root = build(_with_configs(tmp_path), {
        MAIN: "version = 3\n" + containerd_handler("kata", A, plugin=V3)})
    assert discover(root=root, runtime_class="kata", env={}).path == A


def test_version_3_ignores_the_1x_layout_and_says_so(tmp_path: Path) -> None:
    root = build(_with_configs(tmp_path), {MAIN: "version = 3\n" + containerd_handler("kata", A)})
    found = discover(root=root, runtime_class="kata", env={})
    assert found.path is None
    assert "that definition is ignored" in _engine(found, MAIN)


def test_version_1_file_names_the_plugin_cri(tmp_path: Path) -> None:
    root = build(_with_configs(tmp_path), {MAIN: containerd_handler("kata", A, plugin="cri")})
    assert discover(root=root, runtime_class="kata", env={}).path == A


def test_2x_layout_in_a_version_2_file_wins_over_the_1x_one(tmp_path: Path) -> None:
    text = ("version = 2\n" + containerd_handler("kata", A) + containerd_handler(
        "kata", B, plugin=V3))
    root = build(_with_configs(tmp_path), {MAIN: text})
    assert discover(root=root, runtime_class="kata", env={}).path == B


def test_imports_relative_glob_sorted_and_later_wins_key_by_key(tmp_path: Path) -> None:
    root = build(_with_configs(tmp_path), {
        MAIN: 'version = 2\nimports = ["conf.d/*.toml"]\n' + containerd_handler(
            "kata", A, runtime_path="/usr/bin/containerd-shim-kata-v2"),
        "/etc/containerd/conf.d/20-b.toml": containerd_handler("kata", B),
        "/etc/containerd/conf.d/10-c.toml": containerd_handler("kata", "/srv/c.toml"),
        "/etc/containerd/conf.d/ignored.conf": containerd_handler("kata", "/nowhere"),
    })
    found = discover(root=root, runtime_class="kata", env={})
    assert found.path == B
    assert found.handler is not None
    assert found.handler.file == "/etc/containerd/conf.d/20-b.toml"
    assert found.handler.runtime_path == "/usr/bin/containerd-shim-kata-v2"  # from the main file
    assert "/etc/containerd/conf.d/ignored.conf" not in [c.path for c in found.candidates]


def test_nested_imports_load_breadth_first(tmp_path: Path) -> None:
    """main -> [one, two], one -> [deep]: containerd loads main, one, two, deep."""
    root = build(_with_configs(tmp_path), {
        MAIN: 'version = 2\nimports = ["/etc/containerd/one.toml", "two.toml"]\n',
        "/etc/containerd/one.toml": 'imports = ["deep/deep.toml"]\n',
        "/etc/containerd/two.toml": containerd_handler("kata", A),
        "/etc/containerd/deep/deep.toml": containerd_handler("kata", B),
    })
    found = discover(root=root, runtime_class="kata", env={})
    engine = [c.path for c in found.candidates if c.source == "containerd"]
    assert engine == [MAIN, "/etc/containerd/one.toml", "/etc/containerd/two.toml",
                      "/etc/containerd/deep/deep.toml"]
    assert found.path == B


def test_1x_would_lose_the_handler_to_a_later_cri_table(tmp_path: Path) -> None:
    root = build(_with_configs(tmp_path), {
        MAIN: 'version = 2\nimports = ["kata.toml", "registry.toml"]\n',
        "/etc/containerd/kata.toml": containerd_handler("kata", A),
        "/etc/containerd/registry.toml":
            '[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/etc/certs.d"\n',
    })
    found = discover(root=root, runtime_class="kata", env={})
    assert found.path == A
    used = next(c for c in found.candidates if c.used and c.path == A)
    assert "containerd 1.x would not find kata" in used.reason
    assert "/etc/containerd/registry.toml" in used.reason


def test_crio_conf_then_conf_d_and_a_later_table_replaces_the_handler(tmp_path: Path) -> None:
    handler = '[crio.runtime.runtimes.kata]\nruntime_type = "vm"\n'
    root = build(_with_configs(tmp_path), {
        "/etc/crio/crio.conf": handler + f'runtime_config_path = "{A}"\n'
                               'runtime_path = "/usr/bin/containerd-shim-kata-v2"\n',
        "/etc/crio/crio.conf.d/10-first.conf": handler + f'runtime_config_path = "{B}"\n',
        "/etc/crio/crio.conf.d/99-kata-deploy": handler + 'runtime_config_path = "/srv/c.toml"\n',
    })
    found = discover(root=root, runtime_class="kata", env={})
    assert found.path == "/srv/c.toml"
    assert found.handler is not None
    assert found.handler.engine == "crio"
    assert found.handler.file == "/etc/crio/crio.conf.d/99-kata-deploy"
    # the whole table was replaced: the main file's runtime_path is gone
    assert found.handler.runtime_path is None
    assert "CRI-O drop-in 2" in _engine(found, "/etc/crio/crio.conf.d/99-kata-deploy")


def test_crio_config_path_needs_the_vm_runtime_type(tmp_path: Path) -> None:
    root = build(_with_configs(tmp_path), {"/etc/crio/crio.conf.d/01-kata.toml":
        f'[crio.runtime.runtimes.kata]\nruntime_type = "oci"\nruntime_config_path = "{A}"\n'})
    found = discover(root=root, runtime_class="kata", env={})
    used = next(c for c in found.candidates if c.used)
    assert 'needs runtime_type = "vm"' in used.reason


def test_crio_inherit_default_runtime(tmp_path: Path) -> None:
    root = build(_with_configs(tmp_path), {"/etc/crio/crio.conf": (
        '[crio.runtime]\ndefault_runtime = "kata-base"\n'
        f'[crio.runtime.runtimes.kata-base]\nruntime_type = "vm"\nruntime_config_path = "{A}"\n'
        '[crio.runtime.runtimes.kata]\ninherit_default_runtime = true\n')})
    assert discover(root=root, runtime_class="kata", env={}).path == A


def test_containerd_is_asked_before_crio(tmp_path: Path) -> None:
    root = build(_with_configs(tmp_path), {
        MAIN: containerd_handler("kata", A),
        "/etc/crio/crio.conf": f'[crio.runtime.runtimes.kata]\nruntime_type = "vm"\n'
                               f'runtime_config_path = "{B}"\n'})
    found = discover(root=root, runtime_class="kata", env={})
    assert (found.path, found.handler and found.handler.engine) == (A, "containerd")


def test_unknown_handler_is_an_error_naming_both_engines(tmp_path: Path) -> None:
    found = discover(root=build(tmp_path, {MAIN: containerd_handler("runc", A)}),
                     runtime_class="kata", env={})
    assert found.path is None
    assert "containerd has no runtime handler 'kata'" in (found.error or "")
    assert "CRI-O has no runtime handler 'kata'" in (found.error or "")
    assert "defines handlers runc but not kata" in _engine(found, MAIN)


def test_kata_deploy_on_containerd_2_2_conf_d(tmp_path: Path) -> None:
    """containerd >= 2.2 with the default config's conf.d import: kata-deploy writes a
    versionless drop-in there in the 2.x layout (runtime/containerd.rs)."""
    root = build(_with_configs(tmp_path), {
        MAIN: 'version = 3\nimports = ["/etc/containerd/conf.d/*.toml"]\n'
              f'[plugins.{V3}.containerd]\ndefault_runtime_name = "runc"\n',
        "/etc/containerd/conf.d/kata-deploy.toml": containerd_handler(
            "kata-qemu", A, plugin=V3, runtime_path="/opt/kata/bin/containerd-shim-kata-v2",
            runtime_type="io.containerd.kata-qemu.v2"),
    })
    found = discover(root=root, runtime_class="kata-qemu", env={})
    assert (found.path, found.flavour) == (A, "go")
    assert found.handler is not None
    assert found.handler.file == "/etc/containerd/conf.d/kata-deploy.toml"
    # a version-3 config cannot be containerd 1.x, so no 1.x remark is made
    used = next(c for c in found.candidates if c.used and c.path == A)
    assert "1.x" not in used.reason


def test_crio_node_as_kata_deploy_writes_it(tmp_path: Path) -> None:
    node = build(_with_configs(tmp_path), {"/etc/crio/crio.conf.d/99-kata-deploy": (
        "\n[crio.runtime.runtimes.kata-qemu-runtime-rs]\n"
        '\truntime_path = "/opt/kata/runtime-rs/bin/containerd-shim-kata-v2"\n'
        '\truntime_type = "vm"\n\truntime_root = "/run/vc"\n'
        f'\truntime_config_path = "{B}"\n\tprivileged_without_host_devices = true\n')})
    found = discover(root=node, runtime_class="kata-qemu-runtime-rs", env={})
    assert (found.path, found.flavour) == (B, "rs")
    assert found.handler is not None
    used = next(c for c in found.candidates if c.used)
    assert (used.path, used.source) == (B, "crio:/etc/crio/crio.conf.d/99-kata-deploy")
