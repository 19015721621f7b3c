"""Converters for ATen reductions: sum, mean, amax/amin, max/min, prod,
argmax/argmin, var/std (any correction), any/all, logsumexp, vector norms and
cumsum.

An absent or empty `dim` reduces every axis (torch). The input is cast to the
dtype torch recorded for the result first, so integer sums accumulate in i64.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from xdsl.dialects.builtin import IntegerType

from tensorforge.dialects import graph as g
from tensorforge.dialects.symbolic import product
from tensorforge.frontends.torch.context import Ctx, Multi, Value
from tensorforge.frontends.torch.registry import Args, converts

I1 = IntegerType(1)


def _axes(cx: Ctx, x: Value, dim: Any) -> list[int]:
    rank = cx.rank(x)
    if dim is None or (isinstance(dim, Sequence) and len(dim) == 0):
        return list(range(rank))
    dims = dim if isinstance(dim, Sequence) else [dim]
    return sorted({int(d) % rank for d in dims}) if rank else []


def _reduce(cx: Ctx, op_cls: type, x: Value, axes: list[int], keepdim: bool) -> Value:
    if not axes:
        return x
    return cx.add(op_cls(x, axes=axes, keepdims=keepdim))


def _simple(op_cls: type) -> Any:
    def convert(cx: Ctx, a: Args) -> Value:
        x = cx.cast(a["self"], cx.out_elt(0))
        return _reduce(cx, op_cls, x, _axes(cx, x, a.get("dim")), bool(a.get("keepdim", False)))

    return convert


converts("aten.sum.dim_IntList", "aten.sum.default")(_simple(g.ReduceSumOp))
converts("aten.mean.dim", "aten.mean.default")(_simple(g.ReduceMeanOp))
converts("aten.amax.default", "aten.max.default")(_simple(g.ReduceMaxOp))
converts("aten.amin.default", "aten.min.default")(_simple(g.ReduceMinOp))
converts("aten.prod.default", "aten.prod.dim_int")(_simple(g.ReduceProdOp))


@converts("aten.max.dim", "aten.min.dim")
def _max_dim(cx: Ctx, a: Args) -> Multi:
    x = a["self"]
    axis = int(a["dim"]) % max(cx.rank(x), 1)
    keepdim = bool(a.get("keepdim", False))
    is_max = a.name.startswith("aten.max")
    values = _reduce(cx, g.ReduceMaxOp if is_max else g.ReduceMinOp, x, [axis], keepdim)
    arg = g.ArgMaxOp if is_max else g.ArgMinOp
    return Multi([values, lambda: cx.add(arg(x, axis=axis, keepdims=keepdim))])


@converts("aten.argmax.default", "aten.argmin.default")
def _argmax(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    op = g.ArgMaxOp if a.name.startswith("aten.argmax") else g.ArgMinOp
    keepdim = bool(a.get("keepdim", False))
    if a.get("dim") is None:
        flat = cx.add(g.ReshapeOp(x, shape=[-1]))
        out = cx.add(op(flat, axis=0))
        return cx.add(g.ReshapeOp(out, shape=[1] * cx.rank(x))) if keepdim else out
    return cx.add(op(x, axis=int(a["dim"]) % max(cx.rank(x), 1), keepdims=keepdim))


# -- var / std -----------------------------------------------------------------------------
def _correction(a: Args) -> float:
    if "correction" in a.values:
        c = a.get("correction")
        return 1.0 if c is None else float(c)
    return 1.0 if a.get("unbiased", True) else 0.0


def variance(cx: Ctx, x: Value, axes: list[int], correction: float, keepdim: bool) -> tuple[Value, Value]:
    """(var, mean): sum((x - mean)^2) / (N - correction), N the reduced element count."""
    mean = cx.add(g.ReduceMeanOp(x, axes=axes, keepdims=True))
    centered = cx.add(g.SubOp(x, mean))
    total = cx.add(g.ReduceSumOp(cx.add(g.MulOp(centered, centered)), axes=axes, keepdims=keepdim))
    count = product(cx.dims(x)[a] for a in axes)
    if count.is_const():
        denom = cx.scalar(max(count.value() - correction, 0.0), cx.elt(x))
    else:
        ones = cx.add(g.OnesLikeOp(x))
        n = cx.add(g.ReduceSumOp(ones, axes=axes, keepdims=keepdim))
        denom = cx.add(g.MaximumOp(cx.add(g.SubOp(n, cx.scalar(correction, cx.elt(x)))), cx.scalar(0.0, cx.elt(x))))
    var = cx.add(g.DivOp(total, denom))
    return var, mean if keepdim else cx.add(g.SqueezeOp(mean, axes=axes))


@converts("aten.var.correction", "aten.var.dim", "aten.var.default", "aten.std.correction", "aten.std.dim",
          "aten.std.default", "aten.var_mean.correction", "aten.var_mean.dim", "aten.std_mean.correction",
          "aten.std_mean.dim")
def _var(cx: Ctx, a: Args) -> Any:
    x = cx.cast(a["self"], cx.out_elt(0))
    axes = _axes(cx, x, a.get("dim"))
    var, mean = variance(cx, x, axes, _correction(a), bool(a.get("keepdim", False)))
    kind = a.name.split(".")[1]
    out = cx.add(g.SqrtOp(var)) if kind.startswith("std") else var
    return Multi([out, mean]) if kind.endswith("_mean") else out


# -- any / all -------------------------------------------------------------------------------
@converts("aten.any.default", "aten.any.dim", "aten.any.dims", "aten.all.default", "aten.all.dim", "aten.all.dims")
def _any_all(cx: Ctx, a: Args) -> Value:
    x = cx.cast(a["self"], I1)
    op = g.ReduceMaxOp if a.name.startswith("aten.any") else g.ReduceMinOp
    out = _reduce(cx, op, x, _axes(cx, x, a.get("dim")), bool(a.get("keepdim", False)))
    return cx.cast(out, cx.out_elt())


# -- logsumexp / norms ---------------------------------------------------------------------------
@converts("aten.logsumexp.default")
def _logsumexp(cx: Ctx, a: Args) -> Value:
    """max + log(sum(exp(x - max))), with an infinite max taken as 0 (torch)."""
    x = cx.cast(a["self"], cx.out_elt())
    axes = _axes(cx, x, a.get("dim"))
    keepdim = bool(a.get("keepdim", False))
    peak = cx.add(g.ReduceMaxOp(x, axes=axes, keepdims=True))
    finite = cx.add(g.NotOp(cx.add(g.IsInfOp(peak))))
    peak = cx.add(g.WhereOp(finite, peak, cx.scalar(0.0, cx.elt(x))))
    total = cx.add(g.ReduceSumOp(cx.add(g.ExpOp(cx.add(g.SubOp(x, peak)))), axes=axes, keepdims=keepdim))
    shift = peak if keepdim else cx.add(g.SqueezeOp(peak, axes=axes))
    return cx.add(g.AddOp(cx.add(g.LogOp(total)), shift))


@converts("aten.linalg_vector_norm.default")
def _vector_norm(cx: Ctx, a: Args) -> Value:
    x = cx.cast(a["self"], cx.out_elt())
    axes = _axes(cx, x, a.get("dim"))
    keepdim = bool(a.get("keepdim", False))
    order = float(a.get("ord", 2))
    if order == 2.0:
        return _reduce(cx, g.ReduceL2Op, x, axes, keepdim) if axes else cx.add(g.AbsOp(x))
    magnitude = cx.add(g.AbsOp(x))
    if order == 1.0:
        return _reduce(cx, g.ReduceSumOp, magnitude, axes, keepdim)
    if order == math.inf:
        return _reduce(cx, g.ReduceMaxOp, magnitude, axes, keepdim)
    if order == -math.inf:
        return _reduce(cx, g.ReduceMinOp, magnitude, axes, keepdim)
    if order == 0.0:
        nonzero = cx.cast(cx.add(g.NeOp(x, cx.scalar(0.0, cx.elt(x)))), cx.elt(x))
        return _reduce(cx, g.ReduceSumOp, nonzero, axes, keepdim)
    powered = cx.add(g.PowOp(magnitude, cx.scalar(order, cx.elt(x))))
    total = _reduce(cx, g.ReduceSumOp, powered, axes, keepdim)
    return cx.add(g.PowOp(total, cx.scalar(1.0 / order, cx.elt(x))))


# -- cumsum ---------------------------------------------------------------------------------------
@converts("aten.cumsum.default")
def _cumsum(cx: Ctx, a: Args) -> Value:
    x = cx.cast(a["self"], cx.out_elt())
    if cx.rank(x) == 0:
        return x
    return cx.add(g.CumSumOp(x, axis=int(a["dim"]) % cx.rank(x)))

