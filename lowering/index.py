"""Lowerings of the index graph ops (semantics as in interp/index.py).

Data-dependent positions are loads with scalar (`S`) indices. The graph
interpreter raises on an index outside [-size, size); the lowered code
instead wraps negatives once and clamps into [0, size-1], so no load or
store ever leaves its buffer and in-range inputs give identical results.

    gather*, embedding:  out[i] = x[..., clamp(wrap(ind[...])), ...]
    one_hot:             out[i] = select(wrap(ind[...]) == i_axis, on, off)
    scatter*:            out = x;  then out[target(u)] (op)= upd[u] for u over the updates
    resize:              nearest: one gather stage; linear: one f64 stage per resized axis
                         (the interpreter's order of rounding), the last casts back
    sort, argsort:       rank[i] = #{j : x[j] sorts before x[i]};  out[rank[i]] = x[i] (or i)
    topk:                rank (and, unsorted, a second rank by index);  pos[rank[i]] = i;
                         indices = pos[:k];  values = x[pos[:k]]

Scatter stages iterate over the updates with `reduce` iteration variables:
their writes may collide, so iterations are ordered (row-major), as the
interpreter's duplicate handling needs; with a combiner they vectorize as
`ufunc.at`, without one (last update wins) they run in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.dialects.builtin import IndexType, IntegerType, f64
from xdsl.ir import Attribute, Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.shapes import normalize_axis
from tensorforge.dialects.graphops.types import BOOL_TYPE, is_float
from tensorforge.dialects.symbolic import Expr, ExprLike
from tensorforge.dialects.tirops.ops import BlockOp, ForOp, StoreOp
from tensorforge.dialects.tirops.syntax import ssa_placeholder
from tensorforge.lowering.registry import lowers, props_of
from tensorforge.lowering.shape import compute
from tensorforge.lowering.te import (
    Buf,
    PrimFuncBuilder,
    S,
    _combine,
    _Emitter,
    binary,
    call,
    const,
    index,
    maximum,
    minimum,
    select,
)

I64 = IntegerType(64)
INDEX = IndexType()
Idx = list[Expr]


# -- helpers ----------------------------------------------------------------------------
def wrap_clamp(j: S, size: Expr) -> S:
    """An index value wrapped once if negative (ONNX), then clamped into [0, size-1]."""
    j = j.cast(INDEX)
    n = index(size)
    j = select(j.lt(0), j + n, j)
    return maximum(minimum(j, n - 1), const(0, INDEX))


def clamp_index(j: S, size: Expr) -> S:
    """An index value clamped into [0, size-1] (no wrapping)."""
    return maximum(minimum(j.cast(INDEX), index(size) - 1), const(0, INDEX))


def scatter(
    b: PrimFuncBuilder,
    out: Buf,
    domain: Sequence[ExprLike],
    fn: Callable[[Idx], tuple[Sequence[Expr | S], S]],
    combiner: str | None = None,
    kind: str = "reduce",
    name: str | None = None,
) -> None:
    """A stage over `domain` storing at data-dependent positions of `out`:
    for each u, `(target, value) = fn(u)` and out[target] = value, or
    out[target] = out[target] <combiner> value.

    `kind` is the iteration variables' kind: `reduce` when targets may
    collide (iterations are then ordered), `spatial` when they form a
    permutation. The builder's `compute`/`reduce` always store at the
    iteration point, hence this stage kind.
    """
    dims = [Expr.lift(d) for d in domain]
    b.pending.append(lambda: _build_scatter(b, out, dims, fn, combiner, kind, name))


def _build_scatter(
    b: PrimFuncBuilder,
    out: Buf,
    dims: list[Expr],
    fn: Callable[[Idx], tuple[Sequence[Expr | S], S]],
    combiner: str | None,
    kind: str,
    name: str | None,
) -> None:
    stage = b.block_name(name or f"{out.name}_scatter")
    loops = [(b.fresh(f"u{k}_{len(b.stages)}"), d) for k, d in enumerate(dims)]
    iters = [(f"v_{lv}", kind, d, Expr.sym(lv)) for lv, d in loops]
    for it in iters:
        b.used.add(it[0])
    target, value = fn([Expr.sym(it[0]) for it in iters])
    target = [t.cast(INDEX) if isinstance(t, S) else Expr.lift(t) for t in target]  # one SSA value per index
    em = _Emitter()
    if combiner is not None:
        value = _combine(combiner, out[tuple(target)], value)
    v = em.value(value.cast(out.elt))
    exprs: list[Expr] = []
    dyn = []
    for t in target:
        if isinstance(t, Expr):
            exprs.append(t)
            continue
        exprs.append(ssa_placeholder(len(dyn)))
        dyn.append(em.value(t))
    em.ops.append(StoreOp(v, out.value, exprs, dyn))  # type: ignore[arg-type]
    reads = [r for r in em.read_bufs() if r is not out]
    whole = [(Expr.const(0), d) for d in out.shape]
    block = BlockOp.make(
        stage, iters, [r.value for r in reads], [em.region(r) for r in reads],  # type: ignore[misc]
        [out.value], [whole], em.ops,  # type: ignore[list-item]
    )
    nest = block
    for lv, d in reversed(loops):
        nest = ForOp(lv, d, [nest])
    b.stages.append(nest)


def _axis(op: Operation, rank: int) -> int:
    return normalize_axis(props_of(op).int("axis"), rank)


def _with(idx: Sequence[Expr | S], axis: int, value: Expr | S) -> tuple[Expr | S, ...]:
    return tuple(value if k == axis else e for k, e in enumerate(idx))


# -- gather -------------------------------------------------------------------------------
@lowers(g.GatherOp)
def _gather(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, ind = ins
    out = outs[0]
    axis = _axis(op, x.type.rank)
    r = ind.type.rank

    def body(i: Idx) -> S:
        j = wrap_clamp(ind[tuple(i[axis : axis + r])], x.shape[axis])
        return x[(*i[:axis], j, *i[axis + r :])]

    compute(b, out, body)


@lowers(g.GatherElementsOp)
def _gather_elements(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, ind = ins
    axis = _axis(op, x.type.rank)
    compute(b, outs[0], lambda i: x[_with(i, axis, wrap_clamp(ind[tuple(i)], x.shape[axis]))])


@lowers(g.GatherNDOp)
def _gather_nd(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, ind = ins
    nb = props_of(op).int("batch_dims")
    k = ind.shape[-1].value()
    lead = ind.type.rank - 1  # output dims taken from the indices (batch dims included)

    def body(i: Idx) -> S:
        coords = [wrap_clamp(ind[(*i[:lead], Expr.const(j))], x.shape[nb + j]) for j in range(k)]
        return x[(*i[:nb], *coords, *i[lead:])]

    compute(b, outs[0], body)


@lowers(g.EmbeddingOp)
def _embedding(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    w, ind = ins
    r = ind.type.rank
    compute(b, outs[0], lambda i: w[clamp_index(ind[tuple(i[:r])], w.shape[0]), i[r]])


# -- scatter ------------------------------------------------------------------------------
def _copy(b: PrimFuncBuilder, x: Buf, out: Buf) -> None:
    compute(b, out, lambda i: x[tuple(i)])


def _reduction(op: Operation) -> str | None:
    r = props_of(op).str("reduction")
    return None if r == "none" else r


@lowers(g.ScatterElementsOp)
def _scatter_elements(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, ind, upd = ins
    out = outs[0]
    axis = _axis(op, x.type.rank)
    _copy(b, x, out)
    if any(d == 0 for d in ind.shape):
        return

    def body(u: Idx) -> tuple[Sequence[Expr | S], S]:
        return _with(u, axis, wrap_clamp(ind[tuple(u)], x.shape[axis])), upd[tuple(u)]

    scatter(b, out, ind.shape, body, _reduction(op))


@lowers(g.ScatterNDOp)
def _scatter_nd(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, ind, upd = ins
    out = outs[0]
    k = ind.shape[-1].value()
    lead = ind.type.rank - 1
    _copy(b, x, out)
    if any(d == 0 for d in upd.shape):
        return

    def body(u: Idx) -> tuple[Sequence[Expr | S], S]:
        coords = [wrap_clamp(ind[(*u[:lead], Expr.const(j))], x.shape[j]) for j in range(k)]
        return [*coords, *u[lead:]], upd[tuple(u)]

    scatter(b, out, upd.shape, body, _reduction(op))


# -- one_hot ------------------------------------------------------------------------------
def _fill(value: float, elt: Attribute) -> S:
    """on/off values as numpy's astype from f64 gives them."""
    if elt == BOOL_TYPE:
        return const(value != 0, elt)
    if is_float(elt):
        return const(value, f64).cast(elt)
    return const(int(value), elt)


@lowers(g.OneHotOp)
def _one_hot(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    ind, out = ins[0], outs[0]
    p = props_of(op)
    depth = p.int("depth")
    axis = normalize_axis(p.int("axis"), out.type.rank)
    on, off = _fill(p.float("on_value"), out.elt), _fill(p.float("off_value"), out.elt)

    def body(i: Idx) -> S:
        raw = ind[tuple(e for k, e in enumerate(i) if k != axis)]
        j = raw.cast(I64)
        j = select(j.lt(0), j + depth, j)
        return select(j.eq(index(i[axis]).cast(I64)), on, off)

    compute(b, out, body)


# -- resize -------------------------------------------------------------------------------
def _f64(e: Expr) -> S:
    return const(float(e.value()), f64) if e.is_const() else index(e).cast(f64)


def _scale(p: Props, axis: int, out_len: Expr, in_len: Expr) -> S:
    """The axis's scale: given, or out/in (computed in f64 like Python's int / int)."""
    if p.has("scales"):
        return const(p.floats("scales")[axis], f64)
    if out_len.is_const() and in_len.is_const():
        return const(out_len.value() / in_len.value(), f64)
    return _f64(out_len) / _f64(in_len)


def _unless_single(out_len: Expr, value: S) -> S:
    """0 when the output axis has length 1 (align_corners, pytorch_half_pixel)."""
    zero = const(0.0, f64)
    if out_len.is_const():
        return zero if out_len.value() == 1 else value
    return select(index(out_len).eq(1), zero, value)


def source_coord(o: Expr, out_len: Expr, in_len: Expr, scale: S, mode: str) -> S:
    """ONNX coordinate_transformation_mode: output index -> input coordinate (f64)."""
    y = index(o).cast(f64)
    if mode == "align_corners":
        return _unless_single(out_len, y * _f64(in_len - 1) / _f64(out_len - 1))
    if mode == "asymmetric":
        return y / scale
    half = (y + 0.5) / scale - 0.5
    return _unless_single(out_len, half) if mode == "pytorch_half_pixel" else half


def _to_index(v: S, in_len: Expr) -> S:
    """np.clip(v, 0, in_len-1) as an index."""
    clipped = minimum(maximum(v, const(0.0, f64)), _f64(in_len - 1))
    return clipped.cast(I64).cast(INDEX)


def _nearest(src: S, mode: str) -> S:
    fl = call("floor", src)
    if mode == "floor":
        return fl
    if mode == "ceil":
        return call("ceil", src)
    frac = src - fl
    up = frac.gt(0.5) if mode == "round_prefer_floor" else frac.ge(0.5)
    return fl + select(up, const(1.0, f64), const(0.0, f64))


@lowers(g.ResizeOp)
def _resize(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out = ins[0], outs[0]
    p = props_of(op)
    coord = p.str("coordinate_transformation_mode")
    rank = x.type.rank
    scaled = p.has("scales")
    moved = [
        a for a in range(rank)
        if not (p.floats("scales")[a] == 1.0 if scaled else out.shape[a] == x.shape[a])
    ]

    def src(i: Idx, a: int) -> S:
        return source_coord(i[a], out.shape[a], x.shape[a], _scale(p, a, out.shape[a], x.shape[a]), coord)

    if p.str("mode") == "nearest":
        def body(i: Idx) -> S:
            pos: list[Expr | S] = list(i)
            for a in moved:
                pos[a] = _to_index(_nearest(src(i, a), p.str("nearest_mode")), x.shape[a])
            return x[tuple(pos)]

        compute(b, out, body)
        return
    if not moved:
        compute(b, out, lambda i: x[tuple(i)])
        return
    cur = x
    for n, a in enumerate(moved):
        dims = [out.shape[d] if d <= a else x.shape[d] for d in range(rank)]
        nxt = out if n == len(moved) - 1 else b.alloc(f"{out.name}_ax{a}", dims, f64)
        same = None if scaled or (out.shape[a].is_const() and x.shape[a].is_const()) else (out.shape[a], x.shape[a])
        compute(b, nxt, lambda i, a=a, cur=cur, same=same: _linear(cur, i, a, src(i, a), x.shape[a], same))
        cur = nxt


def _linear(y: Buf, i: Idx, a: int, s: S, in_len: Expr, same: tuple[Expr, Expr] | None) -> S:
    """take(y, i0)*(1-w) + take(y, i1)*w along axis a, in f64 (the interpreter's formula).

    `same`: symbolic output and input lengths that may agree at run time; the
    interpreter then leaves the axis alone (no 0-weight term: inf*0 would be NaN).
    """
    lo = call("floor", s)
    w = s - lo
    y0 = y[_with(i, a, _to_index(lo, in_len))].cast(f64)
    y1 = y[_with(i, a, _to_index(lo + 1.0, in_len))].cast(f64)
    value = y0 * (1.0 - w) + y1 * w
    if same is None:
        return value
    keep = y[_with(i, a, i[a].min(in_len - 1))].cast(f64)
    return select(index(same[0]).eq(index(same[1])), keep, value)


# -- sort / argsort / topk --------------------------------------------------------------------
def _key(v: S) -> S:
    """Booleans compare as 0 < 1 (an i1 compares signed: true is -1)."""
    return v.cast(IntegerType(8)) if v.type == BOOL_TYPE else v


def sorts_before(a: S, ja: Expr, c: S, jc: Expr, descending: bool) -> S:
    """Does element a (position ja) come before c (position jc) in a stable sort?
    NaN is larger than every number; equal entries keep index order."""
    a, c = _key(a), _key(c)
    earlier = index(ja).lt(index(jc))
    strict = a.gt(c) if descending else a.lt(c)
    if not is_float(a.type):
        return binary("or", strict, binary("and", a.eq(c), earlier))
    nan_a, nan_c = a.ne(a), c.ne(c)
    tie = binary("and", binary("or", a.eq(c), binary("and", nan_a, nan_c)), earlier)
    nan_order = binary("and", nan_a, c.eq(c)) if descending else binary("and", a.eq(a), nan_c)
    return binary("or", binary("or", strict, tie), nan_order)


def _rank(b: PrimFuncBuilder, x: Buf, axis: int, descending: bool) -> Buf:
    """rank[i] = how many entries along the axis sort before x[i] (a permutation)."""
    rank = b.alloc(f"{x.name}_rank", x.shape, I64)

    def body(i: Idx, r: Idx) -> S:
        other = x[_with(i, axis, r[0])]
        return sorts_before(other, r[0], x[tuple(i)], i[axis], descending).cast(I64)

    b.reduce(rank, [x.shape[axis]], body, "add", 0, name=rank.name)
    return rank


def _by_rank(b: PrimFuncBuilder, out: Buf, rank: Buf, axis: int, value: Callable[[Idx], S]) -> None:
    """out[..., rank[i], ...] = value(i): the rank is a permutation, so iterations are independent."""
    scatter(b, out, rank.shape, lambda u: (_with(u, axis, rank[tuple(u)]), value(u)), kind="spatial")


def _sort_args(op: Operation, x: Buf) -> tuple[int, bool]:
    p = props_of(op)
    return normalize_axis(p.int("axis"), x.type.rank), p.bool("descending")


@lowers(g.SortOp)
def _sort(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out = ins[0], outs[0]
    axis, descending = _sort_args(op, x)
    if any(d == 0 for d in x.shape):
        return
    rank = _rank(b, x, axis, descending)
    _by_rank(b, out, rank, axis, lambda u: x[tuple(u)])


@lowers(g.ArgsortOp)
def _argsort(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out = ins[0], outs[0]
    axis, descending = _sort_args(op, x)
    if any(d == 0 for d in x.shape):
        return
    rank = _rank(b, x, axis, descending)
    _by_rank(b, out, rank, axis, lambda u: index(u[axis]).cast(I64))


def _rank_by_index(b: PrimFuncBuilder, rank: Buf, axis: int, k: int) -> Buf:
    """For sorted=false: the k selected entries (rank < k) first, in index order, then the rest."""
    order = b.alloc(f"{rank.name}_unsorted", rank.shape, I64)

    def body(i: Idx, r: Idx) -> S:
        sel_j = rank[_with(i, axis, r[0])].lt(k)
        sel_i = rank[tuple(i)].lt(k)
        before_all = binary("and", sel_j, sel_i.eq(const(False, BOOL_TYPE)))
        same_group = binary("and", sel_j.eq(sel_i), index(r[0]).lt(index(i[axis])))
        return binary("or", before_all, same_group).cast(I64)

    b.reduce(order, [rank.shape[axis]], body, "add", 0, name=order.name)
    return order


@lowers(g.TopKOp)
def _topk(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x = ins[0]
    values, indices = outs
    p = props_of(op)
    axis, k = normalize_axis(p.int("axis"), x.type.rank), p.int("k")
    if k == 0 or any(d == 0 for d in x.shape):
        return
    rank = _rank(b, x, axis, p.bool("largest"))
    if not p.bool("sorted"):
        rank = _rank_by_index(b, rank, axis, k)
    pos = b.alloc(f"{x.name}_order", x.shape, I64)
    _by_rank(b, pos, rank, axis, lambda u: index(u[axis]).cast(I64))
    compute(b, indices, lambda i: pos[tuple(i)])
    compute(b, values, lambda i: x[_with(i, axis, pos[tuple(i)])])
