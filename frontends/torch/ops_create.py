"""Converters for ATen ops that create tensors: arange, full/zeros/ones/empty
(and their _like / new_ forms), scalar_tensor, fill, eye and one_hot.

Shapes and dtypes are the ones torch recorded for the node, so symbolic sizes
(`torch.zeros(x.shape[0], 4)`) stay symbolic; `empty` is zero-filled.
"""

from __future__ import annotations

from typing import Any

from xdsl.dialects.builtin import i64

from tensorforge.dialects import graph as g
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.torch.context import Ctx, Value
from tensorforge.frontends.torch.errors import Unsupported
from tensorforge.frontends.torch.registry import Args, converts


def _number(value: Any, what: str) -> int | float | bool:
    if isinstance(value, Expr):
        if value.is_const():
            return value.value()
        raise Unsupported(f"{what} {value} is symbolic")
    if not isinstance(value, bool | int | float):
        raise Unsupported(f"{what} must be a number, got {type(value).__name__}")
    return value


@converts("aten.arange.default", "aten.arange.start", "aten.arange.start_step")
def _arange(cx: Ctx, a: Args) -> Value:
    start = _number(a.get("start", 0), "start")
    step = _number(a.get("step", 1), "step")
    (length,) = cx.out_shape()
    return cx.add(g.IotaOp(shape=[length], start=start, delta=step, dtype=cx.out_elt()))


@converts(
    "aten.full.default", "aten.zeros.default", "aten.ones.default", "aten.empty.memory_format",
    "aten.new_full.default", "aten.new_zeros.default", "aten.new_ones.default", "aten.new_empty.default",
    "aten.full_like.default", "aten.zeros_like.default", "aten.ones_like.default", "aten.empty_like.default",
    "aten.scalar_tensor.default", "aten.fill.Scalar", "aten.empty_strided.default", "aten.new_empty_strided.default",
)
def _full(cx: Ctx, a: Args) -> Value:
    op = a.name.split(".")[1]
    if "fill_value" in a.values:
        value = a["fill_value"]
    elif "value" in a.values:
        value = a["value"]
    elif "s" in a.values:
        value = a["s"]
    else:
        value = 1 if "ones" in op else 0
    return cx.full(cx.out_shape(), _number(value, "fill value"), cx.out_elt())


@converts("aten.fill.Tensor")
def _fill_tensor(cx: Ctx, a: Args) -> Value:
    value = cx.cast(a["value"], cx.out_elt())
    return cx.add(g.BroadcastToOp(value, shape=cx.out_shape()))


@converts("aten.eye.default", "aten.eye.m")
def _eye(cx: Ctx, a: Args) -> Value:
    shape = cx.out_shape()
    row = cx.add(g.IotaOp(shape=shape, dimension=0, dtype=i64))
    col = cx.add(g.IotaOp(shape=shape, dimension=1, dtype=i64))
    return cx.cast(cx.add(g.EqOp(row, col)), cx.out_elt())


@converts("aten.one_hot.default")
def _one_hot(cx: Ctx, a: Args) -> Value:
    classes = cx.out_shape()[-1]
    if not classes.is_const():
        raise Unsupported("num_classes must be given (else it depends on the data)")
    return cx.add(g.OneHotOp(a["self"], depth=classes.value(), dtype=cx.out_elt()))
