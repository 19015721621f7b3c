"""Elementwise graph ops: binary with numpy broadcasting, compare, logical,
unary math and activations, where, clip and cast.

Each class is one op; the docstring states its algebra. Element-type rules:
`ARITH` ops take any numeric type, `FLOAT` ops floats only, `INTEGER` ops
integers (and i1 where it makes sense), `LOGICAL` ops i1 only.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.ir import Attribute
from xdsl.irdl import irdl_op_definition, operand_def, opt_prop_def, prop_def, result_def
from xdsl.dialects.builtin import FloatAttr, StringAttr, TypeAttribute

from tensorforge.dialects.graphops.base import GraphOp, Props, fail
from tensorforge.dialects.graphops.shapes import broadcast_dims
from tensorforge.dialects.graphops.types import BOOL_TYPE, TensorType, is_bool, is_float, is_int

ANY = "any"
ARITH = "arith"  # numeric: ints and floats, not i1
FLOAT = "float"
INTEGER = "integer"  # ints and i1
LOGICAL = "logical"  # i1 only


def check_kind(elt: Attribute, kind: str, op: str) -> None:
    ok = {
        ANY: lambda: True,
        ARITH: lambda: is_float(elt) or is_int(elt),
        FLOAT: lambda: is_float(elt),
        INTEGER: lambda: is_int(elt) or is_bool(elt),
        LOGICAL: lambda: is_bool(elt),
    }[kind]()
    if not ok:
        raise fail(f"does not accept element type {elt} (needs {kind} types)")


# -- binary -------------------------------------------------------------------------
class BinaryOp(GraphOp):
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    KIND: ClassVar[str] = ARITH

    @classmethod
    def result_element(cls, elt: Attribute) -> Attribute:
        return elt

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        a, b = args
        if a.element_type != b.element_type:
            raise fail(f"operands must have the same element type, got {a.element_type} and {b.element_type}")
        check_kind(a.element_type, cls.KIND, cls.name)
        shape = broadcast_dims(a.dims, b.dims)
        return [TensorType(shape, cls.result_element(a.element_type))]


@irdl_op_definition
class AddOp(BinaryOp):
    """x + y (integers wrap)."""

    name = "graph.add"


@irdl_op_definition
class SubOp(BinaryOp):
    """x - y (integers wrap)."""

    name = "graph.sub"


@irdl_op_definition
class MulOp(BinaryOp):
    """x * y (integers wrap)."""

    name = "graph.mul"


@irdl_op_definition
class DivOp(BinaryOp):
    """x / y; integers truncate toward zero (C, ONNX), division by zero gives 0."""

    name = "graph.div"


@irdl_op_definition
class PowOp(BinaryOp):
    """x ** y; integer powers with negative exponents give 0."""

    name = "graph.pow"


@irdl_op_definition
class MaximumOp(BinaryOp):
    """max(x, y), NaN-propagating for floats."""

    name = "graph.maximum"


@irdl_op_definition
class MinimumOp(BinaryOp):
    """min(x, y), NaN-propagating for floats."""

    name = "graph.minimum"


@irdl_op_definition
class ModOp(BinaryOp):
    """x mod y with the sign of y (Python/numpy); integer mod 0 gives 0."""

    name = "graph.mod"


@irdl_op_definition
class FmodOp(BinaryOp):
    """x fmod y with the sign of x (C fmod); integer fmod 0 gives 0."""

    name = "graph.fmod"


@irdl_op_definition
class AndOp(BinaryOp):
    """x and y on i1."""

    name = "graph.and"
    KIND: ClassVar[str] = LOGICAL


@irdl_op_definition
class OrOp(BinaryOp):
    """x or y on i1."""

    name = "graph.or"
    KIND: ClassVar[str] = LOGICAL


@irdl_op_definition
class XorOp(BinaryOp):
    """x xor y on i1."""

    name = "graph.xor"
    KIND: ClassVar[str] = LOGICAL


@irdl_op_definition
class BitwiseAndOp(BinaryOp):
    """x & y on integers."""

    name = "graph.bitwise_and"
    KIND: ClassVar[str] = INTEGER


@irdl_op_definition
class BitwiseOrOp(BinaryOp):
    """x | y on integers."""

    name = "graph.bitwise_or"
    KIND: ClassVar[str] = INTEGER


@irdl_op_definition
class BitwiseXorOp(BinaryOp):
    """x ^ y on integers."""

    name = "graph.bitwise_xor"
    KIND: ClassVar[str] = INTEGER


@irdl_op_definition
class ShiftLeftOp(BinaryOp):
    """x << y on integers; shifts of the bit width or more give 0."""

    name = "graph.shift_left"
    KIND: ClassVar[str] = INTEGER


@irdl_op_definition
class ShiftRightOp(BinaryOp):
    """x >> y on integers (arithmetic for signed, logical for unsigned)."""

    name = "graph.shift_right"
    KIND: ClassVar[str] = INTEGER


class CompareOp(BinaryOp):
    KIND: ClassVar[str] = ANY

    @classmethod
    def result_element(cls, elt: Attribute) -> Attribute:
        return BOOL_TYPE


@irdl_op_definition
class EqOp(CompareOp):
    """x == y -> i1."""

    name = "graph.eq"


@irdl_op_definition
class NeOp(CompareOp):
    """x != y -> i1."""

    name = "graph.ne"


@irdl_op_definition
class LtOp(CompareOp):
    """x < y -> i1."""

    name = "graph.lt"


@irdl_op_definition
class LeOp(CompareOp):
    """x <= y -> i1."""

    name = "graph.le"


@irdl_op_definition
class GtOp(CompareOp):
    """x > y -> i1."""

    name = "graph.gt"


@irdl_op_definition
class GeOp(CompareOp):
    """x >= y -> i1."""

    name = "graph.ge"


# -- where / clip -------------------------------------------------------------------
@irdl_op_definition
class WhereOp(GraphOp):
    """cond ? x : y with three-way broadcasting; cond is i1."""

    name = "graph.where"
    cond = operand_def(TensorType)
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        c, a, b = args
        if not is_bool(c.element_type):
            raise fail(f"condition must have element type i1, got {c.element_type}")
        if a.element_type != b.element_type:
            raise fail(f"branches must have the same element type, got {a.element_type} and {b.element_type}")
        return [TensorType(broadcast_dims(c.dims, a.dims, b.dims), a.element_type)]


@irdl_op_definition
class ClipOp(GraphOp):
    """min(max(x, lo), hi); a missing bound is unbounded. Bounds are f64 properties."""

    name = "graph.clip"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    min = opt_prop_def(FloatAttr)
    max = opt_prop_def(FloatAttr)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        check_kind(x.element_type, ARITH, cls.name)
        if props.has("min") and props.has("max") and props.float("min") > props.float("max"):
            raise fail(f"min {props.float('min')} is greater than max {props.float('max')}")
        return [x]


# -- unary --------------------------------------------------------------------------
class UnaryOp(GraphOp):
    input = operand_def(TensorType)
    result = result_def(TensorType)
    KIND: ClassVar[str] = FLOAT

    @classmethod
    def result_element(cls, elt: Attribute) -> Attribute:
        return elt

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        check_kind(x.element_type, cls.KIND, cls.name)
        return [TensorType(x.dims, cls.result_element(x.element_type))]


def _unary(op_name: str, doc: str, kind: str = FLOAT) -> type[UnaryOp]:
    cls = type(
        "".join(p.capitalize() for p in op_name.split("_")) + "Op",
        (UnaryOp,),
        {
            "name": f"graph.{op_name}",
            "__doc__": doc,
            "KIND": kind,
            "__module__": __name__,
            "__annotations__": {"KIND": ClassVar[str]},
        },
    )
    return irdl_op_definition(cls)


NegOp = _unary("neg", "-x (integers wrap).", ARITH)
AbsOp = _unary("abs", "|x| (integers wrap at the minimum).", ARITH)
SignOp = _unary("sign", "-1, 0 or 1 by the sign of x (NaN stays NaN).", ARITH)
ExpOp = _unary("exp", "e ** x.")
LogOp = _unary("log", "ln x (-inf at 0, NaN below).")
Log1pOp = _unary("log1p", "ln(1 + x), accurate near 0.")
SqrtOp = _unary("sqrt", "sqrt(x).")
RsqrtOp = _unary("rsqrt", "1 / sqrt(x).")
ReciprocalOp = _unary("reciprocal", "1 / x.")
TanhOp = _unary("tanh", "tanh(x).")
SigmoidOp = _unary("sigmoid", "1 / (1 + e ** -x).")
ReluOp = _unary("relu", "max(x, 0).", ARITH)
GeluTanhOp = _unary("gelu_tanh", "0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).")
SiluOp = _unary("silu", "x * sigmoid(x).")
SoftplusOp = _unary("softplus", "ln(1 + e ** x), computed stably.")
ErfOp = _unary("erf", "the error function.")
SinOp = _unary("sin", "sin(x).")
CosOp = _unary("cos", "cos(x).")
TanOp = _unary("tan", "tan(x).")
FloorOp = _unary("floor", "the largest integer <= x.")
CeilOp = _unary("ceil", "the smallest integer >= x.")
RoundOp = _unary("round", "x rounded to the nearest integer, halves to even.")
HardSwishOp = _unary("hard_swish", "x * relu6(x + 3) / 6.")
NotOp = _unary("not", "not x on i1.", LOGICAL)
BitwiseNotOp = _unary("bitwise_not", "~x on integers.", INTEGER)
GeluOp = _unary("gelu", "0.5 x (1 + erf(x / sqrt 2)).")


class _PredicateOp(UnaryOp):
    KIND: ClassVar[str] = FLOAT

    @classmethod
    def result_element(cls, elt: Attribute) -> Attribute:
        return BOOL_TYPE


@irdl_op_definition
class IsNanOp(_PredicateOp):
    """x is NaN -> i1."""

    name = "graph.isnan"


@irdl_op_definition
class IsInfOp(_PredicateOp):
    """x is +-inf -> i1 (detect_positive / detect_negative select the signs)."""

    name = "graph.isinf"
    detect_positive = prop_def(FloatAttr, default_value=FloatAttr(1.0, 64))
    detect_negative = prop_def(FloatAttr, default_value=FloatAttr(1.0, 64))


@irdl_op_definition
class LeakyReluOp(UnaryOp):
    """x if x >= 0 else alpha * x."""

    name = "graph.leaky_relu"
    alpha = prop_def(FloatAttr, default_value=FloatAttr(0.01, 64))


@irdl_op_definition
class EluOp(UnaryOp):
    """x if x > 0 else alpha * (e ** x - 1)."""

    name = "graph.elu"
    alpha = prop_def(FloatAttr, default_value=FloatAttr(1.0, 64))


@irdl_op_definition
class HardSigmoidOp(UnaryOp):
    """clip(alpha * x + beta, 0, 1); the defaults are ONNX's (torch uses 1/6, 0.5)."""

    name = "graph.hard_sigmoid"
    alpha = prop_def(FloatAttr, default_value=FloatAttr(0.2, 64))
    beta = prop_def(FloatAttr, default_value=FloatAttr(0.5, 64))


# -- cast ---------------------------------------------------------------------------
@irdl_op_definition
class CastOp(GraphOp):
    """Convert the element type.

    Rules: float -> float rounds to nearest even (overflow gives inf);
    float -> int truncates toward zero and saturates to the target range, NaN
    gives 0; int -> int wraps (two's complement, as C and numpy); int -> float
    rounds to nearest; anything -> i1 is `x != 0`; i1 -> anything gives 0 or 1.
    """

    name = "graph.cast"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    to = prop_def(TypeAttribute)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        to = props.type("to")
        TensorType([], to).verify()
        return [x.with_element(to)]


_ = StringAttr  # re-exported attribute kinds used by property definitions

BINARY_OPS = [
    AddOp, SubOp, MulOp, DivOp, PowOp, MaximumOp, MinimumOp, ModOp, FmodOp,
    AndOp, OrOp, XorOp, BitwiseAndOp, BitwiseOrOp, BitwiseXorOp, ShiftLeftOp, ShiftRightOp,
]
COMPARE_OPS = [EqOp, NeOp, LtOp, LeOp, GtOp, GeOp]
UNARY_OPS = [
    NegOp, AbsOp, SignOp, ExpOp, LogOp, Log1pOp, SqrtOp, RsqrtOp, ReciprocalOp, TanhOp,
    SigmoidOp, ReluOp, GeluOp, GeluTanhOp, SiluOp, SoftplusOp, ErfOp, SinOp, CosOp, TanOp,
    FloorOp, CeilOp, RoundOp, HardSwishOp, NotOp, BitwiseNotOp, IsNanOp, IsInfOp,
    LeakyReluOp, EluOp, HardSigmoidOp,
]
ELEMENTWISE_OPS = [*BINARY_OPS, *COMPARE_OPS, *UNARY_OPS, WhereOp, ClipOp, CastOp]
