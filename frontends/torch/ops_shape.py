"""Converters for ATen's view and data-movement ops: reshape, expand, permute,
(un)squeeze, cat/stack, split/chunk/unbind, slice/select/narrow, flip, roll,
repeat, padding and tril/triu.

Result shapes of view ops come from what torch recorded for the node (its
symbolic sizes), so `-1` and size arithmetic need no re-derivation here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xdsl.dialects.builtin import i64

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.shape_slice import HUGE
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.torch.context import Ctx, Value
from tensorforge.frontends.torch.errors import Unsupported
from tensorforge.frontends.torch.registry import Args, converts
from tensorforge.frontends.torch.symbols import size_expr


def _axis(dim: int, rank: int) -> int:
    return dim % rank if rank else 0


# -- reshape / expand / permute ----------------------------------------------------------
@converts(
    "aten.view.default", "aten._unsafe_view.default", "aten.reshape.default", "aten.view_copy.default",
    "aten.flatten.using_ints", "aten.unflatten.int", "aten._reshape_alias.default",
)
def _view(cx: Ctx, a: Args) -> Value:
    shape = cx.out_shape()
    allowzero = any(d == 0 for d in shape)
    return cx.add(g.ReshapeOp(a["self"], shape=shape, allowzero=allowzero))


@converts("aten.expand.default", "aten.expand_copy.default", "aten.broadcast_to.default", "aten.expand_as.default")
def _expand(cx: Ctx, a: Args) -> Value:
    return cx.add(g.BroadcastToOp(a["self"], shape=cx.out_shape()))


@converts("aten.permute.default", "aten.permute_copy.default")
def _permute(cx: Ctx, a: Args) -> Value:
    return cx.add(g.TransposeOp(a["self"], perm=[int(d) for d in a["dims"]]))


def swap(cx: Ctx, x: Value, d0: int, d1: int) -> Value:
    rank = cx.rank(x)
    if rank == 0:
        return x
    perm = list(range(rank))
    i, j = _axis(d0, rank), _axis(d1, rank)
    perm[i], perm[j] = perm[j], perm[i]
    return cx.add(g.TransposeOp(x, perm=perm))


@converts("aten.transpose.int", "aten.transpose_copy.int", "aten.swapaxes.default")
def _transpose(cx: Ctx, a: Args) -> Value:
    d0, d1 = (a["dim0"], a["dim1"]) if "dim0" in a.values else (a["axis0"], a["axis1"])
    return swap(cx, a["self"], int(d0), int(d1))


@converts("aten.t.default", "aten.t_copy.default", "aten.numpy_T.default")
def _t(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    return x if cx.rank(x) < 2 else cx.add(g.TransposeOp(x))


@converts("aten.movedim.int")
def _movedim(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    rank = cx.rank(x)
    src, dst = _axis(int(a["source"]), rank), _axis(int(a["destination"]), rank)
    perm = [d for d in range(rank) if d != src]
    perm.insert(dst, src)
    return cx.add(g.TransposeOp(x, perm=perm))


# -- squeeze / unsqueeze -----------------------------------------------------------------
@converts("aten.unsqueeze.default", "aten.unsqueeze_copy.default")
def _unsqueeze(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    return cx.add(g.UnsqueezeOp(x, axes=[_axis(int(a["dim"]), cx.rank(x) + 1)]))


@converts("aten.squeeze.default", "aten.squeeze.dim", "aten.squeeze.dims", "aten.squeeze_copy.dim",
          "aten.squeeze_copy.dims", "aten.squeeze_copy.default")
def _squeeze(cx: Ctx, a: Args) -> Value:
    """Only dims that are size 1 go (torch ignores the others)."""
    x = a["self"]
    rank = cx.rank(x)
    dims = a.get("dim")
    wanted = range(rank) if dims is None else [_axis(int(d), rank) for d in (dims if isinstance(dims, Sequence) else [dims])]
    axes = sorted({d for d in wanted if cx.dims(x)[d] == 1})
    return cx.add(g.SqueezeOp(x, axes=axes)) if axes else x


# -- cat / stack -----------------------------------------------------------------------------
def _non_empty(cx: Ctx, tensors: Sequence[Value]) -> list[Value]:
    """torch.cat skips legacy empty 1-d tensors ([0]) whatever the other ranks."""
    return [t for t in tensors if not (cx.rank(t) == 1 and cx.dims(t)[0] == 0)] or list(tensors[:1])


@converts("aten.cat.default", "aten.concat.default", "aten.concatenate.default")
def _cat(cx: Ctx, a: Args) -> Value:
    elt = cx.out_elt()
    parts = [cx.cast(t, elt) for t in _non_empty(cx, a["tensors"])]
    axis = _axis(int(a.get("dim", 0)), cx.rank(parts[0]))
    return parts[0] if len(parts) == 1 else cx.add(g.ConcatOp(parts, axis=axis))


@converts("aten.stack.default")
def _stack(cx: Ctx, a: Args) -> Value:
    elt = cx.out_elt()
    parts = [cx.cast(t, elt) for t in a["tensors"]]
    axis = _axis(int(a.get("dim", 0)), cx.rank(parts[0]) + 1)
    parts = [cx.add(g.UnsqueezeOp(t, axes=[axis])) for t in parts]
    return parts[0] if len(parts) == 1 else cx.add(g.ConcatOp(parts, axis=axis))


# -- split / chunk / unbind ------------------------------------------------------------------------
def split(cx: Ctx, x: Value, sizes: Sequence[int | Expr], axis: int) -> list[Value]:
    if len(sizes) == 1:
        return [x]
    op = cx.emit(g.SplitOp(x, axis=axis, sizes=list(sizes)))
    return list(op.results)


def _out_sizes(cx: Ctx, axis: int) -> list[int | Expr]:
    """Each result's size along `axis`, from torch's record of the node."""
    metas = cx.out_meta()
    sizes = [size_expr(m.shape[axis]) for m in metas]
    return [s.value() if s.is_const() else s for s in sizes]


@converts("aten.split.Tensor", "aten.split_with_sizes.default", "aten.split_copy.Tensor",
          "aten.split_with_sizes_copy.default", "aten.chunk.default", "aten.tensor_split.sections")
def _split(cx: Ctx, a: Args) -> list[Value]:
    x = a["self"]
    axis = _axis(int(a.get("dim", 0)), cx.rank(x))
    return split(cx, x, _out_sizes(cx, axis), axis)


@converts("aten.unbind.int", "aten.unbind_copy.int")
def _unbind(cx: Ctx, a: Args) -> list[Value]:
    x = a["self"]
    axis = _axis(int(a.get("dim", 0)), cx.rank(x))
    parts = split(cx, x, [1] * len(cx.out_meta()), axis)
    return [cx.add(g.SqueezeOp(p, axes=[axis])) for p in parts]


# -- slice / select / narrow ------------------------------------------------------------------------
def _static(value: Any) -> int | None:
    if value is None:
        return None
    e = size_expr(value) if not isinstance(value, Expr) else value
    return e.value() if e.is_const() else None


def _bound(value: Any, dim: Expr, default: int) -> int | None:
    """A slice bound as a static int: as given, or relative to the end (`t - 3` on
    a dim of size t is -3, `t` is "to the end"); None when truly symbolic."""
    if value is None:
        return default
    static = _static(value)
    if static is not None:
        return min(static, HUGE)
    offset = Expr.lift(value) - dim
    if not offset.is_const() or offset.value() > 0:
        return None
    return offset.value() if offset.value() < 0 else HUGE


def slice_axis(cx: Ctx, x: Value, axis: int, start: Any, end: Any, step: int) -> Value:
    """x[start:end:step] on one axis: graph.slice when the bounds are static (or
    static offsets from the end), else a gather of an iota over the range."""
    dim = cx.dims(x)[axis]
    s, e = _bound(start, dim, 0), _bound(end, dim, HUGE)
    if s is None or e is None:
        return _dynamic_slice(cx, x, axis, 0 if start is None else start, step)
    if (s, e, step) == (0, HUGE, 1):
        return x
    return cx.add(g.SliceOp(x, starts=[s], ends=[e], axes=[axis], steps=[step]))


def _dynamic_slice(cx: Ctx, x: Value, axis: int, start: Any, step: int) -> Value:
    """Indices start, start+step, ... as many as torch recorded for the result."""
    if step <= 0:
        raise Unsupported("a symbolic slice with a non-positive step")
    length = cx.out_shape()[axis]
    begin = Expr.lift(start)
    if begin.is_const() and begin.value() < 0:
        begin = begin + cx.dims(x)[axis]
    if not begin.is_const():
        raise Unsupported(f"a slice starting at the symbolic index {begin}")
    idx = cx.add(g.IotaOp(shape=[length], start=begin.value(), delta=step, dtype=i64))
    return cx.add(g.GatherOp(x, idx, axis=axis))


@converts("aten.slice.Tensor", "aten.slice_copy.Tensor")
def _slice(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    axis = _axis(int(a.get("dim", 0)), cx.rank(x))
    return slice_axis(cx, x, axis, a.get("start"), a.get("end"), int(a.get("step", 1)))


@converts("aten.narrow.default", "aten.narrow_copy.default")
def _narrow(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    axis = _axis(int(a["dim"]), cx.rank(x))
    start = a["start"]
    s = _static(start)
    if s is not None and s < 0:
        start = cx.dims(x)[axis] + s
    return slice_axis(cx, x, axis, start, Expr.lift(start) + Expr.lift(a["length"]), 1)


@converts("aten.select.int", "aten.select_copy.int")
def _select(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    axis = _axis(int(a["dim"]), cx.rank(x))
    index = _static(a["index"])
    if index is None:
        raise Unsupported("select at a symbolic index")
    return cx.add(g.GatherOp(x, cx.scalar(index, i64), axis=axis))


@converts("aten.flip.default")
def _flip(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    axes = sorted({_axis(int(d), cx.rank(x)) for d in a["dims"]})
    if not axes:
        return x
    return cx.add(g.SliceOp(x, starts=[-1] * len(axes), ends=[-HUGE] * len(axes), axes=axes, steps=[-1] * len(axes)))


@converts("aten.roll.default")
def _roll(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    shifts, dims = list(a["shifts"]), list(a.get("dims", []))
    if not dims:
        flat = cx.add(g.ReshapeOp(x, shape=[-1]))
        return cx.add(g.ReshapeOp(_roll_axis(cx, flat, 0, int(shifts[0])), shape=list(cx.dims(x))))
    for shift, dim in zip(shifts, dims, strict=True):
        x = _roll_axis(cx, x, _axis(int(dim), cx.rank(x)), int(shift))
    return x


def _roll_axis(cx: Ctx, x: Value, axis: int, shift: int) -> Value:
    size = cx.dims(x)[axis]
    if not size.is_const():
        raise Unsupported("roll along a symbolic dim")
    n = size.value()
    shift = shift % n if n else 0
    if shift == 0:
        return x
    tail = cx.add(g.SliceOp(x, starts=[n - shift], ends=[n], axes=[axis]))
    head = cx.add(g.SliceOp(x, starts=[0], ends=[n - shift], axes=[axis]))
    return cx.add(g.ConcatOp([tail, head], axis=axis))


# -- repeat -------------------------------------------------------------------------------------------
@converts("aten.repeat.default")
def _repeat(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    reps = [_static(r) for r in a["repeats"]]
    if any(r is None for r in reps):
        raise Unsupported("symbolic repeat counts")
    extra = len(reps) - cx.rank(x)
    if extra > 0:
        x = cx.add(g.UnsqueezeOp(x, axes=list(range(extra))))
    return cx.add(g.TileOp(x, repeats=reps))


# -- padding ---------------------------------------------------------------------------------------------
def pad(cx: Ctx, x: Value, pads: Sequence[Any], mode: str, value: Any = 0.0) -> Value:
    """torch's pad list (last dim first, (begin, end) pairs) as graph.pad."""
    sizes = [_static(p) for p in pads]
    if any(p is None for p in sizes):
        raise Unsupported("symbolic pad sizes")
    k = len(sizes) // 2
    rank = cx.rank(x)
    axes = [rank - 1 - i for i in range(k)]
    begins = [sizes[2 * i] for i in range(k)]
    ends = [sizes[2 * i + 1] for i in range(k)]
    props: dict[str, Any] = {"pads": begins + ends, "axes": axes, "mode": mode}
    if mode == "constant":
        props["value"] = float(value) if isinstance(value, float) else int(value)
    return cx.add(g.PadOp(x, **props))


@converts("aten.constant_pad_nd.default")
def _constant_pad(cx: Ctx, a: Args) -> Value:
    return pad(cx, a["self"], a["pad"], "constant", a.get("value", 0))


_PAD_MODES = {"reflection": "reflect", "replication": "edge", "circular": "wrap"}


@converts(*(f"aten.{kind}_pad{n}d.default" for kind in ("reflection", "replication") for n in (1, 2, 3)),
          "aten._pad_circular.default")
def _mode_pad(cx: Ctx, a: Args) -> Value:
    kind = a.name.split(".")[1].split("_pad")[0].lstrip("_")
    return pad(cx, a["self"], a["padding"] if "padding" in a.values else a["pad"], _PAD_MODES[kind])


@converts("aten.pad.default")
def _pad(cx: Ctx, a: Args) -> Value:
    mode = a.get("mode", "constant")
    modes = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
    if mode not in modes:
        raise Unsupported(f"mode '{mode}'")
    return pad(cx, a["self"], a["pad"], modes[mode], a.get("value", 0.0))


# -- tril / triu --------------------------------------------------------------------------------------------
@converts("aten.tril.default", "aten.triu.default")
def _tri(cx: Ctx, a: Args) -> Value:
    """Keep col - row <= k (tril) or >= k (triu): iotas, a compare and a where."""
    x = a["self"]
    rows, cols = cx.dims(x)[-2:]
    row = cx.add(g.IotaOp(shape=[rows, cols], dimension=0, dtype=i64))
    col = cx.add(g.IotaOp(shape=[rows, cols], dimension=1, dtype=i64))
    diff = cx.add(g.SubOp(col, row))
    k = cx.scalar(int(a.get("diagonal", 0)), i64)
    keep = cx.add(g.LeOp(diff, k) if a.name.startswith("aten.tril") else g.GeOp(diff, k))
    return cx.add(g.WhereOp(keep, x, cx.scalar(0, cx.elt(x))))
