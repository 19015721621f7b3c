"""The base of every graph op: result types come from one `infer` method.

An op class declares its operands and properties with IRDL and implements
`infer(args, props) -> result types`. That single method serves three users:
the builder (`AddOp(a, b)` needs no result type), the verifier (the declared
result types must agree with the inferred ones) and `graph-infer-shapes`.

Declared and inferred dims agree unless they provably differ (`3` vs `4`,
`n` vs `n+1`); an unprovable difference (`n` vs `m`) is checked at run time
by the interpreter, which binds every symbol and compares result shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from xdsl.dialects.builtin import (
    ArrayAttr,
    BoolAttr,
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    StringAttr,
    f64,
    i64,
)
from xdsl.interfaces import HasFolderInterface
from xdsl.ir import Attribute, Operation, SSAValue, TypeAttribute
from xdsl.irdl import IRDLOperation, ParsePropInAttrDict, traits_def
from xdsl.irdl.constraints import VerificationContext
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.graphops.types import DimAttr, ShapeAttr, TensorType
from tensorforge.dialects.symbolic import Expr, ExprLike

Operand = SSAValue | Operation


def fail(msg: str) -> VerifyException:
    """Build the exception; `raise fail(...)` keeps call sites one line."""
    return VerifyException(msg)


class Props:
    """Read an op's properties as Python values, falling back to IRDL defaults."""

    def __init__(self, op_cls: type[IRDLOperation], values: dict[str, Attribute]) -> None:
        self.op_cls = op_cls
        self.values = values

    def attr(self, name: str) -> Attribute | None:
        if name in self.values:
            return self.values[name]
        op_def = self.op_cls.get_irdl_definition()
        pdef = op_def.properties.get(name)
        return None if pdef is None else pdef.default_value

    def has(self, name: str) -> bool:
        return self.attr(name) is not None

    def int(self, name: str) -> int:
        a = self._need(name)
        if isinstance(a, IntegerAttr):
            return int(a.value.data)
        raise fail(f"property '{name}' must be an integer, got {a}")

    def float(self, name: str) -> float:
        a = self._need(name)
        if isinstance(a, FloatAttr | IntegerAttr):
            return float(a.value.data)
        raise fail(f"property '{name}' must be a float, got {a}")

    def bool(self, name: str) -> bool:
        return bool(self.int(name))

    def str(self, name: str) -> str:
        a = self._need(name)
        if isinstance(a, StringAttr):
            return a.data
        raise fail(f"property '{name}' must be a string, got {a}")

    def ints(self, name: str) -> tuple[int, ...]:
        a = self._need(name)
        if isinstance(a, DenseArrayBase):
            return tuple(int(x) for x in a.get_values())
        raise fail(f"property '{name}' must be array<i64: ...>, got {a}")

    def floats(self, name: str) -> tuple[float, ...]:
        a = self._need(name)
        if isinstance(a, DenseArrayBase):
            return tuple(float(x) for x in a.get_values())
        raise fail(f"property '{name}' must be array<f64: ...>, got {a}")

    def shape(self, name: str) -> tuple[Expr, ...]:
        a = self._need(name)
        if isinstance(a, ShapeAttr):
            return a.exprs
        raise fail(f"property '{name}' must be #graph.shape<[...]>, got {a}")

    def type(self, name: str) -> Attribute:
        a = self._need(name)
        if isinstance(a, TypeAttribute):
            return a
        raise fail(f"property '{name}' must be a type, got {a}")

    def _need(self, name: str) -> Attribute:
        a = self.attr(name)
        if a is None:
            raise fail(f"missing property '{name}'")
        return a


def to_attr(value: Any) -> Attribute:
    """Python value -> the attribute the graph ops use for it."""
    if isinstance(value, Attribute):
        return value
    if isinstance(value, bool):
        return BoolAttr.from_bool(value)
    if isinstance(value, int):
        return IntegerAttr(value, i64)
    if isinstance(value, float):
        return FloatAttr(value, f64)
    if isinstance(value, str):
        return StringAttr(value)
    if isinstance(value, Sequence) and not value:
        return DenseArrayBase.from_list(i64, [])
    if isinstance(value, Sequence) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return DenseArrayBase.from_list(i64, list(value))
    if isinstance(value, Sequence) and all(isinstance(v, int | float) for v in value):
        return DenseArrayBase.from_list(f64, [float(v) for v in value])
    if isinstance(value, Sequence) and all(isinstance(v, int | str | Expr | DimAttr) for v in value):
        return ShapeAttr(value)
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return ArrayAttr([StringAttr(v) for v in value])
    raise TypeError(f"cannot turn {value!r} into an attribute")


def _candidates(value: Any) -> list[Attribute]:
    """Other attribute forms a Python value may take (shape lists, float arrays)."""
    out: list[Attribute] = []
    if isinstance(value, Sequence) and not isinstance(value, str):
        if all(isinstance(v, int | str | Expr | DimAttr) and not isinstance(v, bool) for v in value):
            out.append(ShapeAttr(value))
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            out.append(DenseArrayBase.from_list(f64, [float(v) for v in value]))
    if isinstance(value, int) and not isinstance(value, bool):
        out.append(FloatAttr(float(value), f64))
    return out


def attr_for(op_cls: type[IRDLOperation], name: str, value: Any) -> Attribute:
    """Convert a builder keyword to the attribute kind the property declares."""
    attr = to_attr(value)
    pdef = op_cls.get_irdl_definition().properties.get(name)
    if pdef is None or isinstance(value, Attribute):
        return attr
    for cand in (attr, *_candidates(value)):
        try:
            pdef.constr.verify(cand, VerificationContext())
        except VerifyException:
            continue
        return cand
    return attr


def tensor_type(value: SSAValue, what: str) -> TensorType:
    if not isinstance(value.type, TensorType):
        raise fail(f"{what} must be a !graph.tensor, got {value.type}")
    return value.type


FOLD_MAX_ELEMENTS = 4096
"""`canonicalize` folds ops on constants up to this many result elements."""


class GraphOp(IRDLOperation, HasFolderInterface):
    """Base class of graph ops; see the module docstring."""

    assembly_format: ClassVar[str | None] = "operands attr-dict `:` functional-type(operands, results)"
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        raise NotImplementedError(f"{cls.__name__} does not infer result types")

    def __init__(self, *operands: Operand | Sequence[Operand], **props: Any) -> None:
        """Build with inferred result types: `AddOp(a, b)`, `TransposeOp(x, perm=[1, 0])`."""
        attrs = {k: attr_for(type(self), k, v) for k, v in props.items() if v is not None}
        flat = _flatten(operands)
        types = type(self).infer([_type_of(v) for v in flat], Props(type(self), attrs))
        super().__init__(operands=list(operands), result_types=_segment(type(self), types), properties=attrs)

    SAME_TYPE_IS_IDENTITY: ClassVar[bool] = False
    """Set on ops that only move data in row-major order (reshape, cast...):
    when the result type equals the first operand's, the op is a no-op."""

    def fold_identity(self) -> SSAValue | None:
        """Return the operand this op equals (override for e.g. identity transposes)."""
        if self.SAME_TYPE_IS_IDENTITY and self.operands and self.operands[0].type == self.results[0].type:
            return self.operands[0]
        return None

    def fold(self) -> Sequence[SSAValue | Attribute] | None:
        """Identity folds first, then evaluation on constant operands."""
        same = self.fold_identity()
        if same is not None and same.type == self.results[0].type and len(self.results) == 1:
            return (same,)
        from tensorforge.interp.fold import constant_array, evaluate, static_result_size

        size = static_result_size(self)
        if size is None or size > FOLD_MAX_ELEMENTS:
            return None
        args = [constant_array(v) for v in self.operands]
        if any(a is None for a in args):
            return None
        values = evaluate(self, args)  # type: ignore[arg-type]
        if values is None:
            return None
        from tensorforge.dialects.graphops.dense import dense_from_array

        return tuple(dense_from_array(v) for v in values)

    def infer_result_types(self) -> list[TensorType]:
        args = [tensor_type(v, f"operand #{i}") for i, v in enumerate(self.operands)]
        return type(self).infer(args, Props(type(self), dict(self.properties)))

    def verify_(self) -> None:
        inferred = self.infer_result_types()
        results = list(self.results)
        if len(inferred) != len(results):
            raise fail(f"expected {len(inferred)} results, got {len(results)}")
        for i, (res, want) in enumerate(zip(results, inferred, strict=True)):
            check_compatible(res.type, want, f"result #{i}")


def check_compatible(got: Attribute, want: TensorType, what: str) -> None:
    if not isinstance(got, TensorType):
        raise fail(f"{what} must be a !graph.tensor, got {got}")
    if got.element_type != want.element_type:
        raise fail(f"{what} has element type {got.element_type}, expected {want.element_type}")
    if got.rank != want.rank:
        raise fail(f"{what} has rank {got.rank}, expected {want.rank} (inferred {want})")
    for i, (g, w) in enumerate(zip(got.dims, want.dims, strict=True)):
        if g.provably_ne(w):
            raise fail(f"{what} dim {i} is {g}, expected {w} (inferred {want})")


def _type_of(v: Operand) -> TensorType:
    value = v.results[0] if isinstance(v, Operation) else v
    return tensor_type(value, "operand")


def _flatten(operands: Sequence[Operand | Sequence[Operand]]) -> list[Operand]:
    flat: list[Operand] = []
    for o in operands:
        if isinstance(o, SSAValue | Operation):
            flat.append(o)
            continue
        flat.extend(o)
    return flat


def _segment(op_cls: type[IRDLOperation], types: list[TensorType]) -> list[Attribute | list[Attribute]]:
    """Group flat result types by the op's result definitions (one variadic at most)."""
    from xdsl.irdl import VarResultDef

    defs = [d for _, d in op_cls.get_irdl_definition().results]
    if not any(isinstance(d, VarResultDef) for d in defs):
        return list(types)
    n_fixed = len(defs) - 1
    out: list[Attribute | list[Attribute]] = []
    pos = 0
    for d in defs:
        if isinstance(d, VarResultDef):
            n = len(types) - n_fixed
            out.append(list(types[pos : pos + n]))
            pos += n
            continue
        out.append(types[pos])
        pos += 1
    return out


def lift_dims(dims: Sequence[ExprLike]) -> list[Expr]:
    return [Expr.lift(d) for d in dims]


def int_type_of(t: Attribute) -> IntegerType | None:
    return t if isinstance(t, IntegerType) else None
