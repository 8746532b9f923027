"""``kata_config.record`` behaves as the ``@dataclass(frozen=True, slots=True)`` it replaces.

Each test declares the same class both ways and compares what the project relies on:
construction and defaults, equality, hashing, repr, frozenness, slots, ``replace``,
``fields``, ``asdict``, ``__post_init__``, copying and pickling.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any

import pytest

from kata_config.record import (
    FrozenRecordError,
    asdict,
    field,
    fields,
    is_record,
    record,
    replace,
)


@record
class Point:
    """A record with every kind of field."""

    x: int
    label: str = "p"
    tags: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    note: str = field(default="", repr=False, compare=False)

    def total(self) -> int:
        return self.x + len(self.label)


@dataclasses.dataclass(frozen=True, slots=True)
class DPoint:
    """The same, as a dataclass."""

    x: int
    label: str = "p"
    tags: Mapping[str, int] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    note: str = dataclasses.field(default="", repr=False, compare=False)


def _same_repr(ours: object, theirs: object) -> bool:
    return repr(ours).replace("Point(", "DPoint(", 1) == repr(theirs)


def test_construction_defaults_and_repr() -> None:
    for args, kwargs in [((1,), {}), ((2, "q"), {"note": "n"}), ((3,), {"tags": {"a": 1}})]:
        assert _same_repr(Point(*args, **kwargs), DPoint(*args, **kwargs))  # type: ignore[arg-type]
    assert Point(1).total() == 2
    assert Point(1).tags is not Point(1).tags or Point(1).tags == {}  # a fresh default each time
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        Point(1, colour="red")  # type: ignore[call-arg]


def test_equality_and_hash_follow_the_compared_fields() -> None:
    assert Point(1, "a", note="x") == Point(1, "a", note="y")
    assert Point(1, "a") != Point(1, "b")
    others: list[object] = [DPoint(1), (1, "p", MappingProxyType({}), "")]
    assert all(Point(1) != other for other in others)  # another class is never equal
    a, b = Point(1, "a", ()), DPoint(1, "a", ())  # type: ignore[arg-type]
    assert hash(a) == hash(b) == hash((1, "a", ()))
    assert len({Point(1, "a", ()), Point(1, "a", (), "other")}) == 1  # type: ignore[arg-type]


def test_frozen_and_slotted() -> None:
    p = Point(1)
    with pytest.raises(FrozenRecordError, match="cannot assign to field 'x'"):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.x
    assert not hasattr(p, "__dict__")
    assert getattr(Point, "__slots__") == ("x", "label", "tags", "note")  # noqa: B009
    assert Point.__match_args__ == DPoint.__match_args__
    assert Point.__doc__ == "A record with every kind of field."
    assert Point.__qualname__ == "Point"


def test_replace_fields_asdict() -> None:
    p = Point(1, "a", {"k": 1}, "n")
    assert replace(p, label="b") == Point(1, "b", {"k": 1})
    assert replace(p, label="b").note == "n"
    assert [f.name for f in fields(p)] == [f.name for f in dataclasses.fields(DPoint)]
    nested = Point(1, "a", {"k": 1})
    assert asdict(nested) == dataclasses.asdict(DPoint(1, "a", {"k": 1}))
    assert is_record(p)
    assert is_record(Point)
    assert not is_record(DPoint(1))
    with pytest.raises(TypeError):
        fields(DPoint(1))


def test_replace_and_asdict_take_dataclasses_too() -> None:
    assert replace(DPoint(1), x=2) == DPoint(2)
    assert asdict(DPoint(1, tags={})) == {"x": 1, "label": "p", "tags": {}, "note": ""}


@record
class Derived:
    base: int
    double: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "double", self.base * 2)


def test_post_init_and_init_false() -> None:
    d = Derived(3)
    assert d.double == 6
    assert repr(d) == "Derived(base=3)"
    assert replace(d, base=4).double == 8
    with pytest.raises(ValueError, match="init=False"):
        replace(d, double=1)


@record(frozen=False)
class Counter:
    count: int = 0
    seen: list[str] = field(default_factory=list)


@record(slots=False)
class Cached:
    value: int
    label: str = field(default="c", repr=False)

    @cached_property
    def square(self) -> int:
        return self.value * self.value


def test_mutable_and_dict_records() -> None:
    c = Counter()
    c.count += 1
    c.seen.append("a")
    assert c == Counter(1, ["a"])
    assert Counter().seen is not Counter().seen
    with pytest.raises(TypeError):
        hash(c)
    k = Cached(3)
    assert k.square == 9
    assert k.__dict__["square"] == 9
    assert Cached.label == "c"  # the default stays on the class
    with pytest.raises(FrozenRecordError):
        k.value = 4  # type: ignore[misc]


def test_copy_and_pickle() -> None:
    p = Point(1, "a", {"k": 1}, "n")
    for clone in (copy.copy(p), copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert clone == p
        assert clone.note == "n"
        assert type(clone) is Point
    assert pickle.loads(pickle.dumps(Derived(5))).double == 10


def test_a_default_before_a_required_field_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'y' follows default argument"):
        @record
        class Bad:
            x: int = 0
            y: int  # type: ignore[misc]


def test_the_generic_and_the_compiled_init_agree() -> None:
    """The first calls bind arguments generically, later ones run the compiled __init__."""
    @record
    class Pair:
        a: int
        b: list[int] = field(default_factory=list)
        c: str = "c"

    made = [Pair(i, c=str(i)) if i % 2 else Pair(a=i) for i in range(20)]
    assert [(p.a, p.b, p.c) for p in made] == [
        (i, [], str(i) if i % 2 else "c") for i in range(20)]
    assert len({id(p.b) for p in made}) == 20  # a fresh default every time
    cases: list[tuple[tuple[object, ...], str]] = [
        ((), "missing 1 required positional argument: 'a'"),
        ((1, [], "c", 4), "takes from 2 to 4 positional arguments but 5 were given"),
        ((1,), "got an unexpected keyword argument 'd'"),
    ]
    for bad, message in cases:
        @record
        class Fresh:
            a: int
            b: list[int] = field(default_factory=list)
            c: str = "c"

        kwargs = {"d": 1} if message.endswith("'d'") else {}
        make: Any = Fresh
        with pytest.raises(TypeError, match=message):
            make(*bad, **kwargs)  # the very first call, refused as Python words it
    with pytest.raises(TypeError, match="multiple values for argument 'a'"):
        Pair(1, a=2)  # type: ignore[misc]
