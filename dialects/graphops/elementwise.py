"""Elementwise graph ops: binary with numpy broadcasting, compare, logical,
unary math and activations, where, clip and cast.

Each class is one op; its docstring states the rule, which follows numpy,
torch and ONNX where they agree and says which one it follows where they do
not. Element-type kinds: `ARITH` ops take ints and floats (not i1), `FLOAT`
ops floats only, `INTEGER` ops ints only, `INTEGER_OR_BOOL` ops ints and i1,
`LOGICAL` ops i1 only, `ANY` ops every element type.

Floats: f16 and bf16 math is computed in a wider type and rounded once to
the result type. Integers: arithmetic wraps (two's complement), never traps.
"""

from __future__ import annotations

import math
from typing import ClassVar

from xdsl.dialects.builtin import BoolAttr, FloatAttr
from xdsl.ir import Attribute, SSAValue, TypeAttribute
from xdsl.irdl import irdl_op_definition, operand_def, opt_prop_def, prop_def, result_def

from tensorforge.dialects.graphops.base import GraphOp, Props, fail
from tensorforge.dialects.graphops.shapes import broadcast_dims
from tensorforge.dialects.graphops.types import (
    BOOL_TYPE,
    ELEMENT_TYPES,
    TensorType,
    element_name,
    is_bool,
    is_float,
    is_int,
)

ANY = "any"
ARITH = "arith"  # numeric: ints and floats, not i1
FLOAT = "float"
INTEGER = "integer"  # ints, not i1
INTEGER_OR_BOOL = "integer or i1"
LOGICAL = "i1"

_KIND_TEST = {
    ANY: lambda elt: True,
    ARITH: lambda elt: is_float(elt) or is_int(elt),
    FLOAT: is_float,
    INTEGER: is_int,
    INTEGER_OR_BOOL: lambda elt: is_int(elt) or is_bool(elt),
    LOGICAL: is_bool,
}


def check_kind(elt: Attribute, kind: str, op: str = "") -> None:
    """Raise unless `elt` is of `kind` (one of the constants above). `op` is
    unused (the driver prefixes the op name); kept for existing callers."""
    if not _KIND_TEST[kind](elt):
        raise fail(f"does not accept element type {elt} (needs {kind} types)")


# -- binary -------------------------------------------------------------------------
class BinaryOp(GraphOp):
    """Two operands of one element type, broadcast as numpy."""

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
        check_kind(a.element_type, cls.KIND)
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
    """x / y. Floats: IEEE (x / 0 is +-inf, 0 / 0 NaN). Integers truncate toward
    zero (C, ONNX, torch rounding_mode="trunc"); x / 0 gives 0 and MIN / -1 wraps to MIN."""

    name = "graph.div"


@irdl_op_definition
class PowOp(BinaryOp):
    """x ** y. Floats: C pow (numpy, torch). Integers wrap; a negative exponent
    gives trunc(1 / x ** -y): 1 for x = 1, +-1 for x = -1, 0 otherwise (x = 0 too), as torch."""

    name = "graph.pow"


@irdl_op_definition
class MaximumOp(BinaryOp):
    """max(x, y), NaN-propagating (numpy.maximum, torch.maximum); which zero
    max(-0.0, 0.0) returns is unspecified."""

    name = "graph.maximum"


@irdl_op_definition
class MinimumOp(BinaryOp):
    """min(x, y), NaN-propagating (numpy.minimum, torch.minimum); which zero
    min(-0.0, 0.0) returns is unspecified."""

    name = "graph.minimum"


@irdl_op_definition
class ModOp(BinaryOp):
    """x mod y with the sign of y (Python, numpy.mod, torch.remainder); float
    mod 0 is NaN, integer mod 0 gives 0."""

    name = "graph.mod"


@irdl_op_definition
class FmodOp(BinaryOp):
    """x fmod y with the sign of x (C fmod, torch.fmod, ONNX Mod fmod=1); float
    fmod 0 is NaN, integer fmod 0 gives 0."""

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
    """x & y on integers and i1."""

    name = "graph.bitwise_and"
    KIND: ClassVar[str] = INTEGER_OR_BOOL


@irdl_op_definition
class BitwiseOrOp(BinaryOp):
    """x | y on integers and i1."""

    name = "graph.bitwise_or"
    KIND: ClassVar[str] = INTEGER_OR_BOOL


@irdl_op_definition
class BitwiseXorOp(BinaryOp):
    """x ^ y on integers and i1."""

    name = "graph.bitwise_xor"
    KIND: ClassVar[str] = INTEGER_OR_BOOL


@irdl_op_definition
class ShiftLeftOp(BinaryOp):
    """x << y on integers (bits shifted out are lost); a shift amount < 0 or
    >= the bit width gives 0, as torch."""

    name = "graph.shift_left"
    KIND: ClassVar[str] = INTEGER


@irdl_op_definition
class ShiftRightOp(BinaryOp):
    """x >> y on integers, arithmetic for signed and logical for unsigned types;
    a shift amount < 0 or >= the bit width gives the sign fill (-1 or 0), as torch."""

    name = "graph.shift_right"
    KIND: ClassVar[str] = INTEGER


class CompareOp(BinaryOp):
    """A comparison of any element type -> i1; NaN compares unequal to everything."""

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
    """x != y -> i1 (true where either is NaN)."""

    name = "graph.ne"


@irdl_op_definition
class LtOp(CompareOp):
    """x < y -> i1 (i1: false < true)."""

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
    """cond ? x : y with three-way numpy broadcasting; cond is i1, x and y any
    one element type (numpy.where, torch.where, ONNX Where)."""

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
    """min(max(x, min), max); a missing bound is unbounded, NaN stays NaN.

    Bounds are f64 properties, rounded to the element type (floats) or
    saturated to its range (integers, whose bounds must be integral).
    """

    name = "graph.clip"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    min = opt_prop_def(FloatAttr)
    max = opt_prop_def(FloatAttr)

    def fold_identity(self) -> SSAValue | None:
        return self.input if self.min is None and self.max is None else None

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        check_kind(x.element_type, ARITH)
        bounds = {k: props.float(k) for k in ("min", "max") if props.has(k)}
        for key, value in bounds.items():
            _check_bound(key, value, x.element_type)
        if len(bounds) == 2 and bounds["min"] > bounds["max"]:
            raise fail(f"min {bounds['min']} is greater than max {bounds['max']}")
        return [x]


def _check_bound(key: str, value: float, elt: Attribute) -> None:
    if math.isnan(value):
        raise fail(f"{key} is NaN")
    if is_int(elt) and math.isfinite(value) and not value.is_integer():
        raise fail(f"{key} {value} is not integral, but the element type is {elt}")


# -- unary --------------------------------------------------------------------------
class UnaryOp(GraphOp):
    """One operand; the result has its shape and (by default) its element type."""

    input = operand_def(TensorType)
    result = result_def(TensorType)
    KIND: ClassVar[str] = FLOAT

    @classmethod
    def result_element(cls, elt: Attribute) -> Attribute:
        return elt

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        check_kind(x.element_type, cls.KIND)
        return [TensorType(x.dims, cls.result_element(x.element_type))]


def _unary(op_name: str, doc: str, kind: str = FLOAT) -> type[UnaryOp]:
    """Define a property-less unary op `graph.<op_name>` named `<OpName>Op`."""
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


NegOp = _unary("neg", "-x; integers wrap (-MIN is MIN, unsigned -x is 2**n - x).", ARITH)
AbsOp = _unary("abs", "|x|; integers wrap (|MIN| is MIN), unsigned x is unchanged.", ARITH)
SignOp = _unary("sign", "-1, 0 or 1 by the sign of x; NaN stays NaN (numpy, ONNX; torch gives 0).", ARITH)
ExpOp = _unary("exp", "e ** x.")
LogOp = _unary("log", "ln x (-inf at +-0, NaN below 0).")
Log1pOp = _unary("log1p", "ln(1 + x), accurate near 0.")
SqrtOp = _unary("sqrt", "sqrt(x) (NaN below 0, sqrt(-0.0) is -0.0).")
RsqrtOp = _unary("rsqrt", "1 / sqrt(x) (+-inf at +-0).")
ReciprocalOp = _unary("reciprocal", "1 / x.")
TanhOp = _unary("tanh", "tanh(x).")
SigmoidOp = _unary("sigmoid", "1 / (1 + e ** -x), without overflow.")
ReluOp = _unary("relu", "max(x, 0); NaN stays NaN.", ARITH)
GeluOp = _unary("gelu", "0.5 x (1 + erf(x / sqrt 2)) (torch gelu approximate='none'), accurate for large -x.")
GeluTanhOp = _unary("gelu_tanh", "0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (torch gelu approximate='tanh').")
SiluOp = _unary("silu", "x * sigmoid(x).")
SoftplusOp = _unary("softplus", "ln(1 + e ** x), computed stably (torch softplus with beta 1).")
ErfOp = _unary("erf", "the error function.")
SinOp = _unary("sin", "sin(x).")
CosOp = _unary("cos", "cos(x).")
TanOp = _unary("tan", "tan(x).")
FloorOp = _unary("floor", "the largest integer <= x (as a float).")
CeilOp = _unary("ceil", "the smallest integer >= x (as a float).")
RoundOp = _unary("round", "x rounded to the nearest integer, halves to even (numpy.rint, torch.round, ONNX Round).")
HardSwishOp = _unary("hard_swish", "x * min(max(x + 3, 0), 6) / 6 (torch hardswish).")
NotOp = _unary("not", "not x on i1.", LOGICAL)
BitwiseNotOp = _unary("bitwise_not", "~x on integers; not x on i1.", INTEGER_OR_BOOL)


class _PredicateOp(UnaryOp):
    """A float test -> i1."""

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
    """x is +-inf -> i1; detect_positive / detect_negative select the signs (ONNX IsInf)."""

    name = "graph.isinf"
    detect_positive = prop_def(BoolAttr, default_value=BoolAttr.from_bool(True))
    detect_negative = prop_def(BoolAttr, default_value=BoolAttr.from_bool(True))


@irdl_op_definition
class LeakyReluOp(UnaryOp):
    """x if x >= 0 else alpha * x (torch leaky_relu negative_slope, ONNX LeakyRelu)."""

    name = "graph.leaky_relu"
    alpha = prop_def(FloatAttr, default_value=FloatAttr(0.01, 64))


@irdl_op_definition
class EluOp(UnaryOp):
    """x if x > 0 else alpha * (e ** x - 1) (torch elu, ONNX Elu)."""

    name = "graph.elu"
    alpha = prop_def(FloatAttr, default_value=FloatAttr(1.0, 64))


@irdl_op_definition
class HardSigmoidOp(UnaryOp):
    """min(max(alpha * x + beta, 0), 1); the defaults are ONNX's (torch uses alpha 1/6, beta 0.5)."""

    name = "graph.hard_sigmoid"
    alpha = prop_def(FloatAttr, default_value=FloatAttr(0.2, 64))
    beta = prop_def(FloatAttr, default_value=FloatAttr(0.5, 64))


# -- cast ---------------------------------------------------------------------------
@irdl_op_definition
class CastOp(GraphOp):
    """Convert the element type to `to`; every pair of element types is allowed.

    Rules: float -> float rounds to nearest even (overflow gives inf, NaN stays
    NaN); float -> int truncates toward zero and saturates to the target range,
    NaN gives 0; int -> int wraps (two's complement, as C and numpy); int ->
    float rounds to nearest even (overflow gives inf); anything -> i1 is
    `x != 0` (NaN gives 1); i1 -> anything gives 0 or 1. Every rounding is a
    single correct rounding (also to bf16, where numpy and torch round twice).
    """

    name = "graph.cast"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    to = prop_def(TypeAttribute)
    SAME_TYPE_IS_IDENTITY: ClassVar[bool] = True

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        to = props.type("to")
        if to not in ELEMENT_TYPES:
            allowed = ", ".join(element_name(t) for t in ELEMENT_TYPES)
            raise fail(f"cannot cast to {to}: the element type must be one of {allowed}")
        return [x.with_element(to)]


BINARY_OPS = [
    AddOp, SubOp, MulOp, DivOp, PowOp, MaximumOp, MinimumOp, ModOp, FmodOp,
    AndOp, OrOp, XorOp, BitwiseAndOp, BitwiseOrOp, BitwiseXorOp, ShiftLeftOp, ShiftRightOp,
]  # fmt: skip
COMPARE_OPS = [EqOp, NeOp, LtOp, LeOp, GtOp, GeOp]
UNARY_OPS = [
    NegOp, AbsOp, SignOp, ExpOp, LogOp, Log1pOp, SqrtOp, RsqrtOp, ReciprocalOp, TanhOp,
    SigmoidOp, ReluOp, GeluOp, GeluTanhOp, SiluOp, SoftplusOp, ErfOp, SinOp, CosOp, TanOp,
    FloorOp, CeilOp, RoundOp, HardSwishOp, NotOp, BitwiseNotOp, IsNanOp, IsInfOp,
    LeakyReluOp, EluOp, HardSigmoidOp,
]  # fmt: skip
ELEMENTWISE_OPS = [*BINARY_OPS, *COMPARE_OPS, *UNARY_OPS, WhereOp, ClipOp, CastOp]
