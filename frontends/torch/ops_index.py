"""Converters for indexing ATen ops: advanced indexing (index.Tensor),
index_select, gather, scatter, top-k and sort.

index.Tensor follows numpy/torch advanced indexing: the index tensors
broadcast together; their result dims replace the indexed dims in place when
those are adjacent, else they lead. Boolean masks are data dependent and
rejected.
"""

from __future__ import annotations

from typing import Any

from xdsl.dialects.builtin import IntegerType, i64

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.shapes import broadcast_dims
from tensorforge.dialects.graphops.types import is_unsigned
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.torch.context import Ctx, Multi, Value
from tensorforge.frontends.torch.errors import Unsupported
from tensorforge.frontends.torch.registry import Args, converts

INDEX_TYPES = (IntegerType(32), IntegerType(64))


def _index(cx: Ctx, idx: Value) -> Value:
    """An index operand as i32/i64; bool (and uint8, torch's legacy) masks are rejected."""
    elt = cx.elt(idx)
    if elt == IntegerType(1) or is_unsigned(elt):
        raise Unsupported("boolean mask indexing (data-dependent shape)")
    return idx if elt in INDEX_TYPES else cx.cast(idx, i64)


@converts("aten.index.Tensor", "aten._unsafe_index.Tensor")
def _index_tensor(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    indices: list[Value | None] = list(a["indices"])
    used = [i for i, t in enumerate(indices) if t is not None]
    tensors = [_index(cx, t) for t in indices if t is not None]
    if len(used) == 1:
        return cx.add(g.GatherOp(x, tensors[0], axis=used[0]))
    return _gather_many(cx, x, used, tensors)


def _gather_many(cx: Ctx, x: Value, used: list[int], tensors: list[Value]) -> Value:
    """Several index tensors: move the indexed axes first, gather_nd, move the result dims back."""
    rank = cx.rank(x)
    rest = [d for d in range(rank) if d not in used]
    moved = cx.add(g.TransposeOp(x, perm=used + rest)) if used + rest != list(range(rank)) else x
    shape = broadcast_dims(*(cx.dims(t) for t in tensors))
    elt = i64 if any(cx.elt(t) == i64 for t in tensors) else cx.elt(tensors[0])
    cols = [cx.add(g.UnsqueezeOp(cx.add(g.BroadcastToOp(cx.cast(t, elt), shape=shape)), axes=[len(shape)])) for t in tensors]
    gathered = cx.add(g.GatherNDOp(moved, cx.add(g.ConcatOp(cols, axis=len(shape)))))
    adjacent = used == list(range(used[0], used[0] + len(used)))
    if not adjacent or used[0] == 0:
        return gathered
    b, lead = len(shape), used[0]  # result is [B..., rest...]; torch puts B at the first indexed axis
    perm = [*range(b, b + lead), *range(b), *range(b + lead, b + len(rest))]
    return cx.add(g.TransposeOp(gathered, perm=perm))


@converts("aten.index_select.default")
def _index_select(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    axis = int(a["dim"]) % max(cx.rank(x), 1)
    idx = _index(cx, a["index"])
    if cx.rank(x) == 0:
        return x
    return cx.add(g.GatherOp(x, idx, axis=axis))


@converts("aten.gather.default")
def _gather(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    return cx.add(g.GatherElementsOp(x, _index(cx, a["index"]), axis=int(a["dim"])))


_REDUCE = {"sum": "add", "add": "add", "prod": "mul", "multiply": "mul", "amax": "max", "amin": "min"}


@converts("aten.scatter.src", "aten.scatter.value", "aten.scatter.reduce", "aten.scatter.value_reduce",
          "aten.scatter_add.default", "aten.scatter_reduce.two")
def _scatter(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    idx = _index(cx, a["index"])
    if "src" in a.values:
        src = cx.cast(a["src"], cx.elt(x))
    else:
        src = cx.add(g.BroadcastToOp(cx.scalar(a["value"], cx.elt(x)), shape=list(cx.dims(idx))))
    reduction = "add" if a.name.startswith("aten.scatter_add") else a.get("reduce", "none")
    if reduction != "none":
        if reduction not in _REDUCE or not a.get("include_self", True):
            raise Unsupported(f"reduce='{reduction}'" + ("" if a.get("include_self", True) else " with include_self=False"))
        reduction = _REDUCE[reduction]
    if cx.dims(src) != cx.dims(idx):
        src = _crop_to(cx, src, idx)
    return cx.add(g.ScatterElementsOp(x, idx, src, axis=int(a["dim"]), reduction=reduction))


def _crop_to(cx: Ctx, src: Value, idx: Value) -> Value:
    """torch reads only src[:index.shape]."""
    ends = [d.value() if d.is_const() else None for d in cx.dims(idx)]
    if any(e is None for e in ends):
        raise Unsupported("scatter with a src larger than the symbolic index")
    return cx.add(g.SliceOp(src, starts=[0] * len(ends), ends=ends))


@converts("aten.topk.default")
def _topk(cx: Ctx, a: Args) -> Multi:
    op = cx.emit(g.TopKOp(a["self"], k=int(a["k"]), axis=int(a.get("dim", -1)), largest=bool(a.get("largest", True)),
                          sorted=bool(a.get("sorted", True))))
    return Multi(list(op.results))


def _sort_args(a: Args) -> tuple[int, bool]:
    return int(a.get("dim", -1)), bool(a.get("descending", False))


@converts("aten.sort.default", "aten.sort.stable")
def _sort(cx: Ctx, a: Args) -> Multi:
    x = a["self"]
    axis, descending = _sort_args(a)
    values = cx.add(g.SortOp(x, axis=axis, descending=descending, stable=True))
    return Multi([values, lambda: cx.add(g.ArgsortOp(x, axis=axis, descending=descending, stable=True))])


@converts("aten.argsort.default", "aten.argsort.stable")
def _argsort(cx: Ctx, a: Args) -> Value:
    axis, descending = _sort_args(a)
    return cx.add(g.ArgsortOp(a["self"], axis=axis, descending=descending, stable=True))



# -- functional forms of in-place writes (x[i] = v, x[a:b] = v) ----------------------------------
def _start(value: Any, size: Expr) -> int:
    start: Any = 0 if value is None else value
    if isinstance(start, Expr):
        if not start.is_const():
            raise Unsupported(f"a write at the symbolic position {start}")
        start = start.value()
    if not isinstance(start, int):
        raise Unsupported(f"a write at position {start!r}")
    if start >= 0:
        return start
    if not size.is_const():
        raise Unsupported("a negative position along a symbolic dim")
    return max(start + size.value(), 0)


def _scatter_along(cx: Ctx, x: Value, src: Value, axis: int, start: int, step: int) -> Value:
    """x with src written at start, start+step, ... along axis (scatter_elements of an iota)."""
    idx = cx.add(g.IotaOp(shape=list(cx.dims(src)), dimension=axis, start=start, delta=step, dtype=i64))
    return cx.add(g.ScatterElementsOp(x, idx, cx.cast(src, cx.elt(x)), axis=axis))


@converts("aten.slice_scatter.default")
def _slice_scatter(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    axis = int(a.get("dim", 0)) % cx.rank(x)
    step = int(a.get("step", 1))
    return _scatter_along(cx, x, a["src"], axis, _start(a.get("start"), cx.dims(x)[axis]), step)


@converts("aten.select_scatter.default")
def _select_scatter(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    axis = int(a["dim"]) % cx.rank(x)
    src = cx.add(g.UnsqueezeOp(a["src"], axes=[axis]))
    return _scatter_along(cx, x, src, axis, _start(a["index"], cx.dims(x)[axis]), 1)


@converts("aten.index_put.default", "aten._unsafe_index_put.default")
def _index_put(cx: Ctx, a: Args) -> Value:
    """x[indices] = values (or += with accumulate): a boolean mask with one value
    becomes a where; integer indices on leading dims a scatter_nd."""
    x, accumulate = a["self"], bool(a.get("accumulate", False))
    indices = list(a["indices"])
    while indices and indices[-1] is None:
        indices.pop()
    values = cx.cast(a["values"], cx.elt(x))
    if len(indices) == 1 and cx.elt(indices[0]) == IntegerType(1):
        return _masked_put(cx, x, indices[0], values, accumulate)
    if not indices or any(t is None for t in indices):
        raise Unsupported("index_put with indices on non-leading dims")
    tensors = [_index(cx, t) for t in indices]
    shape = broadcast_dims(*(cx.dims(t) for t in tensors))
    cols = [cx.add(g.UnsqueezeOp(cx.add(g.BroadcastToOp(cx.cast(t, i64), shape=shape)), axes=[len(shape)])) for t in tensors]
    stacked = cols[0] if len(cols) == 1 else cx.add(g.ConcatOp(cols, axis=len(shape)))
    updates = cx.add(g.BroadcastToOp(values, shape=[*shape, *cx.dims(x)[len(tensors):]]))
    return cx.add(g.ScatterNDOp(x, stacked, updates, reduction="add" if accumulate else "none"))


def _masked_put(cx: Ctx, x: Value, mask: Value, values: Value, accumulate: bool) -> Value:
    if any(not d.is_const() or d.value() != 1 for d in cx.dims(values)):
        raise Unsupported("x[mask] = values with more than one value (data-dependent count)")
    value = cx.add(g.ReshapeOp(values, shape=[])) if cx.rank(values) else values
    extra = cx.rank(x) - cx.rank(mask)
    if extra:
        mask = cx.add(g.UnsqueezeOp(mask, axes=list(range(cx.rank(mask), cx.rank(x)))))
    new = cx.add(g.AddOp(x, value)) if accumulate else value
    return cx.add(g.WhereOp(mask, new, x))
