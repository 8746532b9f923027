"""The ``__init__`` of a record (``kata_config.record``): generic at first, compiled if used.

Compiling a record's ``__init__`` (as ``dataclasses`` does for every class) costs about 8 us a
field, 0.2 ms for ``ArchSpec``; binding the arguments generically costs a few us a call. A
record gets ``lazy_init``: its first ``_INTERPRETED`` calls bind generically, and the next one
compiles the real ``__init__`` and puts it in the class. Most records on the start-up paths are
built a handful of times at import and never compile; ``KeySpec`` and ``Finding`` do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from kata_config.record import Field


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final[Any] = _Missing()
"""No default (a field without one is a required argument)."""
_FACTORY: Final[Any] = _Missing()
"""The compiled ``__init__``'s default for a field with a default factory."""

def _init_source(fields: tuple[Field, ...], frozen: bool, post_init: bool) -> str:
    params, body = ["self"], []
    for f in fields:
        if f.init:
            has_default = f.default is not MISSING or f.default_factory is not MISSING
            params.append(f"{f.name}=_d_{f.name}" if has_default else f.name)
            value = (f"_f_{f.name}() if {f.name} is _FACTORY else {f.name}"
                     if f.default_factory is not MISSING else f.name)
        elif f.default_factory is not MISSING:
            value = f"_f_{f.name}()"
        elif f.default is not MISSING:
            value = f"_d_{f.name}"
        else:
            continue
        body.append(f"_set(self, {f.name!r}, {value})" if frozen else f"self.{f.name} = {value}")
    if post_init:
        body.append("self.__post_init__()")
    return f"def __init__({', '.join(params)}):\n    " + "\n    ".join(body or ["pass"])


_INTERPRETED: Final = 8
"""Instantiations a record serves with the generic ``__init__`` before compiling its own."""


def lazy_init(cls: type, fields: tuple[Field, ...], frozen: bool) -> Callable[..., None]:
    """The ``__init__`` of a new record: generic for its first calls, then compiled."""
    post_init = hasattr(cls, "__post_init__")
    setter = object.__setattr__ if frozen else setattr
    params = tuple(f for f in fields if f.init)
    known = frozenset(f.name for f in params)
    calls = 0

    def compiled() -> Callable[..., None]:
        names: dict[str, object] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
        for f in fields:
            names[f"_d_{f.name}"] = _FACTORY if f.default_factory is not MISSING else f.default
            names[f"_f_{f.name}"] = f.default_factory
        exec(_init_source(fields, frozen, post_init), names)
        init: Callable[..., None] = names["__init__"]  # type: ignore[assignment]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        cls.__init__ = init  # type: ignore[misc]
        return init

    def bound(self: object, args: tuple[object, ...], kwargs: dict[str, object]) -> bool:
        """Set the fields as the compiled ``__init__`` would; False for a call it must
        refuse (its TypeError then comes from the compiled one, worded as Python words it)."""
        if len(args) > len(params) or not known.issuperset(kwargs):
            return False
        given = dict(zip((f.name for f in params), args, strict=False))
        if not given.keys().isdisjoint(kwargs):
            return False
        given.update(kwargs)
        for f in fields:
            if f.name in given:
                setter(self, f.name, given[f.name])
            elif f.default_factory is not MISSING:
                setter(self, f.name, f.default_factory())
            elif f.default is not MISSING:
                setter(self, f.name, f.default)
            elif f.init:
                return False
        return True

    def __init__(self: object, *args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls > _INTERPRETED or not bound(self, args, kwargs):
            current = cls.__dict__["__init__"]
            (compiled() if current is __init__ else current)(self, *args, **kwargs)
        elif post_init:
            self.__post_init__()  # type: ignore[attr-defined]

    return __init__
