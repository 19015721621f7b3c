"""The `chlo` dialect: the client HLO ops JAX emits next to StableHLO.

Unary math (`chlo.erf %x : tensor<4xf32> -> tensor<4xf32>`), `chlo.top_k` and
the implicitly broadcasting binaries (`chlo.broadcast_add`, numpy
broadcasting, or `broadcast_dimensions` mapping the lower-rank operand).
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, TensorType, i64
from xdsl.ir import Attribute, Dialect
from xdsl.irdl import irdl_op_definition, operand_def, opt_prop_def, prop_def, result_def, traits_def, var_result_def
from xdsl.parser import Parser
from xdsl.traits import Pure

from tensorforge.dialects.stablehloops.attrs import ComparisonDirectionAttr, ComparisonTypeAttr
from tensorforge.dialects.stablehloops.ops import HloOp
from tensorforge.dialects.stablehloops.syntax import KeyParser, array_key


class ChloUnaryOp(HloOp):
    operand = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())


class ChloBinaryOp(HloOp):
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    broadcast_dimensions = opt_prop_def(DenseArrayBase)
    KEYS: ClassVar[dict[str, KeyParser]] = {"broadcast_dimensions": array_key("broadcast_dimensions")}
    traits = traits_def(Pure())


@irdl_op_definition
class ChloErfOp(ChloUnaryOp):
    """Gauss error function."""

    name = "chlo.erf"


@irdl_op_definition
class ChloErfcOp(ChloUnaryOp):
    """1 - erf(x)."""

    name = "chlo.erfc"


@irdl_op_definition
class ChloErfInvOp(ChloUnaryOp):
    """Inverse of erf."""

    name = "chlo.erf_inv"


@irdl_op_definition
class ChloTanOp(ChloUnaryOp):
    """Tangent."""

    name = "chlo.tan"


@irdl_op_definition
class ChloSinhOp(ChloUnaryOp):
    """Hyperbolic sine."""

    name = "chlo.sinh"


@irdl_op_definition
class ChloCoshOp(ChloUnaryOp):
    """Hyperbolic cosine."""

    name = "chlo.cosh"


@irdl_op_definition
class ChloAsinOp(ChloUnaryOp):
    """Arcsine."""

    name = "chlo.asin"


@irdl_op_definition
class ChloAcosOp(ChloUnaryOp):
    """Arccosine."""

    name = "chlo.acos"


@irdl_op_definition
class ChloAtanOp(ChloUnaryOp):
    """Arctangent."""

    name = "chlo.atan"


@irdl_op_definition
class ChloAsinhOp(ChloUnaryOp):
    """Inverse sinh."""

    name = "chlo.asinh"


@irdl_op_definition
class ChloAcoshOp(ChloUnaryOp):
    """Inverse cosh."""

    name = "chlo.acosh"


@irdl_op_definition
class ChloAtanhOp(ChloUnaryOp):
    """Inverse tanh."""

    name = "chlo.atanh"


@irdl_op_definition
class ChloLgammaOp(ChloUnaryOp):
    """Log |gamma(x)|."""

    name = "chlo.lgamma"


@irdl_op_definition
class ChloDigammaOp(ChloUnaryOp):
    """Derivative of lgamma."""

    name = "chlo.digamma"


@irdl_op_definition
class ChloIsInfOp(ChloUnaryOp):
    """X is +-inf (i1)."""

    name = "chlo.is_inf"


@irdl_op_definition
class ChloIsPosInfOp(ChloUnaryOp):
    """X is +inf."""

    name = "chlo.is_pos_inf"


@irdl_op_definition
class ChloIsNegInfOp(ChloUnaryOp):
    """X is -inf."""

    name = "chlo.is_neg_inf"


@irdl_op_definition
class ChloSquareOp(ChloUnaryOp):
    """X * x."""

    name = "chlo.square"



CHLO_UNARY = {
    "erf": ChloErfOp,
    "erfc": ChloErfcOp,
    "erf_inv": ChloErfInvOp,
    "tan": ChloTanOp,
    "sinh": ChloSinhOp,
    "cosh": ChloCoshOp,
    "asin": ChloAsinOp,
    "acos": ChloAcosOp,
    "atan": ChloAtanOp,
    "asinh": ChloAsinhOp,
    "acosh": ChloAcoshOp,
    "atanh": ChloAtanhOp,
    "lgamma": ChloLgammaOp,
    "digamma": ChloDigammaOp,
    "is_inf": ChloIsInfOp,
    "is_pos_inf": ChloIsPosInfOp,
    "is_neg_inf": ChloIsNegInfOp,
    "square": ChloSquareOp,
}


@irdl_op_definition
class ChloBroadcastAddOp(ChloBinaryOp):
    """Lhs + rhs, broadcasting."""

    name = "chlo.broadcast_add"


@irdl_op_definition
class ChloBroadcastSubtractOp(ChloBinaryOp):
    """Lhs - rhs."""

    name = "chlo.broadcast_subtract"


@irdl_op_definition
class ChloBroadcastMultiplyOp(ChloBinaryOp):
    """Lhs * rhs."""

    name = "chlo.broadcast_multiply"


@irdl_op_definition
class ChloBroadcastDivideOp(ChloBinaryOp):
    """Lhs / rhs (integers toward zero)."""

    name = "chlo.broadcast_divide"


@irdl_op_definition
class ChloBroadcastRemainderOp(ChloBinaryOp):
    """C fmod."""

    name = "chlo.broadcast_remainder"


@irdl_op_definition
class ChloBroadcastPowerOp(ChloBinaryOp):
    """Lhs ** rhs."""

    name = "chlo.broadcast_power"


@irdl_op_definition
class ChloBroadcastMaximumOp(ChloBinaryOp):
    """Max."""

    name = "chlo.broadcast_maximum"


@irdl_op_definition
class ChloBroadcastMinimumOp(ChloBinaryOp):
    """Min."""

    name = "chlo.broadcast_minimum"


@irdl_op_definition
class ChloBroadcastAndOp(ChloBinaryOp):
    """And."""

    name = "chlo.broadcast_and"


@irdl_op_definition
class ChloBroadcastOrOp(ChloBinaryOp):
    """Or."""

    name = "chlo.broadcast_or"


@irdl_op_definition
class ChloBroadcastXorOp(ChloBinaryOp):
    """Xor."""

    name = "chlo.broadcast_xor"


@irdl_op_definition
class ChloBroadcastAtan2Op(ChloBinaryOp):
    """Atan2(lhs, rhs)."""

    name = "chlo.broadcast_atan2"


@irdl_op_definition
class ChloNextAfterOp(ChloBinaryOp):
    """Next float after lhs toward rhs."""

    name = "chlo.next_after"


@irdl_op_definition
class ChloPolygammaOp(ChloBinaryOp):
    """Polygamma(n=lhs, x=rhs)."""

    name = "chlo.polygamma"


@irdl_op_definition
class ChloZetaOp(ChloBinaryOp):
    """Hurwitz zeta(x=lhs, q=rhs)."""

    name = "chlo.zeta"



CHLO_BINARY = {
    "broadcast_add": ChloBroadcastAddOp,
    "broadcast_subtract": ChloBroadcastSubtractOp,
    "broadcast_multiply": ChloBroadcastMultiplyOp,
    "broadcast_divide": ChloBroadcastDivideOp,
    "broadcast_remainder": ChloBroadcastRemainderOp,
    "broadcast_power": ChloBroadcastPowerOp,
    "broadcast_maximum": ChloBroadcastMaximumOp,
    "broadcast_minimum": ChloBroadcastMinimumOp,
    "broadcast_and": ChloBroadcastAndOp,
    "broadcast_or": ChloBroadcastOrOp,
    "broadcast_xor": ChloBroadcastXorOp,
    "broadcast_atan2": ChloBroadcastAtan2Op,
    "next_after": ChloNextAfterOp,
    "polygamma": ChloPolygammaOp,
    "zeta": ChloZetaOp,
}


@irdl_op_definition
class ChloBroadcastCompareOp(HloOp):
    """Broadcasting comparison, as stablehlo.compare."""

    name = "chlo.broadcast_compare"
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    comparison_direction = prop_def(ComparisonDirectionAttr)
    compare_type = opt_prop_def(ComparisonTypeAttr)
    broadcast_dimensions = opt_prop_def(DenseArrayBase)
    traits = traits_def(Pure())


@irdl_op_definition
class ChloTopKOp(HloOp):
    """The k largest entries of the last dim (sorted, ties to the lower index) and their i32 indices."""

    name = "chlo.top_k"
    operand = operand_def(TensorType)
    values = var_result_def(TensorType)
    k = prop_def(IntegerAttr)

    @classmethod
    def parse(cls, parser: Parser) -> HloOp:
        parser.parse_punctuation("(")
        x = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        parser.parse_keyword("k")
        parser.parse_punctuation("=")
        k = parser.parse_integer()
        parser.parse_punctuation(")")
        return cls.finish(parser, [x], {"k": IntegerAttr(k, i64)})

    @classmethod
    def split_types(cls, types: list[Attribute], count: int) -> tuple[list[Attribute], list[Attribute]]:
        return types[:1], types[1:]


CHLO_OPS = [*CHLO_UNARY.values(), *CHLO_BINARY.values(), ChloBroadcastCompareOp, ChloTopKOp]
Chlo = Dialect("chlo", list(CHLO_OPS), [])
