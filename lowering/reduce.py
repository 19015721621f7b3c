"""Lowerings of the reduce graph ops (semantics as in interp/reduce.py).

Every op becomes one or more stages; each reduction is a `b.reduce` stage
(reduce iteration variables, an init region) so the interpreter evaluates it
as one vectorized grid. Statistics of f16/bf16 inputs live in f32 buffers
(f64 stays f64) and a last stage casts back, as the graph interpreter does.

Multi-stage shapes:
    reduce_*:   acc = reduce(x)            [, out = finish(acc)]
    arg*:       m = max/min(x);  out = min/max(k where x[k] == m)
    softmax:    m = max(x);  s = sum(exp(x - m));  out = exp(x - m) / s
    cumsum:     out[i] = sum over k of select(k <= i, x[k], 0)
    *_norm:     s = sum(x);  v = sum((x - s/n)^2);  out = (x - s/n) / sqrt(v/n + eps) * scale + bias

Run-time errors of the graph interpreter (max/min/arg* over an empty axis,
group_norm with channels not divisible by groups) have no tensorir
counterpart: the lowered code does not check them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from xdsl.dialects.builtin import Float64Type, IntegerType, f32
from xdsl.ir import Attribute, Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.reduce import norm_channel_axis, reduced_axes, reduced_dims
from tensorforge.dialects.graphops.types import BOOL_TYPE, is_float, is_unsigned, numpy_dtype
from tensorforge.dialects.symbolic import Expr
from tensorforge.lowering.registry import lowers, props_of
from tensorforge.lowering.te import Buf, PrimFuncBuilder, S, binary, call, const, index, select

I64 = IntegerType(64)

Idx = list[Expr]
Body = Callable[[Idx, Idx], S]


# -- helpers ---------------------------------------------------------------------------
def acc_type(elt: Attribute) -> Attribute:
    """The element type statistics are computed in: f64 stays, other floats use f32."""
    if not is_float(elt) or isinstance(elt, Float64Type):
        return elt
    return f32


def _count(dims: Sequence[Expr]) -> Expr:
    total = Expr.const(1)
    for d in dims:
        total = total * d
    return total


def _count_as(dims: Sequence[Expr], elt: Attribute) -> S:
    """The number of reduced elements as a scalar of `elt` (a constant when static)."""
    total = _count(dims)
    if total.is_const():
        return const(float(total.value()), elt)
    return index(total).cast(I64).cast(elt)  # via i64: te's direct index->float cast leaves its index_cast unemitted


def lit(value: float | int | bool, elt: Attribute) -> S:
    """A constant of `elt`. arith.constant only takes signless integers, so an
    unsigned constant is built signless (same bits) and bitcast."""
    if not is_unsigned(elt):
        return const(value, elt)
    assert isinstance(elt, IntegerType)
    width = elt.width.data
    bits = int(value) % (1 << width)
    signed = bits - (1 << width) if bits >= 1 << (width - 1) else bits
    return const(signed, IntegerType(width)).cast(elt)


def _provably_nonempty(dims: Sequence[Expr]) -> bool:
    return all(d.is_const() and d.value() > 0 for d in dims)


def _statically_empty(dims: Sequence[Expr]) -> bool:
    return any(d.is_const() and d.value() == 0 for d in dims)


def _extreme(elt: Attribute, largest: bool) -> float | int | bool:
    """The identity of max (largest=False) or min (largest=True) in `elt`."""
    if elt == BOOL_TYPE:
        return largest
    if is_float(elt):
        return float("inf") if largest else float("-inf")
    info = np.iinfo(numpy_dtype(elt))
    return int(info.max) if largest else int(info.min)


def _max_min_combiner(elt: Attribute, is_max: bool) -> str:
    """i1 max/min are any/all; everything else uses the NaN-propagating max/min."""
    if elt == BOOL_TYPE:
        return "or" if is_max else "and"
    return "max" if is_max else "min"


def _input_index(out_idx: Idx, r: Idx, axes: Sequence[int], rank: int, keep: bool) -> Idx:
    """The input position of output position `out_idx` and reduce position `r`."""
    idx: Idx = []
    it = iter(out_idx)
    rs = iter(r)
    for d in range(rank):
        if d not in axes:
            idx.append(next(it))
            continue
        if keep:
            next(it)
        idx.append(next(rs))
    return idx


def _drop(idx: Idx, axis: int) -> Idx:
    return [e for d, e in enumerate(idx) if d != axis]


def _insert(idx: Idx, axis: int, e: Expr) -> Idx:
    return [*idx[:axis], e, *idx[axis:]]


def _scratch(b: PrimFuncBuilder, out: Buf, elt: Attribute, name: str) -> Buf:
    """`out` itself when it already has element type `elt`, else a buffer like it."""
    if out.elt == elt:
        return out
    return b.alloc(name, out.shape, elt)


# -- reductions ------------------------------------------------------------------------
_REDUCE_KIND: dict[type[Operation], str] = {
    g.ReduceSumOp: "sum", g.ReduceMeanOp: "mean", g.ReduceMaxOp: "max",
    g.ReduceMinOp: "min", g.ReduceProdOp: "prod", g.ReduceL2Op: "l2",
}


def _term(kind: str, v: S) -> S:
    """What each element contributes (l2 sums squares)."""
    return v * v if kind == "l2" else v


def _combiner_init(kind: str, elt: Attribute) -> tuple[str, float | int | bool]:
    if kind in ("sum", "mean", "l2"):
        return "add", 0
    if kind == "prod":
        return "mul", 1
    is_max = kind == "max"
    return _max_min_combiner(elt, is_max), _extreme(elt, not is_max)


def _finisher(kind: str, rdom: Sequence[Expr], elt: Attribute) -> Callable[[S], S] | None:
    """The last stage's function of the accumulator; None when there is nothing to do."""
    if kind == "mean":
        return lambda v: v / _count_as(rdom, elt)
    if kind == "l2":
        return lambda v: call("sqrt", v)
    if kind == "prod" and not _provably_nonempty(rdom) and not _statically_empty(rdom):
        # a symbolic extent may be 0 at run time, and then the init never runs
        return lambda v: select(index(_count(rdom)).eq(0), lit(1, elt), v)
    return None


@lowers(*_REDUCE_KIND)
def _reduce(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out = ins[0], outs[0]
    p = props_of(op)
    kind = _REDUCE_KIND[type(op)]
    rank = x.type.rank
    axes = reduced_axes(p, rank)
    keep = p.bool("keepdims")
    acc = acc_type(x.elt)
    rdom = [x.shape[a] for a in axes]
    finish = _finisher(kind, rdom, acc)
    combiner, init = _combiner_init(kind, acc)
    fin = finish or (lambda v: v)
    if not axes:  # a scalar input: nothing to reduce
        b.compute(out, lambda i: fin(_term(kind, x[tuple(i)].cast(acc))))
        return
    if _statically_empty(rdom):  # a reduction loop that never runs would never run its init either
        b.compute(out, lambda i: fin(lit(init, acc)))
        return
    target = out if finish is None and out.elt == acc else b.alloc(f"{out.name}_acc", out.shape, acc)

    def body(i: Idx, r: Idx) -> S:
        return _term(kind, x[tuple(_input_index(i, r, axes, rank, keep))].cast(acc))

    b.reduce(target, rdom, body, combiner, lit(init, acc))
    if target is out:
        return
    b.compute(out, lambda i: fin(target[tuple(i)]))


# -- arg reductions --------------------------------------------------------------------
@lowers(g.ArgMaxOp, g.ArgMinOp)
def _arg_reduce(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """Two reductions: the extreme value, then the first (or last) index holding it.

    A NaN is the extreme (maximumf/minimumf propagate it) and matches only NaNs,
    so the index is that of the first (last) NaN, as np.argmax/argmin.
    """
    x, out = ins[0], outs[0]
    p = props_of(op)
    rank = x.type.rank
    axis = p.int("axis") % rank
    keep = p.bool("keepdims")
    last = p.bool("select_last_index")
    is_max = isinstance(op, g.ArgMaxOp)
    acc = acc_type(x.elt)
    n = x.shape[axis]

    def value(i: Idx, r: Idx) -> S:
        return x[tuple(_input_index(i, r, [axis], rank, keep))].cast(acc)

    ext = b.alloc(f"{out.name}_{'max' if is_max else 'min'}", out.shape, acc)
    b.reduce(ext, [n], value, _max_min_combiner(acc, is_max), lit(_extreme(acc, not is_max), acc))

    def position(i: Idx, r: Idx) -> S:
        v = value(i, r)
        hit = v.eq(ext[tuple(i)])
        if is_float(acc):
            hit = binary("or", hit, v.ne(v))
        miss = -1 if last else _extreme(I64, True)
        return select(hit, index(r[0]).cast(I64), const(miss, I64))

    miss_init = -1 if last else _extreme(I64, True)
    b.reduce(out, [n], position, "max" if last else "min", miss_init)


# -- softmax / cumsum ------------------------------------------------------------------
@lowers(g.SoftmaxOp, g.LogSoftmaxOp)
def _softmax(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out = ins[0], outs[0]
    rank = x.type.rank
    axis = props_of(op).int("axis") % rank
    acc = acc_type(x.elt)
    stat = reduced_dims(x.shape, [axis], False)

    def at(i: Idx, r: Idx) -> S:
        return x[tuple(_insert(i, axis, r[0]))].cast(acc)

    mx = b.alloc(f"{out.name}_maxelem", stat, acc)
    b.reduce(mx, [x.shape[axis]], at, "max", float("-inf"))
    total = b.alloc(f"{out.name}_expsum", stat, acc)
    b.reduce(total, [x.shape[axis]], lambda i, r: call("exp", at(i, r) - mx[tuple(i)]), "add", 0.0)
    log = isinstance(op, g.LogSoftmaxOp)

    def result(i: Idx) -> S:
        s = _drop(i, axis)
        shifted = x[tuple(i)].cast(acc) - mx[tuple(s)]
        if log:
            return shifted - call("log", total[tuple(s)])
        return call("exp", shifted) / total[tuple(s)]

    b.compute(out, result)


_CUMSUM_TEST = {  # (reverse, exclusive) -> which k contribute to position i
    (False, False): "le", (False, True): "lt", (True, False): "ge", (True, True): "gt",
}


@lowers(g.CumSumOp)
def _cumsum(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """out[i] = sum over the whole axis of select(k <= i, x[k], 0): predicate-free,
    so it vectorizes as one reduction (quadratic in the axis length)."""
    x, out = ins[0], outs[0]
    p = props_of(op)
    axis = p.int("axis") % x.type.rank
    test = _CUMSUM_TEST[(p.bool("reverse"), p.bool("exclusive"))]
    acc = acc_type(x.elt)
    target = _scratch(b, out, acc, f"{out.name}_acc")

    def body(i: Idx, r: Idx) -> S:
        k = r[0]
        v = x[tuple(_insert(_drop(i, axis), axis, k))].cast(acc)
        keep = getattr(index(k), test)(index(i[axis]))
        return select(keep, v, lit(0, acc))

    b.reduce(target, [x.shape[axis]], body, "add", lit(0, acc))
    if target is not out:
        b.compute(out, lambda i: target[tuple(i)])


# -- normalizations --------------------------------------------------------------------
def _moments(b: PrimFuncBuilder, name: str, stat: Sequence[Expr], rdom: Sequence[Expr], load: Body, acc: Attribute) -> tuple[Buf, Buf]:
    """Sum and sum of squared deviations (two-pass, as interp/reduce.py) over `rdom`."""
    total = b.alloc(f"{name}_sum", stat, acc)
    b.reduce(total, rdom, lambda i, r: load(i, r).cast(acc), "add", 0.0)
    count = rdom

    def sq_dev(i: Idx, r: Idx) -> S:
        d = load(i, r).cast(acc) - total[tuple(i)] / _count_as(count, acc)
        return d * d

    dev = b.alloc(f"{name}_sqdev", stat, acc)
    b.reduce(dev, rdom, sq_dev, "add", 0.0)
    return total, dev


def _normalized(v: S, total: S, dev: S, rdom: Sequence[Expr], eps: float, acc: Attribute) -> S:
    """(v - mean) / sqrt(var + eps) from the two moments."""
    n = _count_as(rdom, acc)
    return (v - total / n) / call("sqrt", dev / n + const(eps, acc))


@lowers(g.LayerNormOp)
def _layer_norm(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, scale, bias = ins
    out = outs[0]
    p = props_of(op)
    axis = p.int("axis") % x.type.rank
    acc = acc_type(x.elt)
    rdom = list(x.shape[axis:])
    total, dev = _moments(b, out.name, x.shape[:axis], rdom, lambda i, r: x[tuple(i + r)], acc)
    eps = p.float("epsilon")

    def result(i: Idx) -> S:
        o, inner = tuple(i[:axis]), tuple(i[axis:])
        y = _normalized(x[tuple(i)].cast(acc), total[o], dev[o], rdom, eps, acc)
        return y * scale[inner].cast(acc) + bias[inner].cast(acc)

    b.compute(out, result)


@lowers(g.BatchNormOp)
def _batch_norm(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """Inference batch norm: one elementwise stage over the per-channel statistics."""
    x, scale, bias, mean, var = ins
    out = outs[0]
    p = props_of(op)
    axis = p.int("channel_axis") % x.type.rank
    acc = acc_type(x.elt)
    eps = p.float("epsilon")

    def result(i: Idx) -> S:
        c = i[axis]
        y = (x[tuple(i)].cast(acc) - mean[c].cast(acc)) / call("sqrt", var[c].cast(acc) + const(eps, acc))
        return y * scale[c].cast(acc) + bias[c].cast(acc)

    b.compute(out, result)


def _per_group_norm(b: PrimFuncBuilder, op: Operation, ins: list[Buf], out: Buf, groups: int | None) -> None:
    """group_norm (groups) and instance_norm (groups=None: one channel a group).

    Statistics are [N, G], reduced over (channel in group, spatial dims...);
    the channels sit at `channel_axis` (1, or the last dim for channel-last).
    """
    x, scale, bias = ins
    acc = acc_type(x.elt)
    axis = norm_channel_axis(props_of(op), x.type.rank)
    channels = x.shape[axis]
    spatial = [d for k, d in enumerate(x.shape) if k not in (0, axis)]
    per = channels.floordiv(groups) if groups is not None else Expr.const(1)
    stat = [x.shape[0], Expr.const(groups) if groups is not None else channels]
    rdom = [per, *spatial] if groups is not None else spatial

    def at(batch: Expr, channel: Expr, rest: Sequence[Expr]) -> S:
        """x at (batch, channel, spatial...) whatever the channel axis."""
        idx = list(rest)
        idx.insert(axis - 1, channel)
        return x[tuple([batch, *idx])]

    def load(i: Idx, r: Idx) -> S:
        if groups is None:
            return at(i[0], i[1], r)
        return at(i[0], i[1] * per + r[0], r[1:])

    total, dev = _moments(b, out.name, stat, rdom, load, acc)
    eps = props_of(op).float("epsilon")

    def result(i: Idx) -> S:
        c = i[axis]
        s = (i[0], c.floordiv(per) if groups is not None else c)
        y = _normalized(x[tuple(i)].cast(acc), total[s], dev[s], rdom, eps, acc)
        return y * scale[c].cast(acc) + bias[c].cast(acc)

    b.compute(out, result)


@lowers(g.GroupNormOp)
def _group_norm(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    _per_group_norm(b, op, ins, outs[0], props_of(op).int("num_groups"))


@lowers(g.InstanceNormOp)
def _instance_norm(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    _per_group_norm(b, op, ins, outs[0], None)
