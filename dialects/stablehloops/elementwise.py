"""StableHLO elementwise ops: unary and binary math, select, clamp and compare."""

from __future__ import annotations

from xdsl.dialects.builtin import (
    IntegerType,
    TensorType,
)
from xdsl.ir import Attribute
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.stablehloops.attrs import (
    ComparisonDirectionAttr,
    ComparisonTypeAttr,
)
from tensorforge.dialects.stablehloops.base import BinaryHloOp, HloOp, UnaryHloOp, _compatible, _ints, _shape  # noqa: F401


@irdl_op_definition
class HloAbsOp(UnaryHloOp):
    """|x|; integers wrap (abs of INT_MIN is INT_MIN)."""

    name = "stablehlo.abs"


@irdl_op_definition
class HloNegateOp(UnaryHloOp):
    """-x, integers wrap."""

    name = "stablehlo.negate"


@irdl_op_definition
class HloExponentialOp(UnaryHloOp):
    """e^x."""

    name = "stablehlo.exponential"


@irdl_op_definition
class HloExponentialMinusOneOp(UnaryHloOp):
    """e^x - 1 (expm1)."""

    name = "stablehlo.exponential_minus_one"


@irdl_op_definition
class HloLogOp(UnaryHloOp):
    """Natural log."""

    name = "stablehlo.log"


@irdl_op_definition
class HloLogPlusOneOp(UnaryHloOp):
    """Log(1 + x) (log1p)."""

    name = "stablehlo.log_plus_one"


@irdl_op_definition
class HloSqrtOp(UnaryHloOp):
    """Square root."""

    name = "stablehlo.sqrt"


@irdl_op_definition
class HloRsqrtOp(UnaryHloOp):
    """1 / sqrt(x)."""

    name = "stablehlo.rsqrt"


@irdl_op_definition
class HloTanhOp(UnaryHloOp):
    """Hyperbolic tangent."""

    name = "stablehlo.tanh"


@irdl_op_definition
class HloLogisticOp(UnaryHloOp):
    """1 / (1 + e^-x)."""

    name = "stablehlo.logistic"


@irdl_op_definition
class HloSineOp(UnaryHloOp):
    """Sin."""

    name = "stablehlo.sine"


@irdl_op_definition
class HloCosineOp(UnaryHloOp):
    """Cos."""

    name = "stablehlo.cosine"


@irdl_op_definition
class HloTanOp(UnaryHloOp):
    """Tan."""

    name = "stablehlo.tan"


@irdl_op_definition
class HloFloorOp(UnaryHloOp):
    """Round toward -inf."""

    name = "stablehlo.floor"


@irdl_op_definition
class HloCeilOp(UnaryHloOp):
    """Round toward +inf."""

    name = "stablehlo.ceil"


@irdl_op_definition
class HloRoundNearestEvenOp(UnaryHloOp):
    """Round half to even."""

    name = "stablehlo.round_nearest_even"


@irdl_op_definition
class HloRoundNearestAfzOp(UnaryHloOp):
    """Round half away from zero."""

    name = "stablehlo.round_nearest_afz"


@irdl_op_definition
class HloSignOp(UnaryHloOp):
    """-1, 0 or 1 (NaN stays NaN)."""

    name = "stablehlo.sign"


@irdl_op_definition
class HloNotOp(UnaryHloOp):
    """Logical not (i1) or bitwise not (integers)."""

    name = "stablehlo.not"


@irdl_op_definition
class HloIsFiniteOp(UnaryHloOp):
    """Neither inf nor NaN; i1 result."""

    name = "stablehlo.is_finite"


@irdl_op_definition
class HloConvertOp(UnaryHloOp):
    """Element type conversion (as numpy astype, bool is x != 0)."""

    name = "stablehlo.convert"


@irdl_op_definition
class HloBitcastConvertOp(UnaryHloOp):
    """Reinterpret the bits as another element type of the same width."""

    name = "stablehlo.bitcast_convert"


@irdl_op_definition
class HloReshapeOp(UnaryHloOp):
    """Same elements in row-major order, the result's shape."""

    name = "stablehlo.reshape"


@irdl_op_definition
class HloCbrtOp(UnaryHloOp):
    """Cube root."""

    name = "stablehlo.cbrt"


@irdl_op_definition
class HloPopcntOp(UnaryHloOp):
    """Number of set bits."""

    name = "stablehlo.popcnt"


@irdl_op_definition
class HloCountLeadingZerosOp(UnaryHloOp):
    """Number of leading zero bits."""

    name = "stablehlo.count_leading_zeros"



UNARY_OPS = {
    "abs": HloAbsOp,
    "negate": HloNegateOp,
    "exponential": HloExponentialOp,
    "exponential_minus_one": HloExponentialMinusOneOp,
    "log": HloLogOp,
    "log_plus_one": HloLogPlusOneOp,
    "sqrt": HloSqrtOp,
    "rsqrt": HloRsqrtOp,
    "tanh": HloTanhOp,
    "logistic": HloLogisticOp,
    "sine": HloSineOp,
    "cosine": HloCosineOp,
    "tan": HloTanOp,
    "floor": HloFloorOp,
    "ceil": HloCeilOp,
    "round_nearest_even": HloRoundNearestEvenOp,
    "round_nearest_afz": HloRoundNearestAfzOp,
    "sign": HloSignOp,
    "not": HloNotOp,
    "is_finite": HloIsFiniteOp,
    "convert": HloConvertOp,
    "bitcast_convert": HloBitcastConvertOp,
    "reshape": HloReshapeOp,
    "cbrt": HloCbrtOp,
    "popcnt": HloPopcntOp,
    "count_leading_zeros": HloCountLeadingZerosOp,
}


@irdl_op_definition
class HloAddOp(BinaryHloOp):
    """x + y (integers wrap)."""

    name = "stablehlo.add"


@irdl_op_definition
class HloSubtractOp(BinaryHloOp):
    """x - y."""

    name = "stablehlo.subtract"


@irdl_op_definition
class HloMultiplyOp(BinaryHloOp):
    """x * y."""

    name = "stablehlo.multiply"


@irdl_op_definition
class HloDivideOp(BinaryHloOp):
    """x / y; integers round toward zero (C)."""

    name = "stablehlo.divide"


@irdl_op_definition
class HloRemainderOp(BinaryHloOp):
    """C fmod: the sign of x."""

    name = "stablehlo.remainder"


@irdl_op_definition
class HloPowerOp(BinaryHloOp):
    """x ** y."""

    name = "stablehlo.power"


@irdl_op_definition
class HloMaximumOp(BinaryHloOp):
    """Max, NaN-propagating."""

    name = "stablehlo.maximum"


@irdl_op_definition
class HloMinimumOp(BinaryHloOp):
    """Min, NaN-propagating."""

    name = "stablehlo.minimum"


@irdl_op_definition
class HloAndOp(BinaryHloOp):
    """Logical (i1) or bitwise and."""

    name = "stablehlo.and"


@irdl_op_definition
class HloOrOp(BinaryHloOp):
    """Logical (i1) or bitwise or."""

    name = "stablehlo.or"


@irdl_op_definition
class HloXorOp(BinaryHloOp):
    """Logical (i1) or bitwise xor."""

    name = "stablehlo.xor"


@irdl_op_definition
class HloAtan2Op(BinaryHloOp):
    """Atan2(y, x)."""

    name = "stablehlo.atan2"


@irdl_op_definition
class HloShiftLeftOp(BinaryHloOp):
    """x << y."""

    name = "stablehlo.shift_left"


@irdl_op_definition
class HloShiftRightArithmeticOp(BinaryHloOp):
    """x >> y, sign-filling."""

    name = "stablehlo.shift_right_arithmetic"


@irdl_op_definition
class HloShiftRightLogicalOp(BinaryHloOp):
    """x >> y, zero-filling."""

    name = "stablehlo.shift_right_logical"



BINARY_OPS = {
    "add": HloAddOp,
    "subtract": HloSubtractOp,
    "multiply": HloMultiplyOp,
    "divide": HloDivideOp,
    "remainder": HloRemainderOp,
    "power": HloPowerOp,
    "maximum": HloMaximumOp,
    "minimum": HloMinimumOp,
    "and": HloAndOp,
    "or": HloOrOp,
    "xor": HloXorOp,
    "atan2": HloAtan2Op,
    "shift_left": HloShiftLeftOp,
    "shift_right_arithmetic": HloShiftRightArithmeticOp,
    "shift_right_logical": HloShiftRightLogicalOp,
}


@irdl_op_definition
class HloSelectOp(HloOp):
    """pred ? on_true : on_false, elementwise (pred may be a scalar)."""

    name = "stablehlo.select"
    pred = operand_def(TensorType)
    on_true = operand_def(TensorType)
    on_false = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    @classmethod
    def split_types(cls, types: list[Attribute], count: int) -> tuple[list[Attribute], list[Attribute]]:
        if len(types) == 2:
            return [types[0], types[1], types[1]], [types[1]]
        return super().split_types(types, count)


@irdl_op_definition
class HloClampOp(HloOp):
    """min(max(operand, min), max); min and max may be scalars."""

    name = "stablehlo.clamp"
    min = operand_def(TensorType)
    operand = operand_def(TensorType)
    max = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())


@irdl_op_definition
class HloCompareOp(HloOp):
    """Elementwise comparison `comparison_direction` under `compare_type` (TOTALORDER orders NaNs last)."""

    name = "stablehlo.compare"
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    comparison_direction = prop_def(ComparisonDirectionAttr)
    compare_type = opt_prop_def(ComparisonTypeAttr)
    traits = traits_def(Pure())

    @classmethod
    def parse(cls, parser: Parser) -> HloOp:
        direction = parser.parse_identifier()
        if direction not in ComparisonDirectionAttr.VALUES:
            parser.raise_error(f"comparison direction must be one of {', '.join(ComparisonDirectionAttr.VALUES)}")
        parser.parse_punctuation(",")
        lhs = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        rhs = parser.parse_unresolved_operand()
        props: dict[str, Attribute] = {"comparison_direction": ComparisonDirectionAttr.of(direction)}
        if parser.parse_optional_punctuation(",") is not None:
            props["compare_type"] = ComparisonTypeAttr.of(parser.parse_identifier())
        return cls.finish(parser, [lhs, rhs], props)

    def verify_(self) -> None:
        rt = self.result.type
        assert isinstance(rt, TensorType)
        if rt.element_type != IntegerType(1):
            raise VerifyException(f"result element type must be i1, got {rt.element_type}")
        if not _compatible(_shape(self.lhs.type), _shape(self.rhs.type)):
            raise VerifyException(f"operand shapes {_shape(self.lhs.type)} and {_shape(self.rhs.type)} differ")


ELEMENTWISE_OPS = [*UNARY_OPS.values(), *BINARY_OPS.values(), HloSelectOp, HloClampOp, HloCompareOp]
