"""Frozen typed records, cheap to declare: the project's ``@dataclass(frozen=True, slots=True)``.

``dataclasses`` costs a start-up twice over: importing it loads ``inspect`` (with ``ast``,
``dis`` and ``tokenize``), and each decorated class compiles six generated methods (about
0.5 ms a class; a ``check`` run declares about 30). ``@record`` gives the same class, as mypy
sees it through ``dataclass_transform``: slots, frozen (or not, ``record(frozen=False)``),
fields with defaults and ``field(default_factory=..., init=, repr=, compare=)``,
``__post_init__``, and ``__eq__``, ``__hash__``, ``__repr__`` and ``__match_args__`` that
behave as the dataclass ones do. Only ``__init__`` is generated, and only for a record
built more than a few times in a run (``recordinit.py``): a record never built costs its
class statement, one built a handful of times at import a generic ``__init__``.
``replace``, ``fields`` and ``asdict`` do what their ``dataclasses`` namesakes do.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, overload

from kata_config.recordinit import MISSING, lazy_init

_T = TypeVar("_T")
_C = TypeVar("_C", bound=type)


class FrozenRecordError(AttributeError):
    """Assignment to a field of a frozen record (``dataclasses.FrozenInstanceError``'s twin)."""


class Field:
    """One field of a record: its name, default or default factory and where it takes part."""

    __slots__ = ("compare", "default", "default_factory", "init", "name", "repr")

    def __init__(self, default: Any, default_factory: Any, init: bool, repr: bool,
                 compare: bool) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare

    def __repr__(self) -> str:
        return f"Field(name={self.name!r})"


@overload
def field(*, default: _T, init: bool = True, repr: bool = True,
          compare: bool = True) -> _T: ...
@overload
def field(*, default_factory: Callable[[], _T], init: bool = True,
          repr: bool = True, compare: bool = True) -> _T: ...
@overload
def field(*, init: bool = True, repr: bool = True, compare: bool = True) -> Any: ...
def field(*, default: Any = MISSING, default_factory: Any = MISSING, init: bool = True,
          repr: bool = True, compare: bool = True) -> Any:
    """A field's settings, as ``dataclasses.field`` takes them."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, compare)


def _frozen_setattr(self: object, name: str, value: object) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r}")


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr__)
    return f"{self.__class__.__qualname__}({shown})"


def _eq(self: Any, other: Any) -> bool:
    if other.__class__ is self.__class__:
        return bool(self.__record_key__(self) == self.__record_key__(other))
    return NotImplemented  # type: ignore[no-any-return]


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _reduce(self: Any) -> tuple[type, tuple[object, ...]]:
    return self.__class__, tuple(getattr(self, f.name) for f in self.__record_fields__ if f.init)


def _key(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """The tuple of the compared fields (``attrgetter`` of one name gives no tuple)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = names[0]
        return lambda obj: (getattr(obj, one),)
    return lambda obj: ()


def _build(cls: _C, frozen: bool, slots: bool) -> _C:
    # the class's own annotations (inspect.get_annotations would import inspect)
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    fields: list[Field] = []
    for name in annotations:
        value = cls.__dict__.get(name, MISSING)
        f = value if isinstance(value, Field) else Field(value, MISSING, True, True, True)
        f.name = name
        fields.append(f)
    seen_default = False
    for f in fields:
        if f.init and (f.default is not MISSING or f.default_factory is not MISSING):
            seen_default = True
        elif f.init and seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
    names = tuple(f.name for f in fields)
    space: dict[str, Any] = {}
    space["__record_fields__"] = tuple(fields)
    space["__record_repr__"] = tuple(f.name for f in fields if f.repr)
    space["__record_key__"] = staticmethod(_key(tuple(f.name for f in fields if f.compare)))
    space["__match_args__"] = tuple(f.name for f in fields if f.init)
    space["__record_init__"] = (space["__match_args__"], _key(space["__match_args__"]),
                                frozenset(f.name for f in fields if not f.init))
    space["__reduce__"] = _reduce
    space["__repr__"] = _repr
    space["__eq__"] = _eq
    space["__hash__"] = _hash if frozen else None
    if frozen:
        space["__setattr__"] = _frozen_setattr
        space["__delattr__"] = _frozen_delattr
    for own in ("__repr__", "__eq__", "__hash__"):  # the class's own, as dataclasses keeps them
        if own in cls.__dict__ and (own != "__hash__" or cls.__dict__[own] is not None):
            del space[own]
    if slots:  # a new class: slots must be declared in the class statement's namespace
        kept = {k: v for k, v in cls.__dict__.items()
                if k not in names and k not in ("__dict__", "__weakref__")}
        made: _C = type(cls)(cls.__name__, cls.__bases__, {**kept, **space, "__slots__": names})
        made.__qualname__ = cls.__qualname__
    else:  # the class itself; a field's class attribute is its default, as dataclasses leaves it
        made = cls
        for key, value in space.items():
            setattr(made, key, value)
        for f in fields:
            if isinstance(cls.__dict__.get(f.name), Field):
                if f.default is MISSING:
                    delattr(made, f.name)
                else:
                    setattr(made, f.name, f.default)
    made.__init__ = lazy_init(made, tuple(fields), frozen)  # type: ignore[misc]
    return made


if TYPE_CHECKING:
    from typing import dataclass_transform

    @overload
    @dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
    def record(cls: _C, /) -> _C: ...
    @overload
    @dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
    def record(*, frozen: bool = True, slots: bool = True) -> Callable[[_C], _C]: ...
    @dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
    def record(cls: _C | None = None, /, *, frozen: bool = True, slots: bool = True) -> Any: ...
else:
    def record(cls=None, /, *, frozen=True, slots=True):
        """Declare a record: ``@record`` (frozen, slots), ``@record(frozen=False)``,
        ``@record(slots=False)`` (for a ``cached_property``)."""
        if cls is None:
            return lambda cls: _build(cls, frozen, slots)
        return _build(cls, frozen, slots)


def fields(obj: object) -> tuple[Field, ...]:
    """The fields of a record or record class, in declaration order."""
    try:
        return obj.__record_fields__  # type: ignore[attr-defined, no-any-return]
    except AttributeError:
        raise TypeError("must be called with a record type or instance") from None


def is_record(obj: object) -> bool:
    """True for a record class or instance."""
    return hasattr(obj, "__record_fields__")


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of ``obj`` with ``changes`` (fields not given keep their values); a dataclass
    (the settings ``load()`` returns) goes to ``dataclasses.replace``."""
    try:
        names, values, fixed = obj.__record_init__  # type: ignore[attr-defined]
    except AttributeError:
        import dataclasses  # noqa: PLC0415 (~6 ms with inspect: only for a dataclass)

        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    if changes and not fixed.isdisjoint(changes):
        name = sorted(fixed.intersection(changes))[0]
        raise ValueError(f"field {name} is declared with init=False, it cannot be specified "
                         "with replace()")
    kwargs = dict(zip(names, values(obj), strict=True))
    kwargs.update(changes)
    return obj.__class__(**kwargs)


def asdict(obj: object) -> dict[str, Any]:
    """A record as a dict, records inside it (and in lists, tuples, dicts) converted too."""
    if isinstance(obj, type):
        raise TypeError("asdict() should be called on record instances")
    if not is_record(obj):
        import dataclasses  # noqa: PLC0415 (~6 ms with inspect: only for a dataclass)

        return dataclasses.asdict(obj)  # type: ignore[call-overload, no-any-return]
    found: dict[str, Any] = _asdict(obj)
    return found


def _asdict(obj: Any) -> Any:
    if is_record(obj) and not isinstance(obj, type):
        return {f.name: _asdict(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*[_asdict(v) for v in obj])
    if isinstance(obj, list | tuple):
        return type(obj)(_asdict(v) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((_asdict(k), _asdict(v)) for k, v in obj.items())
    return obj
