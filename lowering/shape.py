"""Lowerings of the shape graph ops (semantics as in interp/shape.py).

Every op is a pure copy or fill, so each output element is ONE load of an
input element at an index expression of the output position (an `Expr`:
floordiv/mod for reshape, offsets for slice, mod/min for pad's modes), and
every output is one stage the interpreter evaluates as a single grid.
Where a position may lie outside an input (concat's other operands, pad's
border), the load index is clamped into range and a `select` picks the
value, so no load ever goes out of bounds.

    reshape, flatten:  out[i] = x[unflatten(flatten(i))]   (equal leading/trailing dims map directly)
    transpose:         out[i] = x[i[inverse perm]]
    broadcast_to:      out[i] = x[i or 0 or i mod d]         (d symbolic: it may be 1 at run time)
    tile:              out[i] = x[i mod d]
    concat:            out[i] = select(i_a < o1, x0[i], select(i_a < o2, x1[i - o1], ...))
    split:             out_k[i] = x[i_a + offset_k]          (one stage per output)
    slice:             out[i] = x[start + i_a * step]
    pad:               out[i] = x[map(i_a - begin)]          (constant mode: select on the border)
    iota/full/*_like:  out[i] = f(i)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.dialects.builtin import IntegerType, f64
from xdsl.ir import Attribute, Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.shape import squeeze_axes, transpose_perm
from tensorforge.dialects.graphops.shape_common import scalar
from tensorforge.dialects.graphops.shape_slice import HUGE, pad_params, slice_params
from tensorforge.dialects.graphops.shapes import normalize_axis
from tensorforge.dialects.graphops.types import BOOL_TYPE, TensorType, is_float
from tensorforge.dialects.symbolic import Expr
from tensorforge.lowering.registry import lowers, props_of
from tensorforge.lowering.te import Buf, PrimFuncBuilder, S, binary, const, index, select

I64 = IntegerType(64)
Idx = list[Expr]


# -- index helpers -------------------------------------------------------------------
def row_major(idx: Sequence[Expr], dims: Sequence[Expr]) -> Expr:
    """The flat row-major position of `idx` in `dims`."""
    flat = Expr.const(0)
    for i, d in zip(idx, dims, strict=True):
        flat = flat * d + i
    return flat


def unflatten(flat: Expr, dims: Sequence[Expr]) -> Idx:
    """The index of row-major position `flat` in `dims`: (flat floordiv stride) mod dim.

    The outermost dim needs no mod (flat < numel) and the innermost no floordiv;
    static 1s are 0. Empty dims never run, so a zero stride is skipped.
    """
    out: Idx = []
    stride = Expr.const(1)
    for k in reversed(range(len(dims))):
        d = dims[k]
        if d == 1 or d == 0 or stride == 0:
            out.append(Expr.const(0))
            stride = stride * d
            continue
        q = flat.floordiv(stride)
        out.append(q if k == 0 else q.mod(d))
        stride = stride * d
    return list(reversed(out))


def reshape_index(out_idx: Sequence[Expr], out_dims: Sequence[Expr], in_dims: Sequence[Expr]) -> Idx:
    """Input index of an output position of a reshape.

    Dims are matched in groups of equal element count (leading and trailing
    equal dims first, then greedily by static products), so each input index
    depends only on its group's output indices; whatever cannot be matched
    goes through the flat row-major position as one group.
    """
    src: Idx = []
    for go, gi in reshape_groups(out_dims, in_dims):
        flat = row_major([out_idx[k] for k in go], [out_dims[k] for k in go])
        src += unflatten(flat, [in_dims[k] for k in gi])
    return src


def reshape_groups(out_dims: Sequence[Expr], in_dims: Sequence[Expr]) -> list[tuple[list[int], list[int]]]:
    """Consecutive (output axes, input axes) groups holding equal element counts."""
    no, ni = len(out_dims), len(in_dims)
    lead = 0
    while lead < min(no, ni) and out_dims[lead] == in_dims[lead]:
        lead += 1
    trail = 0
    while trail < min(no, ni) - lead and out_dims[no - 1 - trail] == in_dims[ni - 1 - trail]:
        trail += 1
    groups = [([k], [k]) for k in range(lead)]
    middle = _greedy_groups(list(range(lead, no - trail)), list(range(lead, ni - trail)), out_dims, in_dims)
    groups += middle
    groups += [([no - trail + k], [ni - trail + k]) for k in range(trail)]
    return groups


def _greedy_groups(
    outs: list[int], ins: list[int], out_dims: Sequence[Expr], in_dims: Sequence[Expr]
) -> list[tuple[list[int], list[int]]]:
    """Split the unmatched middle where static products agree; the rest is one group."""
    if not outs and not ins:
        return []
    groups: list[tuple[list[int], list[int]]] = []
    i = j = 0
    while i < len(outs) and j < len(ins):
        go, gi = [outs[i]], [ins[j]]
        po, pi = out_dims[outs[i]], in_dims[ins[j]]
        i, j = i + 1, j + 1
        while po != pi and po.is_const() and pi.is_const() and po != 0 and pi != 0:
            if po.value() < pi.value() and i < len(outs):
                go.append(outs[i])
                po, i = po * out_dims[outs[i]], i + 1
            elif pi.value() < po.value() and j < len(ins):
                gi.append(ins[j])
                pi, j = pi * in_dims[ins[j]], j + 1
            else:
                break
        if po != pi:
            return [*groups, (go + outs[i:], gi + ins[j:])]
        groups.append((go, gi))
    rest_o, rest_i = outs[i:], ins[j:]
    if not groups:
        return [(rest_o, rest_i)]
    last_o, last_i = groups[-1]
    groups[-1] = (last_o + rest_o, last_i + rest_i)  # leftover dims are 1s
    return groups


def clamp(e: Expr, lo: Expr | int, hi: Expr | int) -> Expr:
    """min(max(e, lo), hi): lo wins if the range is empty (then nothing reads it)."""
    return e.min(hi).max(lo)


def convert(v: S, elt: Attribute) -> S:
    """numpy's astype: to i1 means `!= 0`; everything else is a plain cast."""
    if elt == BOOL_TYPE and v.type != BOOL_TYPE:
        return v.ne(0)
    return v.cast(elt)


def fill(value: float | int | bool, elt: Attribute) -> S:
    """A fill constant as numpy's asarray(value).astype(elt) gives it."""
    if elt == BOOL_TYPE:
        return const(bool(value), elt)
    if is_float(elt):
        return const(float(value), elt)
    return const(int(value), elt)


def compute(b: PrimFuncBuilder, out: Buf, fn: Callable[[Idx], S]) -> None:
    """b.compute, except that a statically empty output needs no stage: the
    interpreter would still index an empty input with the constant parts of a
    load index (numpy checks scalar indices even on an empty grid)."""
    if any(d == 0 for d in out.shape):
        return
    b.compute(out, fn)


def _one(op: Operation, ins: list[Buf], outs: list[Buf]) -> tuple[Buf, Buf, TensorType]:
    t = op.operands[0].type
    assert isinstance(t, TensorType)
    return ins[0], outs[0], t


# -- layout ---------------------------------------------------------------------------
@lowers(g.ReshapeOp, g.FlattenOp)
def _reshape(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out = ins[0], outs[0]
    compute(b, out, lambda i: x[tuple(reshape_index(i, out.shape, x.shape))])


@lowers(g.TransposeOp)
def _transpose(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out, t = _one(op, ins, outs)
    perm = transpose_perm(props_of(op), t.rank)

    def body(i: Idx) -> S:
        src: Idx = [Expr.const(0)] * t.rank
        for k, p in enumerate(perm):
            src[p] = i[k]
        return x[tuple(src)]

    compute(b, out, body)


def broadcast_source(i: Expr, d: Expr, t: Expr) -> Expr:
    """Input index along one broadcast dim: d == t copies, a static 1 reads 0,
    a symbolic d may still be 1 at run time (then `i mod d` is 0)."""
    if d == t or (d.is_const() and d.value() != 1):
        return i
    if d == 1:
        return Expr.const(0)
    return i.mod(d)


@lowers(g.BroadcastToOp)
def _broadcast_to(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out = ins[0], outs[0]
    lead = out.type.rank - x.type.rank

    def body(i: Idx) -> S:
        return x[tuple(broadcast_source(i[lead + k], d, out.shape[lead + k]) for k, d in enumerate(x.shape))]

    compute(b, out, body)


@lowers(g.SqueezeOp)
def _squeeze(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out, t = _one(op, ins, outs)
    axes = set(squeeze_axes(t, props_of(op)))

    def body(i: Idx) -> S:
        rest = iter(i)
        return x[tuple(Expr.const(0) if k in axes else next(rest) for k in range(t.rank))]

    compute(b, out, body)


@lowers(g.UnsqueezeOp)
def _unsqueeze(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out = ins[0], outs[0]
    rank = out.type.rank
    axes = {a % rank for a in props_of(op).ints("axes")}
    compute(b, out, lambda i: x[tuple(e for k, e in enumerate(i) if k not in axes)])


@lowers(g.TileOp)
def _tile(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out = ins[0], outs[0]
    reps = props_of(op).ints("repeats")

    def source(i: Expr, d: Expr, r: int) -> Expr:
        return i if r == 1 or d == 0 else i.mod(d)

    compute(b, out, lambda i: x[tuple(source(e, d, r) for e, d, r in zip(i, x.shape, reps, strict=True))])


# -- concat / split --------------------------------------------------------------------
@lowers(g.ConcatOp)
def _concat(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    out = outs[0]
    axis = normalize_axis(props_of(op).int("axis"), out.type.rank)
    parts: list[tuple[Buf, Expr]] = []  # (operand, offset), statically empty ones left out
    offset = Expr.const(0)
    for x in ins:
        if x.shape[axis] != 0:
            parts.append((x, offset))
        offset = offset + x.shape[axis]
    if not parts:
        return  # the output is empty too

    def load(i: Idx, k: int) -> S:
        x, off = parts[k]
        pos = i[axis] - off
        if k < len(parts) - 1:
            pos = pos.min(x.shape[axis] - 1)
        if k > 0:
            pos = pos.max(0)
        return x[tuple(pos if a == axis else e for a, e in enumerate(i))]

    def body(i: Idx) -> S:
        value = load(i, len(parts) - 1)
        at = index(i[axis])
        for k in reversed(range(len(parts) - 1)):
            value = select(at.lt(index(parts[k + 1][1])), load(i, k), value)
        return value

    compute(b, out, body)


@lowers(g.SplitOp)
def _split(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x = ins[0]
    axis = normalize_axis(props_of(op).int("axis"), x.type.rank)
    offset = Expr.const(0)
    for out in outs:
        off = offset
        compute(b, out, lambda i, off=off: x[tuple(e + off if a == axis else e for a, e in enumerate(i))])
        offset = offset + out.shape[axis]


# -- slice / pad ------------------------------------------------------------------------
def slice_start(d: Expr, start: int, step: int) -> Expr:
    """The first index `range(d)[start::step]` visits, clamped as slice.indices
    (and `slice_len`) do; only used when the slice is not empty."""
    if d.is_const():
        return Expr.const(slice(start, None, step).indices(d.value())[0])
    if step > 0:
        if start <= -HUGE:
            return Expr.const(0)
        return Expr.const(start) if start >= 0 else (d + start).max(0)
    if start >= 0:
        return (d - 1).min(start)
    return d + start


@lowers(g.SliceOp)
def _slice(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out, t = _one(op, ins, outs)
    starts, _, axes, steps = slice_params(props_of(op), t.rank)
    first = {a: (slice_start(x.shape[a], s, k), k) for a, s, k in zip(axes, starts, steps, strict=True)}

    def body(i: Idx) -> S:
        src = list(i)
        for a, (s, k) in first.items():
            src[a] = s + i[a] * k
        return x[tuple(src)]

    compute(b, out, body)


def pad_source(p: Expr, c: Expr, mode: str) -> Expr:
    """Position in the cropped axis (length c) that padded position p copies (numpy.pad):
    edge clamps, wrap is periodic in c, reflect periodic in 2(c-1) and mirrored."""
    if mode == "wrap":
        return p.mod(c)
    if mode == "reflect":
        period = (c * 2 - 2).max(1)
        q = p.mod(period)
        return q.min(period - q)
    return clamp(p, 0, c - 1)


@lowers(g.PadOp)
def _pad(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    x, out, t = _one(op, ins, outs)
    p = props_of(op)
    mode = p.str("mode")
    axes: dict[int, tuple[Expr, Expr, Expr, bool]] = {}  # axis -> (begin pad, crop offset, cropped length, grows)
    for a, begin, end in pad_params(p, t.rank):
        lo = max(-begin, 0)
        axes[a] = (Expr.const(max(begin, 0)), Expr.const(lo), x.shape[a] - lo - max(-end, 0), begin > 0 or end > 0)
    value = fill(scalar(p, "value"), t.element_type) if mode == "constant" else None
    if value is not None and any(c == 0 for _, _, c, _ in axes.values()):
        compute(b, out, lambda i: value)
        return

    def body(i: Idx) -> S:
        src = list(i)
        inside: S | None = None
        for a, (pb, lo, c, grows) in axes.items():
            pos = i[a] - pb
            if not grows:
                src[a] = lo + pos
                continue
            src[a] = lo + pad_source(pos, c, "edge" if value is not None else mode)
            if value is None:
                continue
            at = index(pos)
            ok = binary("and", at.ge(0), at.lt(index(c)))
            inside = ok if inside is None else binary("and", inside, ok)
        load = x[tuple(src)]
        return load if inside is None or value is None else select(inside, load, value)

    compute(b, out, body)


# -- creation -----------------------------------------------------------------------------
def _arange_value(i: Expr, start: int | float, delta: int | float, exact: bool, numpy_range: bool) -> S:
    """start + i*delta as the interpreter computes it: in i64 when exact, else in f64;
    numpy.arange (the range form in f64) fills with (start+delta)-start from i = 2 on."""
    if exact:
        return const(int(start), I64) + index(i).cast(I64) * const(int(delta), I64)
    fi = index(i).cast(f64)
    if not numpy_range:
        return const(float(start), f64) + const(float(delta), f64) * fi
    step = (float(start) + float(delta)) - float(start)
    general = const(float(start), f64) + fi * const(step, f64)
    return select(index(i).eq(1), const(float(start) + float(delta), f64), general)


@lowers(g.IotaOp)
def _iota(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    out = outs[0]
    p = props_of(op)
    start, delta = scalar(p, "start"), scalar(p, "delta")
    exact = isinstance(start, int) and isinstance(delta, int)
    if p.has("limit"):
        compute(b, out, lambda i: convert(_arange_value(i[0], start, delta, exact, True), out.elt))
        return
    dim = normalize_axis(p.int("dimension") if p.has("dimension") else 0, out.type.rank, "dimension")
    compute(b, out, lambda i: convert(_arange_value(i[dim], start, delta, exact, False), out.elt))


@lowers(g.FullOp)
def _full(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    out = outs[0]
    value = fill(scalar(props_of(op), "value"), out.elt)
    compute(b, out, lambda i: value)


@lowers(g.ZerosLikeOp, g.OnesLikeOp)
def _fill_like(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    out = outs[0]
    value = fill(1 if isinstance(op, g.OnesLikeOp) else 0, out.elt)
    compute(b, out, lambda i: value)
