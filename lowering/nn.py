"""Lowerings of the nn graph ops (semantics: interp/nn.py).

Every op is one `add`/`max` reduction over reduce iteration variables (the
contraction dim, the kernel window, the pooled region), so the interpreter
evaluates it as one vectorized grid. f16/bf16 accumulate in an f32 buffer
(`acc`) that a second stage casts to the output, also adding a bias or
dividing by a pool's cell count; integers accumulate in their own type
(wrapping). f32 accumulates in f32 (the graph interpreter uses f64; results
agree within float rounding).

Windows that reach into padding read with clamped indices and select the
fill value outside the input, so no load is ever out of bounds and the body
stays free of control flow. A dim is only guarded on the sides where the
geometry can leave the input (a begin pad, an end pad, ceil mode).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from xdsl.dialects.builtin import Float32Type, IndexType
from xdsl.ir import Attribute, Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.nn import CHANNELS_LAST, Window
from tensorforge.dialects.graphops.types import is_float, numpy_dtype
from tensorforge.dialects.symbolic import Expr, product
from tensorforge.lowering.registry import lowers, props_of
from tensorforge.lowering.te import Buf, PrimFuncBuilder, S, binary, const, index, select

Term = Callable[[list[Expr], list[Expr]], S]
Finish = Callable[[S, list[Expr]], S]


# -- element types -------------------------------------------------------------------
def acc_type(elt: Attribute) -> Attribute:
    """f16/bf16 accumulate in f32; everything else in its own type."""
    return Float32Type() if str(elt) in ("f16", "bf16") else elt


def _lowest(elt: Attribute) -> float | int:
    """The max-reduction identity: -inf, or the integer type's minimum."""
    if is_float(elt):
        return float("-inf")
    return int(np.iinfo(numpy_dtype(elt)).min)


# -- layouts ---------------------------------------------------------------------------
def _channels_last(p: Props) -> bool:
    return p.has("layout") and p.str("layout") in CHANNELS_LAST.values()


T = TypeVar("T")


def _split(idx: Sequence[T], last: bool) -> tuple[T, T, list[T]]:
    """(batch, channel, spatial) of an [N, C, *s] or [N, *s, C] index or shape."""
    if last:
        return idx[0], idx[-1], list(idx[1:-1])
    return idx[0], idx[1], list(idx[2:])


def _join(n: T, c: T, spatial: Sequence[T], last: bool) -> list[T]:
    return [n, *spatial, c] if last else [n, c, *spatial]


# -- guarded reads -----------------------------------------------------------------------
Guard = tuple[bool, bool]
"""(check the lower bound, check the upper bound) of one index."""

NO_GUARD: Guard = (False, False)
_INDEX_ZERO = const(0, IndexType())  # one object: the emitter memoizes by identity, so one constant per block


def _all(conds: Sequence[S]) -> S | None:
    out: S | None = None
    for c in conds:
        out = c if out is None else binary("and", out, c)
    return out


def _as_float(e: Expr, t: Attribute) -> S:
    """An index expression as a float scalar (a constant when static)."""
    return const(e.value(), t) if e.is_const() else index(e).cast(t)


def _bound(e: Expr) -> S | int:
    return e.value() if e.is_const() else index(e)


def guarded_load(buf: Buf, idx: Sequence[Expr], guards: Sequence[Guard], fill: float | int,
                 extra: Sequence[S] = ()) -> S:
    """buf[idx], or `fill` where a guarded index leaves the buffer (or an `extra`
    condition fails). The load itself uses the clamped index, so it is always in
    bounds and the whole window evaluates as one grid."""
    conds = list(extra)
    safe: list[Expr] = []
    for e, (lo, hi), size in zip(idx, guards, buf.shape, strict=True):
        pos = index(e)
        if lo:
            conds.append(pos.ge(_INDEX_ZERO))
            e_safe = e.max(0)
        else:
            e_safe = e
        if hi:
            conds.append(pos.lt(_bound(size)))
            e_safe = e_safe.min(size - 1)
        safe.append(e_safe)
    value = buf[tuple(safe)]
    valid = _all(conds)
    return value if valid is None else select(valid, value, const(fill, buf.elt))


# -- sum reductions ------------------------------------------------------------------------
def _statically_empty(rdom: Sequence[Expr]) -> bool:
    return any(d.is_const() and d.value() == 0 for d in rdom)


def accumulate(b: PrimFuncBuilder, out: Buf, rdom: Sequence[Expr], term: Term, finish: Finish | None = None) -> None:
    """out[i] = finish(sum over r of term(i, r), i), summing in acc_type(out).

    Without `finish` and with no widening the sum goes straight into `out`
    (one stage); otherwise into an `acc` buffer, then a stage applies
    `finish` (bias, division) and casts to the output type. A statically
    empty domain sums to zero (no reduction loop that never runs its init).
    """
    acc_t = acc_type(out.elt)
    fin: Finish = finish or (lambda s, _i: s)
    if _statically_empty(rdom):
        b.compute(out, lambda i: fin(const(0, acc_t), i))
        return
    if finish is None and acc_t == out.elt:
        b.reduce(out, rdom, term, "add", 0)
        return
    acc = b.alloc("acc", out.shape, acc_t)
    b.reduce(acc, rdom, term, "add", 0)
    b.compute(out, lambda i: fin(acc[tuple(i)], i))


def _plus_bias(bias: Buf | None, channel: Callable[[list[Expr]], Expr]) -> Finish | None:
    if bias is None:
        return None
    return lambda s, i: s + bias[channel(i)].cast(s.type)


def _product_of(t: Attribute, x: S, y: S) -> S:
    return x.cast(t) * y.cast(t)


# -- matmul / dense ------------------------------------------------------------------------
def _broadcast_batch(dims: Sequence[Expr], idx: Sequence[Expr], shape: Sequence[Expr]) -> list[Expr]:
    """Right-aligned batch indices; a static 1 against a non-1 dim reads index 0."""
    lead = len(idx) - len(dims)
    return [Expr.const(0) if d == 1 and shape[lead + k] != 1 else idx[lead + k] for k, d in enumerate(dims)]


@lowers(g.MatmulOp)
def _matmul(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """out[*batch, m, n] = sum_k x[*batch, m, k] * y[*batch, k, n], with the 1-D rules."""
    x, y = ins
    out = outs[0]
    nb = out.type.rank - (x.type.rank > 1) - (y.type.rank > 1)
    t = acc_type(out.elt)

    def term(i: list[Expr], r: list[Expr]) -> S:
        batch = i[:nb]
        xi = [*_broadcast_batch(x.shape[:-2], batch, out.shape[:nb]), i[nb], r[0]] if x.type.rank > 1 else [r[0]]
        yi = [*_broadcast_batch(y.shape[:-2], batch, out.shape[:nb]), r[0], i[-1]] if y.type.rank > 1 else [r[0]]
        return _product_of(t, x[tuple(xi)], y[tuple(yi)])

    accumulate(b, out, [x.shape[-1]], term)


@lowers(g.DenseOp)
def _dense(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """out[..., o] = sum_k x[..., k] * w[o, k] (+ bias[o])."""
    x, w = ins[:2]
    out = outs[0]
    t = acc_type(out.elt)

    def term(i: list[Expr], r: list[Expr]) -> S:
        return _product_of(t, x[(*i[:-1], r[0])], w[i[-1], r[0]])

    accumulate(b, out, [x.shape[-1]], term, _plus_bias(ins[2] if len(ins) > 2 else None, lambda i: i[-1]))


# -- convolutions --------------------------------------------------------------------------
def _group_base(o: Expr, per_out_group: Expr, per_in_group: Expr, groups: int) -> Expr:
    """First input channel of output channel o's group."""
    if groups == 1:
        return Expr.const(0)
    return o.floordiv(per_out_group) * per_in_group


@lowers(g.ConvOp)
def _conv(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """out[n, o, *p] = sum_{c, *kk} x[n, base(o) + c, p*stride - pad + kk*dilation] * w[o, c, *kk]
    (channel-last: x[n, *s, c], w[*kk, c, o]), reads outside x being zero."""
    x, w = ins[:2]
    out = outs[0]
    p = props_of(op)
    last, n, groups = _channels_last(p), x.type.rank - 2, p.int("groups")
    win = Window.read(p, n)
    kernel = list(w.shape[:n]) if last else list(w.shape[2:])
    per_group = w.shape[-2] if last else w.shape[1]
    out_ch = _split(out.shape, last)[1]
    guards = [(win.begin(d) > 0, win.end(d) > 0) for d in range(n)]
    t = acc_type(out.elt)

    def term(i: list[Expr], r: list[Expr]) -> S:
        bn, o, ps = _split(i, last)
        c = _group_base(o, out_ch.floordiv(groups), per_group, groups) + r[0]
        pos = [ps[d] * win.strides[d] - win.begin(d) + r[1 + d] * win.dilations[d] for d in range(n)]
        xv = guarded_load(x, _join(bn, c, pos, last), _join(NO_GUARD, NO_GUARD, guards, last), 0)
        wv = w[(*r[1:], r[0], o)] if last else w[(o, r[0], *r[1:])]
        return _product_of(t, xv, wv)

    bias = ins[2] if len(ins) > 2 else None
    accumulate(b, out, [per_group, *kernel], term, _plus_bias(bias, lambda i: _split(i, last)[1]))


@lowers(g.ConvTransposeOp)
def _conv_transpose(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """out[n, o, *p] = sum_{c, *kk} x[n, ci, q] * w[ci, o mod O/g, *kk] over the q with
    q*stride + kk*dilation = p + pad_begin (ci = the group's first channel + c):
    the gather form of the scatter, with the divisibility and range of q as guards."""
    x, w = ins[:2]
    out = outs[0]
    p = props_of(op)
    n, groups = x.type.rank - 2, p.int("groups")
    win = Window.read(p, n)
    per_out, per_in = w.shape[1], x.shape[1].floordiv(groups)
    t = acc_type(out.elt)

    def term(i: list[Expr], r: list[Expr]) -> S:
        bn, o, ps = i[0], i[1], i[2:]
        ci = _group_base(o, per_out, per_in, groups) + r[0]
        oc = o if groups == 1 else o.mod(per_out)
        extra: list[S] = []
        qs: list[Expr] = []
        for d in range(n):
            shifted = ps[d] + win.begin(d) - r[1 + d] * win.dilations[d]
            stride = win.strides[d]
            if stride > 1:
                extra.append(index(shifted.mod(stride)).eq(0))
            qs.append(shifted.floordiv(stride) if stride > 1 else shifted)
        guards = [NO_GUARD, NO_GUARD, *[(True, True)] * n]
        xv = guarded_load(x, [bn, ci, *qs], guards, 0, extra)
        return _product_of(t, xv, w[(ci, oc, *r[1:])])

    accumulate(b, out, [per_in, *w.shape[2:]], term, _plus_bias(ins[2] if len(ins) > 2 else None, lambda i: i[1]))


# -- pooling -----------------------------------------------------------------------------------
class _Pool:
    """Window geometry of a pooling op: kernel, strides, dilations, pads, guards."""

    def __init__(self, op: Operation, x: Buf) -> None:
        p = props_of(op)
        self.last = _channels_last(p)
        self.n = x.type.rank - 2
        self.kernel = p.ints("kernel")
        self.win = Window.read(p, self.n)
        self.ceil = p.bool("ceil_mode")
        self.sizes = _split(x.shape, self.last)[2]
        self.p = p

    def start(self, ps: Sequence[Expr], d: int) -> Expr:
        return ps[d] * self.win.strides[d] - self.win.begin(d)

    def read(self, x: Buf, i: list[Expr], r: list[Expr], fill: float | int) -> S:
        bn, c, ps = _split(i, self.last)
        pos = [self.start(ps, d) + r[d] * self.win.dilations[d] for d in range(self.n)]
        guards = [(self.win.begin(d) > 0, self.win.end(d) > 0 or self.ceil) for d in range(self.n)]
        return guarded_load(x, _join(bn, c, pos, self.last), _join(NO_GUARD, NO_GUARD, guards, self.last), fill)

    def count(self, ps: Sequence[Expr], include_pad: bool) -> Expr:
        """Cells a window averages: input cells, or with include_pad also the pads
        (never the ceil-mode overhang past the end pad)."""
        if not self.ceil and (include_pad or not any(self.win.pads)):
            return Expr.const(int(np.prod(self.kernel)))
        total = Expr.const(1)
        for d, (size, k) in enumerate(zip(self.sizes, self.kernel, strict=True)):
            s = self.start(ps, d)
            if include_pad:
                total = total * ((s + k).min(size + self.win.end(d)) - s)
                continue
            total = total * ((s + k).min(size) - s.max(0)).max(0)
        return total


@lowers(g.MaxPoolOp)
def _max_pool(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """out[n, c, *p] = max over the window; outside the input reads the lowest value (max is exact: no widening)."""
    x, out = ins[0], outs[0]
    pool = _Pool(op, x)
    lowest = _lowest(out.elt)
    b.reduce(out, [Expr.const(k) for k in pool.kernel], lambda i, r: pool.read(x, i, r, lowest), "max", lowest)


@lowers(g.AvgPoolOp)
def _avg_pool(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """Sum over the window (pads read 0), then divide by the cell count."""
    x, out = ins[0], outs[0]
    pool = _Pool(op, x)
    include = pool.p.bool("count_include_pad")

    def finish(s: S, i: list[Expr]) -> S:
        count = pool.count(_split(i, pool.last)[2], include)
        return s / _as_float(count, s.type)

    term: Term = lambda i, r: pool.read(x, i, r, 0).cast(acc_type(out.elt))  # noqa: E731
    accumulate(b, out, [Expr.const(k) for k in pool.kernel], term, finish)


@lowers(g.GlobalAvgPoolOp)
def _global_avg_pool(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """Sum over every spatial cell, then divide by their number."""
    x, out = ins[0], outs[0]
    last = _channels_last(props_of(op))
    spatial = _split(x.shape, last)[2]
    size = product(spatial)

    def term(i: list[Expr], r: list[Expr]) -> S:
        bn, c, _ = _split(i, last)
        return x[tuple(_join(bn, c, r, last))].cast(acc_type(out.elt))

    def finish(s: S, _i: list[Expr]) -> S:
        return s / _as_float(size, s.type)

    accumulate(b, out, spatial, term, finish)


@dataclass(frozen=True)
class _Adaptive:
    """Adaptive cells of one dim: cell i averages [start(i), end(i)); windows are
    at most `longest` long, all of that length when `uniform`."""

    size: Expr
    out: int
    longest: Expr
    uniform: bool

    @staticmethod
    def of(size: Expr, out: int) -> _Adaptive:
        if not size.is_const():
            return _Adaptive(size, out, size.ceildiv(out) + 1, False)
        v = size.value()
        lengths = [-((-(i + 1) * v) // out) - (i * v) // out for i in range(out)]
        return _Adaptive(size, out, Expr.const(max(lengths)), min(lengths) == max(lengths))

    def start(self, i: Expr) -> Expr:
        if self.size.is_const() and self.size.value() % self.out == 0:
            return i * (self.size.value() // self.out)
        return (i * self.size).floordiv(self.out)

    def end(self, i: Expr) -> Expr:
        if self.size.is_const() and self.size.value() % self.out == 0:
            return (i + 1) * (self.size.value() // self.out)
        return ((i + 1) * self.size).ceildiv(self.out)

    def count(self, i: Expr) -> Expr:
        return self.longest if self.uniform else self.end(i) - self.start(i)


@lowers(g.AdaptiveAvgPoolOp)
def _adaptive_avg_pool(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    """Cell i of a dim averages input [floor(i*in/out), ceil((i+1)*in/out)): a reduction
    over the longest window, cells past a shorter window's end read as 0."""
    x, out = ins[0], outs[0]
    p = props_of(op)
    last = _channels_last(p)
    dims = [_Adaptive.of(size, o) for size, o in zip(_split(x.shape, last)[2], p.ints("output_size"), strict=True)]

    def term(i: list[Expr], r: list[Expr]) -> S:
        bn, c, ps = _split(i, last)
        pos = [a.start(ps[d]) + r[d] for d, a in enumerate(dims)]
        extra = [index(pos[d]).lt(index(a.end(ps[d]))) for d, a in enumerate(dims) if not a.uniform]
        guards = [(False, not a.uniform) for a in dims]
        xv = guarded_load(x, _join(bn, c, pos, last), _join(NO_GUARD, NO_GUARD, guards, last), 0, extra)
        return xv.cast(acc_type(out.elt))

    def finish(s: S, i: list[Expr]) -> S:
        ps = _split(i, last)[2]
        return s / _as_float(product(a.count(ps[d]) for d, a in enumerate(dims)), s.type)

    accumulate(b, out, [a.longest for a in dims], term, finish)
