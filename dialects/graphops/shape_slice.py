"""Shape ops that cut and join tensors: concat, split, slice and pad.

The slice length rules live here as `slice_len`, exact for symbolic dims.
"""

from __future__ import annotations

from xdsl.dialects.builtin import DenseArrayBase, FloatAttr, IntegerAttr, StringAttr
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    var_operand_def,
    var_result_def,
)

from tensorforge.dialects.graphops.base import GraphOp, Props, fail
from tensorforge.dialects.graphops.shape_common import check_fill, fmt_dims, int_or_shape, need_axes, scalar
from tensorforge.dialects.graphops.shapes import need_same_element, normalize_axis
from tensorforge.dialects.graphops.types import ShapeAttr, TensorType
from tensorforge.dialects.symbolic import Expr

# Ends at or beyond this mean "to the end" (INT32_MAX, INT64_MAX as exporters write
# them); starts at or below its negation mean "from the start". Dims are assumed smaller.
HUGE = 2**31 - 1


# -- concat / split ---------------------------------------------------------------
@irdl_op_definition
class ConcatOp(GraphOp):
    """Join tensors along `axis` (as numpy.concatenate, ONNX Concat); sizes add up (n and m give n+m).

    All operands share the element type and rank; the other dims must agree.
    Build with a list: `ConcatOp([a, b], axis=1)`.
    """

    name = "graph.concat"
    inputs = var_operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        if not args:
            raise fail("needs at least one operand")
        need_same_element(args, "operands")
        first = args[0]
        if first.rank == 0:
            raise fail("cannot concatenate rank-0 tensors")
        axis = normalize_axis(props.int("axis"), first.rank)
        dims = list(first.dims)
        for i, t in enumerate(args[1:], 1):
            if t.rank != first.rank:
                raise fail(f"operand #{i} has rank {t.rank}, expected {first.rank} (the rank of operand #0)")
            for j, d in enumerate(t.dims):
                if j != axis:
                    dims[j] = _agree(dims[j], d, f"operand #{i} dim {j}")
        dims[axis] = sum((t.dims[axis] for t in args[1:]), first.dims[axis])
        return [first.with_shape(dims)]


def _agree(have: Expr, new: Expr, what: str) -> Expr:
    """Dims that must be equal: a provable mismatch fails, a static dim wins."""
    if have.provably_ne(new):
        raise fail(f"{what} is {new}, expected {have}")
    return have if have.is_const() or not new.is_const() else new


@irdl_op_definition
class SplitOp(GraphOp):
    """Cut one tensor along `axis` into parts (as ONNX Split-18, torch.split).

    Give `sizes` (`array<i64: 2, 3>` or symbolic `#graph.shape<[n, m]>`; one
    entry may be -1: the rest, as tf.split) or `num_outputs` k: parts of
    `d ceildiv k`, the last one `d - (k-1) * (d ceildiv k)` (smaller when k
    does not divide d; a negative last part is an error).
    """

    name = "graph.split"
    input = operand_def(TensorType)
    outputs = var_result_def(TensorType)
    axis = prop_def(IntegerAttr, default_value=IntegerAttr(0, 64))
    sizes = opt_prop_def(DenseArrayBase | ShapeAttr)
    num_outputs = opt_prop_def(IntegerAttr)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        if x.rank == 0:
            raise fail("cannot split a rank-0 tensor")
        axis = normalize_axis(props.int("axis"), x.rank)
        if props.has("sizes") == props.has("num_outputs"):
            raise fail("needs exactly one of 'sizes' and 'num_outputs'")
        d = x.dims[axis]
        if props.has("sizes"):
            parts = split_by_sizes(d, int_or_shape(props, "sizes"), axis)
        else:
            parts = split_evenly(d, props.int("num_outputs"), axis)
        return [x.with_shape([*x.dims[:axis], p, *x.dims[axis + 1 :]]) for p in parts]


def split_by_sizes(d: Expr, sizes: list[Expr], axis: int) -> list[Expr]:
    """Explicit sizes; -1 takes the rest. Also used at run time with constants."""
    if not sizes:
        raise fail("sizes must not be empty")
    if any(s.is_const() and s.value() < -1 for s in sizes):
        raise fail(f"sizes {fmt_dims(sizes)} has a negative entry (only one -1 is allowed)")
    holes = [i for i, s in enumerate(sizes) if s == -1]
    if len(holes) > 1:
        raise fail(f"sizes {fmt_dims(sizes)} has more than one -1")
    known = Expr.const(0)
    for s in sizes:
        known = known if s == -1 else known + s
    if not holes:
        if known.provably_ne(d):
            raise fail(f"sizes {fmt_dims(sizes)} sum to {known}, but dim {axis} is {d}")
        return sizes
    rest = d - known
    if rest.is_const() and rest.value() < 0:
        raise fail(f"sizes {fmt_dims(sizes)} need more than dim {axis} ({d})")
    return [rest if i == holes[0] else s for i, s in enumerate(sizes)]


def split_evenly(d: Expr, k: int, axis: int) -> list[Expr]:
    """ONNX num_outputs: ceil-sized parts, the last one takes what is left."""
    if k < 1:
        raise fail(f"num_outputs must be at least 1, got {k}")
    part = d.ceildiv(k)
    last = d - part * (k - 1)
    if last.is_const() and last.value() < 0:
        raise fail(f"cannot split dim {axis} of size {d} into {k} parts of {part}")
    return [part] * (k - 1) + [last]


# -- slice ------------------------------------------------------------------------
@irdl_op_definition
class SliceOp(GraphOp):
    """x[start:end:step] on the listed axes (as ONNX Slice, numpy basic slicing).

    Negative starts/ends count from the end; out-of-range values clamp as in
    Python's `slice.indices` (for negative steps: to [-1, d-1], which is what
    numpy and ONNX's reference do). Ends >= 2^31-1 (INT64_MAX) mean "to the
    end", starts <= -(2^31-1) "from the start". `axes` defaults to 0..k-1,
    `steps` to 1; a step is never 0. Symbolic dims give exact expressions,
    e.g. x[1:] on n gives `max(n-1, 0)`, x[-3:] gives `min(n, 3)`.
    """

    name = "graph.slice"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    starts = prop_def(DenseArrayBase)
    ends = prop_def(DenseArrayBase)
    axes = opt_prop_def(DenseArrayBase)
    steps = opt_prop_def(DenseArrayBase)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        starts, ends, axes, steps = slice_params(props, x.rank)
        dims = list(x.dims)
        for a, s, e, k in zip(axes, starts, ends, steps, strict=True):
            dims[a] = slice_len(dims[a], s, e, k)
        return [x.with_shape(dims)]


def slice_params(props: Props, rank: int) -> tuple[tuple[int, ...], tuple[int, ...], list[int], tuple[int, ...]]:
    """starts, ends, normalized axes and steps, checked for consistent lengths."""
    starts, ends = props.ints("starts"), props.ints("ends")
    n = len(starts)
    if len(ends) != n:
        raise fail(f"starts has {n} entries but ends has {len(ends)}")
    axes = props.ints("axes") if props.has("axes") else tuple(range(n))
    steps = props.ints("steps") if props.has("steps") else (1,) * n
    for what, values in (("axes", axes), ("steps", steps)):
        if len(values) != n:
            raise fail(f"{what} has {len(values)} entries but starts has {n}")
    if 0 in steps:
        raise fail(f"steps {list(steps)} contains 0")
    return starts, ends, need_axes(axes, rank), steps


def slice_len(d: Expr, start: int, end: int, step: int) -> Expr:
    """len(range(d)[start:end:step]) for a dim d >= 0, symbolic or not.

    A negative step mirrors the problem (index i <-> d-1-i) into a positive one.
    """
    if d.is_const():
        return Expr.const(len(range(*slice(start, end, step).indices(d.value()))))
    if step < 0:
        return slice_len(d, -1 - start, -1 - end, -step)
    extent = _forward_extent(d, start, end)
    return extent if step == 1 else extent.ceildiv(step)


def _forward_extent(d: Expr, s: int, e: int) -> Expr:
    """How many indices of [0, d) lie in [s, e) after numpy's clamping, step 1."""
    s = 0 if s <= -HUGE else s
    if s >= HUGE or e <= -HUGE:
        return Expr.const(0)
    if e >= HUGE:
        return _shifted(d, s) if s >= 0 else d.min(-s)
    if s >= 0 and e >= 0:
        return Expr.const(0) if e <= s else _shifted(d.min(e), s)
    if s >= 0:
        return (d + e - s).max(0)
    if e < 0:
        return Expr.const(0) if e <= s else (d + e).max(0) - (d + s).max(0)
    return (d.min(e) - (d + s).max(0)).max(0)


def _shifted(upper: Expr, s: int) -> Expr:
    return upper if s == 0 else (upper - s).max(0)


# -- pad --------------------------------------------------------------------------
PAD_MODES = ("constant", "reflect", "edge", "wrap")


@irdl_op_definition
class PadOp(GraphOp):
    """Pad (or, with negative pads, crop) each axis (as ONNX Pad, numpy.pad).

    `pads` is [begin..., end...] over `axes` (default: all axes). Negative
    pads crop first, then `mode` pads: constant (`value`, converted to the
    element type and required to fit it), reflect, edge or wrap (numpy's rules,
    so reflect may exceed the size); those three cannot grow an empty axis.
    """

    name = "graph.pad"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    pads = prop_def(DenseArrayBase)
    mode = prop_def(StringAttr, default_value=StringAttr("constant"))
    value = prop_def(FloatAttr | IntegerAttr, default_value=FloatAttr(0.0, 64))
    axes = opt_prop_def(DenseArrayBase)
    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        mode = props.str("mode")
        if mode not in PAD_MODES:
            raise fail(f"mode must be one of {', '.join(PAD_MODES)}, got '{mode}'")
        if mode == "constant":
            check_fill(scalar(props, "value"), x.element_type, "value")
        dims = list(x.dims)
        for a, begin, end in pad_params(props, x.rank):
            cropped = dims[a] + min(begin, 0) + min(end, 0)
            if cropped.is_const() and cropped.value() < 0:
                raise fail(f"pads {begin} and {end} crop axis {a} of size {dims[a]} below zero")
            grows = begin > 0 or end > 0
            if mode != "constant" and grows and cropped == 0:
                raise fail(f"cannot pad axis {a} in '{mode}' mode: it is empty")
            dims[a] = cropped + max(begin, 0) + max(end, 0)
        return [x.with_shape(dims)]


def pad_params(props: Props, rank: int) -> list[tuple[int, int, int]]:
    """(axis, begin, end) for each padded axis."""
    axes = need_axes(props.ints("axes"), rank) if props.has("axes") else list(range(rank))
    pads = props.ints("pads")
    if len(pads) != 2 * len(axes):
        raise fail(f"pads has {len(pads)} entries, expected {2 * len(axes)} (begin and end for {len(axes)} axes)")
    return [(a, pads[i], pads[i + len(axes)]) for i, a in enumerate(axes)]


SLICE_OPS = [ConcatOp, SplitOp, SliceOp, PadOp]
