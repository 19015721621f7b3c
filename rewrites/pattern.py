"""Declarative rewrite patterns: a match tree over graph ops, captures, constraints.

A rule reads like its algebra:

    Rule("mul-one", "x * 1 -> x", Pat(g.MulOp, [Cap("x"), Const(1)]), lambda m: m.x)

`Pat` matches an op (class or tuple of classes) and, optionally, its operands;
`Cap` binds an operand by name (a repeated name must bind the same value:
`x - x`); `Const` matches a splat `graph.constant`. Binary ops listed in
`COMMUTATIVE` match their operands in either order. The builder receives the
`Match` and returns an existing value, a new op, or a list of new ops (the
last one's result replaces the root). A rewrite is applied only when the
replacement has exactly the root's result type, so a pattern can never change
a shape by broadcasting; builders may also return None to decline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.types import TensorType, is_bool, is_float, is_int

COMMUTATIVE: tuple[type[Operation], ...] = (
    g.AddOp, g.MulOp, g.MaximumOp, g.MinimumOp, g.AndOp, g.OrOp, g.XorOp,
    g.BitwiseAndOp, g.BitwiseOrOp, g.BitwiseXorOp, g.EqOp, g.NeOp,
)  # fmt: skip

DTYPE_KINDS: dict[str, Callable[[Attribute], bool]] = {
    "any": lambda e: True,
    "float": is_float,
    "int": is_int,
    "bool": is_bool,
    "int-or-bool": lambda e: is_int(e) or is_bool(e),
}
"""Element-type constraints by name, for `dtype=` on `Cap` and `Pat`."""


def tensor_of(value: SSAValue) -> TensorType | None:
    return value.type if isinstance(value.type, TensorType) else None


def dtype_ok(value: SSAValue, dtype: str | None) -> bool:
    if dtype is None:
        return True
    t = tensor_of(value)
    return t is not None and DTYPE_KINDS[dtype](t.element_type)


def splat_value(value: SSAValue) -> np.generic | None:
    """The single value of a constant whose elements are all equal, else None."""
    from tensorforge.interp.fold import constant_array

    arr = constant_array(value)
    if arr is None or arr.size == 0:
        return None
    first = arr.reshape(-1)[0]
    wide = arr.astype(np.float64) if arr.dtype.kind not in "iub" else arr
    if not bool(np.all(arr == first)) and not bool(np.all(np.isnan(wide))):
        return None
    if wide.dtype.kind == "f" and first == 0 and bool(np.any(np.signbit(wide) != np.signbit(wide.reshape(-1)[0]))):
        return None  # mixed +0.0 and -0.0 is not a splat for sign-exact rules
    return first


class Match(dict[str, Any]):
    """Captures by name (`m.x` or `m["x"]`), plus `m.root`, the matched root op."""

    root: Operation

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    def type(self, name: str) -> TensorType:
        """The tensor type of a captured value (or of a captured op's result)."""
        v = self[name]
        value = v.results[0] if isinstance(v, Operation) else v
        assert isinstance(value.type, TensorType)
        return value.type

    def props(self, name: str) -> Props:
        op = self[name]
        return Props(type(op), dict(op.properties))


class Node:
    """A node of a match tree."""

    def match(self, value: SSAValue, m: Match) -> Match | None:
        raise NotImplementedError


@dataclass(frozen=True)
class Cap(Node):
    """Any value, bound to `name`; `dtype` names an element kind (see DTYPE_KINDS)."""

    name: str
    dtype: str | None = None
    where: Callable[[SSAValue], bool] | None = None
    single_use: bool = False

    def match(self, value: SSAValue, m: Match) -> Match | None:
        if self.name in m:
            return m if m[self.name] is value else None
        if not dtype_ok(value, self.dtype) or (self.single_use and not value.has_one_use()):
            return None
        if self.where is not None and not self.where(value):
            return None
        out = Match(m)
        out[self.name] = value
        return out


@dataclass(frozen=True)
class Const(Node):
    """A splat `graph.constant` equal to `value` (any value when None).

    `sign` pins the sign of a float zero: `Const(0.0, sign=-1)` matches only
    -0.0 (x + -0.0 is exactly x, x + 0.0 is not when x is -0.0).
    """

    value: float | int | bool | None = None
    name: str | None = None
    sign: int = 0
    dtype: str | None = None

    def match(self, value: SSAValue, m: Match) -> Match | None:
        v = splat_value(value)
        if v is None or not dtype_ok(value, self.dtype):
            return None
        if self.value is not None and not _equals(v, self.value):
            return None
        t = tensor_of(value)
        floating = t is not None and is_float(t.element_type)
        if self.sign and floating and bool(np.signbit(np.float64(v))) != (self.sign < 0):
            return None
        if self.name is None:
            return m
        out = Match(m)
        out[self.name] = value
        return out


def _equals(v: np.generic, want: float | int | bool) -> bool:
    try:
        return bool(np.float64(v) == np.float64(want)) if not isinstance(v, np.bool_) else bool(v) == want
    except (OverflowError, ValueError):
        return False


@dataclass(frozen=True)
class Pat(Node):
    """An op of class `op` (or one of a tuple) whose operands match `args`.

    `args=None` accepts any operands; `attrs` requires property values (as
    Python values, compared after reading with `Props`, defaults included);
    `where` is a predicate on the op; `name` captures the op itself;
    `single_use` requires its (only) result to have one use; `commutative`
    overrides the COMMUTATIVE default for two-operand ops.
    """

    op: type[Operation] | tuple[type[Operation], ...]
    args: Sequence[Node] | None = None
    name: str | None = None
    dtype: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    where: Callable[[Operation], bool] | None = None
    single_use: bool = False
    commutative: bool | None = None

    @property
    def classes(self) -> tuple[type[Operation], ...]:
        return self.op if isinstance(self.op, tuple) else (self.op,)

    def match(self, value: SSAValue, m: Match) -> Match | None:
        op = value.owner
        if not isinstance(op, Operation):
            return None
        if self.single_use and not value.has_one_use():
            return None
        return self.match_op(op, m)

    def match_op(self, op: Operation, m: Match) -> Match | None:
        if not isinstance(op, self.classes) or not self._local_ok(op):
            return None
        if self.name is not None:
            m = Match(m)
            m[self.name] = op
        if self.args is None:
            return m
        if len(self.args) != len(op.operands):
            return None
        for order in self._orders(op):
            got = _match_all(self.args, [op.operands[i] for i in order], m)
            if got is not None:
                return got
        return None

    def _local_ok(self, op: Operation) -> bool:
        if op.results and not dtype_ok(op.results[0], self.dtype):
            return False
        if self.attrs and not _attrs_ok(op, self.attrs):
            return False
        return self.where is None or bool(self.where(op))

    def _orders(self, op: Operation) -> list[list[int]]:
        n = len(op.operands)
        comm = isinstance(op, COMMUTATIVE) if self.commutative is None else self.commutative
        return [[0, 1], [1, 0]] if comm and n == 2 else [list(range(n))]


def _match_all(nodes: Sequence[Node], values: Sequence[SSAValue], m: Match) -> Match | None:
    for node, value in zip(nodes, values, strict=True):
        got = node.match(value, m)
        if got is None:
            return None
        m = got
    return m


def _attrs_ok(op: Operation, want: dict[str, Any]) -> bool:
    props = Props(type(op), dict(op.properties))  # type: ignore[arg-type]
    for key, expected in want.items():
        attr = props.attr(key)
        if expected is None:
            if attr is not None:
                return False
            continue
        if attr is None or _plain(attr) != expected:
            return False
    return True


def _plain(attr: Attribute) -> Any:
    """An attribute as the Python value a builder keyword would give."""
    from xdsl.dialects.builtin import DenseArrayBase, FloatAttr, IntegerAttr, StringAttr

    if isinstance(attr, IntegerAttr | FloatAttr):
        return attr.value.data
    if isinstance(attr, StringAttr):
        return attr.data
    if isinstance(attr, DenseArrayBase):
        return list(attr.get_values())
    return attr


Built = SSAValue | Operation | Sequence[Operation] | None
"""What a builder returns: a value, a new op, new ops (last gives the result) or None."""


@dataclass(frozen=True)
class Rule:
    """A named rewrite: `pattern` at the root, replaced by `build(match)`.

    `where` is an extra predicate over the whole match (relations between
    captures, e.g. "the two perms compose to the identity").
    """

    name: str
    comment: str
    pattern: Pat
    build: Callable[[Match], Built]
    where: Callable[[Match], bool] | None = None

    def match(self, op: Operation) -> Match | None:
        m = Match()
        m.root = op
        got = self.pattern.match_op(op, m)
        if got is None:
            return None
        got.root = op
        if self.where is not None and not self.where(got):
            return None
        return got

    def rewrite(self, m: Match) -> tuple[list[Operation], SSAValue] | None:
        """New ops and the replacement value, or None when the rule declines."""
        root = m.root
        if len(root.results) != 1:
            return None
        try:
            built = self.build(m)
        except VerifyException:
            return None  # a builder op that does not verify: no rewrite
        if built is None:
            return None
        new_ops, value = _normalize(built)
        if value.type != root.results[0].type:
            _discard(new_ops)
            return None
        return new_ops, value


def _normalize(built: SSAValue | Operation | Sequence[Operation]) -> tuple[list[Operation], SSAValue]:
    if isinstance(built, SSAValue):
        return [], built
    ops = [built] if isinstance(built, Operation) else list(built)
    return ops, ops[-1].results[0]


def _discard(ops: list[Operation]) -> None:
    for op in reversed(ops):
        op.erase(safe_erase=False)
