"""Shape ops that create tensors: iota, full, zeros_like and ones_like.

Sizes are properties (never tensor data), so result shapes are known at
verify time; a `#graph.shape<[...]>` may be symbolic and is evaluated with
the call's bindings at run time.
"""

from __future__ import annotations

import math
from typing import ClassVar

from xdsl.dialects.builtin import FloatAttr, IntegerAttr
from xdsl.ir import Attribute, Operation, TypeAttribute
from xdsl.irdl import irdl_op_definition, operand_def, opt_prop_def, prop_def, result_def

from tensorforge.dialects.graphops.base import GraphOp, Props, fail
from tensorforge.dialects.graphops.shape_common import ShapePropOp, check_fill, fmt_dims, scalar
from tensorforge.dialects.graphops.shapes import normalize_axis
from tensorforge.dialects.graphops.types import ELEMENT_TYPES, ShapeAttr, TensorType
from tensorforge.dialects.symbolic import Expr


def need_element(elt: Attribute, what: str = "dtype") -> Attribute:
    if elt not in ELEMENT_TYPES:
        raise fail(f"{what} {elt} is not a supported element type")
    return elt


def need_sizes(shape: tuple[Expr, ...]) -> None:
    if any(d.is_const() and d.value() < 0 for d in shape):
        raise fail(f"shape {fmt_dims(shape)} has a negative dim")


@irdl_op_definition
class IotaOp(ShapePropOp):
    """Evenly spaced values, in one of two forms.

    Range (as numpy.arange): `limit` given; the result has
    ceil((limit - start) / delta) elements (0 if negative) start + i*delta.
    Shape (as StableHLO iota): `shape` (may be symbolic) and `dimension`
    (default 0) given; each element is start + delta * (its index along
    `dimension`). start/delta/limit are i64 or f64; values are computed in
    i64 when start and delta are integers, else in f64, then converted to
    `dtype` (as numpy astype: floats truncate toward zero for integer types).
    """

    name = "graph.iota"
    assembly_format: ClassVar[str | None] = "attr-dict `:` type(results)"
    result = result_def(TensorType)
    start = prop_def(FloatAttr | IntegerAttr, default_value=IntegerAttr(0, 64))
    limit = opt_prop_def(FloatAttr | IntegerAttr)
    delta = prop_def(FloatAttr | IntegerAttr, default_value=IntegerAttr(1, 64))
    dtype = prop_def(TypeAttribute)
    shape = opt_prop_def(ShapeAttr)
    dimension = opt_prop_def(IntegerAttr)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        elt = need_element(props.type("dtype"))
        if scalar(props, "delta") == 0:
            raise fail("delta must not be 0")
        if props.has("limit") == props.has("shape"):
            raise fail("needs exactly one of 'limit' (a range) and 'shape'")
        if not props.has("shape"):
            if props.has("dimension"):
                raise fail("'dimension' needs 'shape'")
            return [TensorType([iota_length(props)], elt)]
        shape = props.shape("shape")
        need_sizes(shape)
        if not shape:
            raise fail("shape must have at least one dim")
        normalize_axis(props.int("dimension") if props.has("dimension") else 0, len(shape), "dimension")
        return [TensorType(shape, elt)]


def iota_length(props: Props) -> int:
    """numpy.arange's length: ceil((limit - start) / delta), at least 0."""
    start, limit, delta = (scalar(props, k) for k in ("start", "limit", "delta"))
    if isinstance(start, int) and isinstance(limit, int) and isinstance(delta, int):
        return max(-((start - limit) // delta), 0)
    span = (limit - start) / delta
    if not math.isfinite(span):
        raise fail(f"cannot count the values from {start} to {limit} by {delta}")
    return max(math.ceil(span), 0)


@irdl_op_definition
class FullOp(ShapePropOp):
    """A tensor of `shape` (may be symbolic) filled with `value` (as numpy.full).

    `value` (i64 or f64) must be representable in `dtype`: integral and in
    range for integer types, 0 or 1 for i1; floats round to nearest.
    """

    name = "graph.full"
    assembly_format: ClassVar[str | None] = "attr-dict `:` type(results)"
    result = result_def(TensorType)
    shape = prop_def(ShapeAttr)
    value = prop_def(FloatAttr | IntegerAttr)
    dtype = prop_def(TypeAttribute)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        elt = need_element(props.type("dtype"))
        shape = props.shape("shape")
        need_sizes(shape)
        check_fill(scalar(props, "value"), elt, "value")
        return [TensorType(shape, elt)]


class _FillLikeOp(GraphOp):
    """Same shape as the input, element type `dtype` (default: the input's)."""

    input = operand_def(TensorType)
    result = result_def(TensorType)
    dtype = opt_prop_def(TypeAttribute)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        elt = need_element(props.type("dtype")) if props.has("dtype") else x.element_type
        return [x.with_element(elt)]


@irdl_op_definition
class ZerosLikeOp(_FillLikeOp):
    """Zeros shaped like the input (as numpy.zeros_like); `dtype` overrides the element type."""

    name = "graph.zeros_like"


@irdl_op_definition
class OnesLikeOp(_FillLikeOp):
    """Ones shaped like the input (as numpy.ones_like; true for i1); `dtype` overrides the element type."""

    name = "graph.ones_like"


CREATE_OPS: list[type[Operation]] = [IotaOp, FullOp, ZerosLikeOp, OnesLikeOp]
