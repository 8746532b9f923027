"""The annotation table agrees with the public catalogue, except where upstream says otherwise."""

from __future__ import annotations

from kata_config import catalogue
from kata_runtime.annotations.table import AG, BY_NAME, HV, RT, TABLE

PREFIX = {"hypervisor": HV, "agent": AG, "runtime": RT}

# The catalogue lists these as annotations, but neither runtime defines them in 3.30.0 or
# 4.1.0 (Go annotations.go and utils.go, kata-types annotations/mod.rs have no such name).
CATALOGUE_ONLY = {HV + "ctlpath", HV + "guest_memory_dump_path", HV + "guest_memory_dump_paging"}
# Keys the table sets that the catalogue no longer has (removed upstream in 3.32).
UNCATALOGUED = {"hypervisor.file_mem_backend"}


def test_catalogue_annotations_are_in_the_table() -> None:
    named = {PREFIX[info.section] + info.annotation: info.key for info in catalogue()
             if info.annotation and info.section in PREFIX}
    missing = {name for name in named if name not in BY_NAME}
    assert missing == CATALOGUE_ONLY
    differing = {name: (BY_NAME[name].key, key) for name, key in named.items()
                 if name in BY_NAME and BY_NAME[name].key and BY_NAME[name].key != key}
    assert differing == {}


def test_every_key_the_table_sets_is_catalogued() -> None:
    keys = {info.key for info in catalogue()}
    assert {spec.key for spec in TABLE if spec.key and spec.key not in keys} == UNCATALOGUED


def test_every_row_is_known_to_some_runtime_release() -> None:
    silent = [spec.name for spec in TABLE
              if not any(spec.conversion(f, v) for f in ("go", "rs") for v in (330, 401))]
    # path_hash and asset_hash_type are defined by runtime-rs but applied by neither runtime
    assert silent == [HV + "path_hash", HV + "asset_hash_type"]
