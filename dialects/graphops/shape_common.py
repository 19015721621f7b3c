"""Helpers shared by the shape-family modules (`shape`, `shape_slice`, `shape_create`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, IntegerType
from xdsl.ir import Attribute

from tensorforge.dialects.graphops.base import GraphOp, Operand, Props, fail
from tensorforge.dialects.graphops.types import ShapeAttr, is_bool, is_float, numpy_dtype
from tensorforge.dialects.symbolic import Expr, ExprLike


class ShapePropOp(GraphOp):
    """A graph op whose `SHAPE_PROPS` are ShapeAttrs even when built from plain ints."""

    SHAPE_PROPS: ClassVar[tuple[str, ...]] = ("shape",)

    def __init__(self, *operands: Operand | Sequence[Operand], **props: Any) -> None:
        for name in self.SHAPE_PROPS:
            value = props.get(name)
            if value is not None and not isinstance(value, Attribute):
                props[name] = ShapeAttr(value)
        super().__init__(*operands, **props)


def fmt_dims(dims: Sequence[ExprLike]) -> str:
    return "[" + ", ".join(str(d) for d in dims) + "]"


def need_axes(axes: Sequence[int], rank: int, what: str = "axes") -> list[int]:
    """Normalized, distinct axes; a rank-0 tensor has none to name."""
    if axes and rank == 0:
        raise fail(f"{what} {list(axes)} given for a rank-0 tensor")
    for a in axes:
        if not -rank <= a < rank:
            raise fail(f"axis {a} in {what} is out of range for rank {rank}")
    out = [a % rank for a in axes]
    if len(set(out)) != len(out):
        raise fail(f"{what} {list(axes)} has repeated entries for rank {rank}")
    return out


def int_or_shape(props: Props, name: str) -> list[Expr]:
    """A property given either as `array<i64: ...>` or as `#graph.shape<[...]>`."""
    a = props.attr(name)
    if isinstance(a, ShapeAttr):
        return list(a.exprs)
    return [Expr.const(v) for v in props.ints(name)]


def scalar(props: Props, name: str) -> int | float:
    """An IntegerAttr stays an exact int (`true` is 1); a FloatAttr is a float."""
    a = props.attr(name)
    if isinstance(a, IntegerAttr):
        v = int(a.value.data)
        return int(v != 0) if a.type == IntegerType(1) else v
    return props.float(name)


def check_fill(value: float, elt: Attribute, what: str) -> None:
    """A fill value must be representable exactly in the element type (floats round)."""
    if is_float(elt):
        return
    if is_bool(elt):
        if value not in (0, 1):
            raise fail(f"{what} {value} is not a valid i1 value (0 or 1)")
        return
    if not math.isfinite(value) or int(value) != value:
        raise fail(f"{what} {value} is not an integer, but the element type is {elt}")
    info = numpy_integer_info(elt)
    if not info[0] <= int(value) <= info[1]:
        raise fail(f"{what} {value} is out of range [{info[0]}, {info[1]}] of {elt}")


def numpy_integer_info(elt: Attribute) -> tuple[int, int]:
    info = np.iinfo(numpy_dtype(elt))
    return int(info.min), int(info.max)
