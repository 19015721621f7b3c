"""Shape and layout ONNX ops: Shape, Size, Reshape, Flatten, Transpose,
Squeeze, Unsqueeze, Concat, Split, Slice, Pad, Expand, Tile, Constant,
ConstantOfShape, Range, EyeLike, Trilu, DepthToSpace and SpaceToDepth.

Shape data (the result of Shape and of integer ops on it) is computed at
import time, symbolic dims included, so the shapes these ops take as tensor
inputs are usually known; a shape that is truly computed at run time is
reported as an unsupported dynamic input.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, i64

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.shape_slice import HUGE
from tensorforge.dialects.graphops.types import TensorType, is_float
from tensorforge.dialects.symbolic import Expr, product
from tensorforge.frontends.onnx.context import Context, DynamicInput, Node, Out, Unsupported, Value
from tensorforge.frontends.onnx.dtypes import UnsupportedType, element
from tensorforge.frontends.onnx.ops import converter

INT64_MAX = 2**63 - 1


def _axis(axis: int, rank: int) -> int:
    if not -rank <= axis < max(rank, 1):
        raise Unsupported(f"axis {axis} is out of range for rank {rank}")
    return axis % rank if rank else 0


# -- Shape / Size ------------------------------------------------------------------------
@converter("Shape")
def _shape(ctx: Context, node: Node) -> list[Out]:
    dims = list(ctx.in_type(node, 0).dims)
    start, end = node.attr("start", 0), node.attr("end")
    return [Value.of_dims(dims[slice(start, end)])]


@converter("Size")
def _size(ctx: Context, node: Node) -> list[Out]:
    return [Value.of_dims([product(ctx.in_type(node, 0).dims)], shape=())]


# -- Reshape / Flatten / Transpose -----------------------------------------------------------
@converter("Reshape")
def _reshape(ctx: Context, node: Node) -> list[Out]:
    spec = [Expr.lift(d) for d in node.attr("shape")] if node.version < 5 else ctx.static_dims(node, 1, "shape")
    allowzero = bool(node.attr("allowzero", 0))
    src = ctx.known_value(node, 0)
    if src is not None and src.sym is not None:
        return [Value.of_sym(src.sym.reshape(_numpy_shape(src.sym.shape, spec, allowzero)), src.sym_dtype)]
    return [ctx.emit(g.ReshapeOp, ctx.x(node, 0), shape=spec, allowzero=allowzero)]


def _numpy_shape(shape: Sequence[int], spec: Sequence[Expr], allowzero: bool) -> list[int]:
    if not all(d.is_const() for d in spec):
        raise Unsupported("reshape of shape data to a symbolic shape")
    out = [d.value() for d in spec]
    return [shape[i] if d == 0 and not allowzero else d for i, d in enumerate(out)]


@converter("Flatten")
def _flatten(ctx: Context, node: Node) -> list[Out]:
    return [ctx.emit(g.FlattenOp, ctx.x(node, 0), axis=int(node.attr("axis", 1)))]


@converter("Transpose")
def _transpose(ctx: Context, node: Node) -> list[Out]:
    perm = node.attr("perm")
    src = ctx.known_value(node, 0)
    if src is not None and src.sym is not None:
        return [Value.of_sym(np.transpose(src.sym, perm), src.sym_dtype)]
    return [ctx.emit(g.TransposeOp, ctx.x(node, 0), perm=list(perm) if perm is not None else None)]


# -- Squeeze / Unsqueeze -------------------------------------------------------------------------
def _axes_arg(ctx: Context, node: Node, attr_until: int) -> list[int] | None:
    if node.version < attr_until:
        axes = node.attr("axes")
        return None if axes is None else list(axes)
    if not node.has(1):
        return None
    return ctx.static_ints(node, 1, "axes")


@converter("Squeeze")
def _squeeze(ctx: Context, node: Node) -> list[Out]:
    axes = _axes_arg(ctx, node, 13)
    src = ctx.known_value(node, 0)
    if src is not None and src.sym is not None:
        t = ctx.in_type(node, 0)
        drop = tuple(a % t.rank for a in axes) if axes is not None else tuple(i for i, d in enumerate(src.sym.shape) if d == 1)
        return [Value.of_sym(np.squeeze(src.sym, axis=drop), src.sym_dtype)]
    return [ctx.emit(g.SqueezeOp, ctx.x(node, 0), axes=axes)]


@converter("Unsqueeze")
def _unsqueeze(ctx: Context, node: Node) -> list[Out]:
    axes = _axes_arg(ctx, node, 13)
    if axes is None:
        raise Unsupported("Unsqueeze needs axes")
    src = ctx.known_value(node, 0)
    if src is not None and src.sym is not None:
        rank = src.sym.ndim + len(axes)
        return [Value.of_sym(np.expand_dims(src.sym, tuple(a % rank for a in axes)), src.sym_dtype)]
    return [ctx.emit(g.UnsqueezeOp, ctx.x(node, 0), axes=axes)]


# -- Concat / Split ----------------------------------------------------------------------------
@converter("Concat")
def _concat(ctx: Context, node: Node) -> list[Out]:
    axis = int(node.attr("axis", 0))
    sym = ctx.sym_args(node)
    if sym is not None:
        parts = [a for a in sym if a is not None]
        return [Value.of_sym(np.concatenate(parts, axis=axis), ctx.in_type(node, 0).dtype)]
    xs = [ctx.x(node, i) for i in range(len(node.inputs)) if node.has(i)]
    return [ctx.emit(g.ConcatOp, xs, axis=axis)]


@converter("Split")
def _split(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = ctx.type(x)
    axis = _axis(int(node.attr("axis", 0)), t.rank)
    sizes: list[int] | None
    if node.version < 13:
        split = node.attr("split")
        sizes = list(split) if split else None
    else:
        sizes = ctx.static_ints(node, 1, "split") if node.has(1) else None
    n = node.n_outputs
    if sizes is not None:
        results = ctx.emit_multi(g.SplitOp, x, axis=axis, sizes=sizes)
    else:
        count = int(node.attr("num_outputs", n)) if node.version >= 18 else n
        results = ctx.emit_multi(g.SplitOp, x, axis=axis, num_outputs=count)
    return list(results)


# -- Slice -----------------------------------------------------------------------------------------
@converter("Slice")
def _slice(ctx: Context, node: Node) -> list[Out]:
    t = ctx.in_type(node, 0)
    if node.version < 10:
        starts_e = [Expr.const(v) for v in node.attr("starts")]
        ends_e = [Expr.const(v) for v in node.attr("ends")]
        axes = list(node.attr("axes", range(len(starts_e))))
        steps = [1] * len(starts_e)
    else:
        starts_e = ctx.static_dims(node, 1, "starts")
        ends_e = ctx.static_dims(node, 2, "ends")
        axes = ctx.static_ints(node, 3, "axes") if node.has(3) else list(range(len(starts_e)))
        steps = ctx.static_ints(node, 4, "steps") if node.has(4) else [1] * len(starts_e)
    axes = [_axis(a, t.rank) for a in axes]
    starts = [_bound_index(s, t.dims[a], "starts") for s, a in zip(starts_e, axes, strict=True)]
    ends = [_bound_index(e, t.dims[a], "ends") for e, a in zip(ends_e, axes, strict=True)]
    src = ctx.known_value(node, 0)
    if src is not None and src.sym is not None:
        index = [slice(None)] * src.sym.ndim
        for a, s, e, k in zip(axes, starts, ends, steps, strict=True):
            index[a] = slice(s, e, k)
        return [Value.of_sym(src.sym[tuple(index)], src.sym_dtype)]
    return [ctx.emit(g.SliceOp, ctx.x(node, 0), starts=starts, ends=ends, axes=axes, steps=steps)]


def _bound_index(e: Expr, dim: Expr, what: str) -> int:
    """A slice bound as an int; `dim - c` (a symbolic bound relative to the
    sliced dim) becomes `-c`, or "to the end" for c = 0."""
    if e.is_const():
        v = e.value()
        return max(min(v, INT64_MAX), -INT64_MAX)
    rest = dim - e
    if rest.is_const() and rest.value() > 0:
        return -rest.value()
    if rest.is_const() and rest.value() == 0:
        return HUGE
    raise DynamicInput(f"{what} entry {e} is symbolic and not relative to the sliced dim {dim}")


# -- Pad --------------------------------------------------------------------------------------------
@converter("Pad")
def _pad(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = ctx.type(x)
    mode = node.attr("mode", "constant")
    if node.version < 11:
        pads = list(node.attr("pads", node.attr("paddings", [])))
        value: float = float(node.attr("value", 0.0))
        axes = None
    else:
        pads = ctx.static_ints(node, 1, "pads")
        value = 0.0
        if node.has(2) and ctx.in_type(node, 2).static_shape() != (0,):
            value = float(ctx.static(node, 2, "constant_value").reshape(-1)[0])
        axes = ctx.static_ints(node, 3, "axes") if node.has(3) else None
    if mode not in ("constant", "reflect", "edge", "wrap"):
        raise Unsupported(f"mode '{mode}' is not supported")
    fill: float | int = value if is_float(t.element_type) else int(value)
    if axes is not None:
        axes = [_axis(a, t.rank) for a in axes]
    return [ctx.emit(g.PadOp, x, pads=pads, mode=mode, value=_fill_attr(fill), axes=axes)]


def _fill_attr(value: float | int) -> FloatAttr | IntegerAttr:
    return IntegerAttr(value, i64) if isinstance(value, int) else FloatAttr(value, 64)


# -- Expand / Tile --------------------------------------------------------------------------------
@converter("Expand")
def _expand(ctx: Context, node: Node) -> list[Out]:
    shape = ctx.static_dims(node, 1, "shape")
    src = ctx.known_value(node, 0)
    if src is not None and src.sym is not None and all(d.is_const() for d in shape):
        target = np.broadcast_shapes(src.sym.shape, tuple(d.value() for d in shape))
        return [Value.of_sym(np.broadcast_to(src.sym, target).copy(), src.sym_dtype)]
    return [ctx.emit(g.BroadcastToOp, ctx.x(node, 0), shape=shape, bidirectional=True)]


@converter("Tile")
def _tile(ctx: Context, node: Node) -> list[Out]:
    reps = ctx.static_ints(node, 1, "repeats")
    return [ctx.emit(g.TileOp, ctx.x(node, 0), repeats=reps)]


# -- constants ---------------------------------------------------------------------------------------
@converter("Constant")
def _constant(ctx: Context, node: Node) -> list[Out]:
    for key in ("value", "sparse_value"):
        if key in node.attrs:
            arr = np.asarray(node.attrs[key])
            if arr.dtype.kind in "OSU":
                raise Unsupported("string constants are not supported")
            return [Value(const=arr)]
    simple = {"value_float": np.float32, "value_floats": np.float32, "value_int": np.int64, "value_ints": np.int64}
    for key, dtype in simple.items():
        if key in node.attrs:
            return [Value(const=np.asarray(node.attrs[key], dtype=dtype))]
    raise Unsupported("only tensor, float(s) and int(s) constants are supported")


@converter("ConstantOfShape")
def _constant_of_shape(ctx: Context, node: Node) -> list[Out]:
    dims = ctx.static_dims(node, 0, "shape")
    value = node.attr("value")
    arr = np.asarray(value) if value is not None else np.zeros(1, np.float32)
    if arr.dtype.kind in "OSU":
        raise Unsupported("string values are not supported")
    scalar = arr.reshape(-1)[0]
    fill: float | int = float(scalar) if arr.dtype.kind == "f" or str(arr.dtype) == "bfloat16" else int(scalar)
    elt = ctx.type(Value(const=arr)).element_type
    return [ctx.emit(g.FullOp, shape=dims, value=_fill_attr(fill), dtype=elt)]


@converter("Range")
def _range(ctx: Context, node: Node) -> list[Out]:
    elt = ctx.in_type(node, 0).element_type
    dtype = ctx.in_type(node, 0).dtype
    consts = [ctx.const_of(node.inputs[i]) for i in range(3)]
    if all(c is not None for c in consts):
        start, limit, delta = (c.reshape(-1)[0] for c in consts)  # type: ignore[union-attr]
        if delta == 0:
            raise Unsupported("delta is 0")
        n = max(int(np.ceil((float(limit) - float(start)) / float(delta))), 0)
        if dtype.kind in "iu":
            values = int(start) + int(delta) * np.arange(n, dtype=np.int64)
        else:
            values = np.asarray(start, dtype) + np.asarray(delta, dtype) * np.arange(n).astype(dtype)
        return [Value(const=np.asarray(values).astype(dtype))]
    dims = [ctx.known_value(node, i) for i in range(3)]
    unknown = [i for i, v in enumerate(dims) if v is None]
    if unknown:
        raise ctx.dynamic(node.inputs[unknown[0]], "start, limit and delta must be known at import time "
                          "(the result length depends on them)")
    start_e, limit_e, delta_e = (v.exprs().reshape(-1)[0] for v in dims)  # type: ignore[union-attr]
    if not (start_e.is_const() and delta_e.is_const() and delta_e.value() > 0):
        raise DynamicInput("a symbolic Range needs a constant start and a positive constant delta")
    span = limit_e - start_e
    length = span if delta_e.value() == 1 and _nonneg(span) else span.ceildiv(delta_e.value()).max(0)
    return [ctx.emit(g.IotaOp, shape=[length], start=IntegerAttr(start_e.value(), i64),
                     delta=IntegerAttr(delta_e.value(), i64), dtype=elt)]


def _nonneg(e: Expr) -> bool:
    """A sum of products of dims with non-negative coefficients (dims are >= 0)."""
    return all(c >= 0 and all(isinstance(a, str) for a, _ in mono) for mono, c in e.terms.items())


@converter("EyeLike")
def _eye_like(ctx: Context, node: Node) -> list[Out]:
    t = ctx.in_type(node, 0)
    if t.rank != 2:
        raise Unsupported(f"input must have rank 2, got {t.rank}")
    try:
        elt = element(int(node.attr("dtype"))) if node.attr("dtype") is not None else t.element_type
    except UnsupportedType as e:
        raise Unsupported(str(e)) from None
    diag = diagonal_mask(ctx, t.dims, int(node.attr("k", 0)), "eq")
    return [ctx.emit(g.CastOp, diag, to=elt)]


def diagonal_mask(ctx: Context, dims: Sequence[Expr], k: int, how: str) -> object:
    """i1 mask [rows, cols] of (col - row) ==/>=/<= k."""
    rows, cols = dims[-2], dims[-1]
    r = ctx.emit(g.IotaOp, shape=[rows, cols], dimension=0, dtype=i64)
    c = ctx.emit(g.IotaOp, shape=[rows, cols], dimension=1, dtype=i64)
    diff = ctx.emit(g.SubOp, c, r)
    op = {"eq": g.EqOp, "ge": g.GeOp, "le": g.LeOp}[how]
    return ctx.emit(op, diff, ctx.scalar(k, diff))


@converter("Trilu")
def _trilu(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = ctx.type(x)
    if t.rank < 2:
        raise Unsupported(f"input must have rank >= 2, got {t.rank}")
    k = ctx.static_ints(node, 1, "k")[0] if node.has(1) else 0
    mask = diagonal_mask(ctx, t.dims, k, "ge" if node.attr("upper", 1) else "le")
    return [ctx.emit(g.WhereOp, mask, x, ctx.scalar(0, x))]


# -- DepthToSpace / SpaceToDepth -------------------------------------------------------------------
@converter("DepthToSpace")
def _depth_to_space(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = _need_4d(ctx.type(x))
    b = int(node.attr("blocksize"))
    n, c, h, w = t.dims
    cc = c.floordiv(b * b) if not c.is_const() else Expr.const(c.value() // (b * b))
    if node.attr("mode", "DCR") == "DCR":
        y = ctx.reshape(x, [n, b, b, cc, h, w])
        y = ctx.emit(g.TransposeOp, y, perm=[0, 3, 4, 1, 5, 2])
    else:
        y = ctx.reshape(x, [n, cc, b, b, h, w])
        y = ctx.emit(g.TransposeOp, y, perm=[0, 1, 4, 2, 5, 3])
    return [ctx.reshape(y, [n, cc, h * b, w * b])]


@converter("SpaceToDepth")
def _space_to_depth(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = _need_4d(ctx.type(x))
    b = int(node.attr("blocksize"))
    n, c, h, w = t.dims
    hh = h.floordiv(b) if not h.is_const() else Expr.const(h.value() // b)
    ww = w.floordiv(b) if not w.is_const() else Expr.const(w.value() // b)
    y = ctx.reshape(x, [n, c, hh, b, ww, b])
    y = ctx.emit(g.TransposeOp, y, perm=[0, 3, 5, 1, 2, 4])
    return [ctx.reshape(y, [n, c * b * b, hh, ww])]


def _need_4d(t: TensorType) -> TensorType:
    if t.rank != 4:
        raise Unsupported(f"input must have rank 4, got {t.rank}")
    return t
