"""Indexing graph ops: gather and scatter (ONNX semantics), embedding,
one-hot, resize, top-k and sorting.

Index operands are i32 or i64. Negative indices count from the end of their
axis and wrap once (`-1` is the last row); any index outside `[-size, size)`
is a run-time error of the interpreter (never a silent clamp), except in
`graph.one_hot`, where ONNX gives an all-off row. Where an index must fit a
dim that is only known at run time, the interpreter checks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any, ClassVar

from xdsl.dialects.builtin import (
    BoolAttr,
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    StringAttr,
    f32,
    f64,
    i64,
)
from xdsl.ir import Attribute, Operation, TypeAttribute
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
)

from tensorforge.dialects.graphops.base import GraphOp, Operand, Props, fail
from tensorforge.dialects.graphops.shapes import need_rank, normalize_axis, same_dim
from tensorforge.dialects.graphops.types import (
    ShapeAttr,
    TensorType,
    is_bool,
    is_float,
    is_int,
)
from tensorforge.dialects.symbolic import Expr

INDEX_ELEMENTS: tuple[Attribute, ...] = (IntegerType(32), IntegerType(64))
REDUCTIONS: tuple[str, ...] = ("none", "add", "mul", "max", "min")


def need_index(t: TensorType, what: str = "indices") -> None:
    if t.element_type not in INDEX_ELEMENTS:
        raise fail(f"{what} must have element type i32 or i64, got {t.element_type}")


def need_min_rank(t: TensorType, rank: int, what: str) -> None:
    if t.rank < rank:
        raise fail(f"{what} must have rank >= {rank}, got {t.rank} ({t})")


def need_not_larger(small: Expr, big: Expr, what: str) -> None:
    """`small <= big` when both are static; run time checks the rest."""
    if small.is_const() and big.is_const() and small.value() > big.value():
        raise fail(f"{what}: {small} is larger than {big}")


def static_last_dim(t: TensorType, what: str) -> int:
    last = t.dims[-1]
    if not last.is_const():
        raise fail(f"the last dim of {what} must be static, got {last}")
    return last.value()


def read_reduction(props: Props, elt: Attribute) -> str:
    reduction = props.str("reduction")
    if reduction not in REDUCTIONS:
        raise fail(f"reduction must be one of {', '.join(REDUCTIONS)}, got '{reduction}'")
    if reduction != "none" and is_bool(elt):
        raise fail(f"reduction '{reduction}' needs a numeric element type, got {elt}")
    return reduction


# -- gather -------------------------------------------------------------------------
@irdl_op_definition
class GatherOp(GraphOp):
    """Take slices along `axis` at `indices`, as numpy.take and ONNX Gather.

    Result shape: input[:axis] + indices + input[axis+1:]; a rank-0 `indices`
    drops the axis. Indices lie in [-size, size), negative ones wrap once.
    """

    name = "graph.gather"
    input = operand_def(TensorType)
    indices = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr, default_value=IntegerAttr(0, 64))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x, idx = args
        need_index(idx)
        need_min_rank(x, 1, "input")
        axis = normalize_axis(props.int("axis"), x.rank)
        dims = [*x.dims[:axis], *idx.dims, *x.dims[axis + 1 :]]
        return [TensorType(dims, x.element_type)]


@irdl_op_definition
class GatherElementsOp(GraphOp):
    """out[i][j][k] = input[index[i][j][k]][j][k] (axis 0), as ONNX
    GatherElements and torch.gather.

    `indices` has the input's rank; the result has its shape. On the other
    axes indices dims may be smaller than the input's (torch.gather).
    """

    name = "graph.gather_elements"
    input = operand_def(TensorType)
    indices = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr, default_value=IntegerAttr(0, 64))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x, idx = args
        need_index(idx)
        need_min_rank(x, 1, "input")
        if idx.rank != x.rank:
            raise fail(f"indices must have the input's rank {x.rank}, got {idx.rank}")
        axis = normalize_axis(props.int("axis"), x.rank)
        for d in range(x.rank):
            if d != axis:
                need_not_larger(idx.dims[d], x.dims[d], f"indices dim {d} exceeds input dim {d}")
        return [TensorType(idx.dims, x.element_type)]


@irdl_op_definition
class GatherNDOp(GraphOp):
    """Gather slices addressed by the last axis of `indices`, as ONNX GatherND.

    With b = batch_dims and k = indices.shape[-1] (static, 1 <= k <= rank-b):
    result shape is indices.shape[:-1] + input.shape[b+k:]; the first b dims
    of input and indices are shared batch dims.
    """

    name = "graph.gather_nd"
    input = operand_def(TensorType)
    indices = operand_def(TensorType)
    result = result_def(TensorType)
    batch_dims = prop_def(IntegerAttr, default_value=IntegerAttr(0, 64))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x, idx = args
        need_index(idx)
        need_min_rank(x, 1, "input")
        need_min_rank(idx, 1, "indices")
        b = props.int("batch_dims")
        if not 0 <= b < min(x.rank, idx.rank):
            raise fail(f"batch_dims {b} must be in [0, {min(x.rank, idx.rank)}) for input rank {x.rank} and indices rank {idx.rank}")
        k = static_last_dim(idx, "indices")
        if not 1 <= k <= x.rank - b:
            raise fail(f"the last dim of indices is {k}, expected 1 to {x.rank - b} (input rank {x.rank} - batch_dims {b})")
        batch = [same_dim(idx.dims[i], x.dims[i], f"batch dim {i} of indices and input differ") for i in range(b)]
        dims = [*batch, *idx.dims[b:-1], *x.dims[b + k :]]
        return [TensorType(dims, x.element_type)]


# -- scatter ------------------------------------------------------------------------
@irdl_op_definition
class ScatterElementsOp(GraphOp):
    """A copy of input with out[index[i][j]][j] = updates[i][j] (axis 0), as
    ONNX ScatterElements and torch.scatter / scatter_reduce(include_self=True).

    `reduction` is none, add, mul, max or min. With `none`, duplicate indices
    keep the last update in row-major order of `indices`.
    """

    name = "graph.scatter_elements"
    input = operand_def(TensorType)
    indices = operand_def(TensorType)
    updates = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr, default_value=IntegerAttr(0, 64))
    reduction = prop_def(StringAttr, default_value=StringAttr("none"))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x, idx, upd = args
        need_index(idx)
        need_min_rank(x, 1, "input")
        read_reduction(props, x.element_type)
        if upd.element_type != x.element_type:
            raise fail(f"updates must have the input's element type {x.element_type}, got {upd.element_type}")
        if idx.rank != x.rank or upd.rank != x.rank:
            raise fail(f"indices and updates must have the input's rank {x.rank}, got {idx.rank} and {upd.rank}")
        axis = normalize_axis(props.int("axis"), x.rank)
        for d in range(x.rank):
            same_dim(idx.dims[d], upd.dims[d], f"indices and updates differ in dim {d}")
            if d != axis:
                need_not_larger(idx.dims[d], x.dims[d], f"indices dim {d} exceeds input dim {d}")
        return [x]


@irdl_op_definition
class ScatterNDOp(GraphOp):
    """A copy of input with the slices addressed by the last axis of `indices`
    replaced (or reduced) by `updates`, as ONNX ScatterND.

    With k = indices.shape[-1] (static, 1 <= k <= rank), updates has shape
    indices.shape[:-1] + input.shape[k:]. `reduction` as scatter_elements.
    """

    name = "graph.scatter_nd"
    input = operand_def(TensorType)
    indices = operand_def(TensorType)
    updates = operand_def(TensorType)
    result = result_def(TensorType)
    reduction = prop_def(StringAttr, default_value=StringAttr("none"))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x, idx, upd = args
        need_index(idx)
        need_min_rank(x, 1, "input")
        need_min_rank(idx, 1, "indices")
        read_reduction(props, x.element_type)
        if upd.element_type != x.element_type:
            raise fail(f"updates must have the input's element type {x.element_type}, got {upd.element_type}")
        k = static_last_dim(idx, "indices")
        if not 1 <= k <= x.rank:
            raise fail(f"the last dim of indices is {k}, expected 1 to {x.rank} (the input rank)")
        want = [*idx.dims[:-1], *x.dims[k:]]
        if upd.rank != len(want):
            raise fail(f"updates must have rank {len(want)} (indices.shape[:-1] + input.shape[{k}:]), got {upd.rank}")
        for d, (u, w) in enumerate(zip(upd.dims, want, strict=True)):
            same_dim(u, w, f"updates dim {d} must match indices.shape[:-1] + input.shape[{k}:]")
        return [x]


# -- embedding / one-hot ------------------------------------------------------------
@irdl_op_definition
class EmbeddingOp(GraphOp):
    """Rows of `weight` [V, D] at `indices` (any shape): indices.shape + [D],
    as torch.nn.functional.embedding. Indices must lie in [0, V): negative or
    too large ones are a run-time error."""

    name = "graph.embedding"
    weight = operand_def(TensorType)
    indices = operand_def(TensorType)
    result = result_def(TensorType)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        table, idx = args
        need_rank(table, 2, "weight")
        need_index(idx)
        return [TensorType([*idx.dims, table.dims[1]], table.element_type)]


@irdl_op_definition
class OneHotOp(GraphOp):
    """One-hot encoding as ONNX OneHot: a new axis of size `depth` at `axis`
    (of the result, default last) holding on_value at the index, off_value
    elsewhere. Negative indices wrap once (idx + depth); indices still
    outside [0, depth) give an all-off row. `dtype` is the result element type.
    """

    name = "graph.one_hot"
    indices = operand_def(TensorType)
    result = result_def(TensorType)
    depth = prop_def(IntegerAttr)
    axis = prop_def(IntegerAttr, default_value=IntegerAttr(-1, 64))
    on_value = prop_def(FloatAttr, default_value=FloatAttr(1.0, 64))
    off_value = prop_def(FloatAttr, default_value=FloatAttr(0.0, 64))
    dtype = prop_def(TypeAttribute, default_value=f32)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (idx,) = args
        if not is_int(idx.element_type):
            raise fail(f"indices must have an integer element type, got {idx.element_type}")
        depth = props.int("depth")
        if depth < 1:
            raise fail(f"depth must be positive, got {depth}")
        elt = props.type("dtype")
        TensorType([], elt).verify()
        for which in ("on_value", "off_value"):
            _check_fill(props.float(which), which, elt)
        axis = normalize_axis(props.int("axis"), idx.rank + 1)
        dims = [*idx.dims[:axis], Expr.const(depth), *idx.dims[axis:]]
        return [TensorType(dims, elt)]


def _check_fill(value: float, what: str, elt: Attribute) -> None:
    if is_float(elt):
        return
    if is_bool(elt) and value not in (0.0, 1.0):
        raise fail(f"{what} {value} must be 0 or 1 for element type i1")
    if not value.is_integer():
        raise fail(f"{what} {value} must be an integer for element type {elt}")


# -- resize -------------------------------------------------------------------------
RESIZE_MODES: tuple[str, ...] = ("nearest", "linear")
NEAREST_MODES: tuple[str, ...] = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")
COORDINATE_MODES: tuple[str, ...] = ("half_pixel", "align_corners", "asymmetric", "pytorch_half_pixel")


def read_choice(props: Props, name: str, allowed: Sequence[str]) -> str:
    value = props.str(name)
    if value not in allowed:
        raise fail(f"{name} must be one of {', '.join(allowed)}, got '{value}'")
    return value


def scale_fraction(scale: float) -> Fraction:
    """The scale as its shortest decimal (0.7 -> 7/10), so floor(10 * 0.7) is 7."""
    return Fraction(repr(float(scale)))


def scaled_dim(dim: Expr, scale: float) -> Expr:
    """floor(dim * scale), symbolic when dim is."""
    if scale == 1.0:
        return dim
    frac = scale_fraction(scale)
    if dim.is_const():
        return Expr.const(dim.value() * frac.numerator // frac.denominator)
    return (dim * frac.numerator).floordiv(frac.denominator)


@irdl_op_definition
class ResizeOp(GraphOp):
    """Resize every axis by nearest or (multi)linear interpolation, as ONNX
    Resize (and torch.nn.functional.interpolate).

    Give exactly one of `sizes` (output dims, may be symbolic) or `scales`
    (one positive float per axis: output dim = floor(in * scale), the scale
    read as its shortest decimal). The coordinate transformation uses the
    given scale, or out/in with `sizes`; align_corners divides by the integer
    output length minus one (ONNX spec, onnxruntime). Source coordinates out
    of range clamp to the edge. `linear` needs a float type and is separable
    (bilinear on two axes, N-linear in general), computed in f64.
    """

    name = "graph.resize"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    mode = prop_def(StringAttr, default_value=StringAttr("nearest"))
    nearest_mode = prop_def(StringAttr, default_value=StringAttr("round_prefer_floor"))
    coordinate_transformation_mode = prop_def(StringAttr, default_value=StringAttr("half_pixel"))
    sizes = opt_prop_def(ShapeAttr)
    scales = opt_prop_def(DenseArrayBase)

    def __init__(self, x: Operand, **props: Any) -> None:
        """`sizes` may be plain ints/names and `scales` plain numbers."""
        sizes, scales = props.get("sizes"), props.get("scales")
        if sizes is not None and not isinstance(sizes, Attribute):
            props["sizes"] = ShapeAttr(sizes)
        if scales is not None and not isinstance(scales, Attribute):
            props["scales"] = DenseArrayBase.from_list(f64, [float(s) for s in scales])
        super().__init__(x, **props)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        need_min_rank(x, 1, "input")
        mode = read_choice(props, "mode", RESIZE_MODES)
        read_choice(props, "nearest_mode", NEAREST_MODES)
        read_choice(props, "coordinate_transformation_mode", COORDINATE_MODES)
        if mode == "linear" and not is_float(x.element_type):
            raise fail(f"mode 'linear' needs a float element type, got {x.element_type}")
        if props.has("sizes") == props.has("scales"):
            raise fail("exactly one of 'sizes' and 'scales' must be given")
        if props.has("sizes"):
            return [TensorType(_sizes_dims(x, props.shape("sizes")), x.element_type)]
        return [TensorType(_scales_dims(x, props.floats("scales")), x.element_type)]


def _sizes_dims(x: TensorType, sizes: Sequence[Expr]) -> list[Expr]:
    if len(sizes) != x.rank:
        raise fail(f"sizes has {len(sizes)} entries, expected {x.rank} (the input rank)")
    for s in sizes:
        if s.is_const() and s.value() < 0:
            raise fail(f"sizes must be non-negative, got {s}")
    return list(sizes)


def _scales_dims(x: TensorType, scales: Sequence[float]) -> list[Expr]:
    if len(scales) != x.rank:
        raise fail(f"scales has {len(scales)} entries, expected {x.rank} (the input rank)")
    for s in scales:
        if not 0.0 < s < float("inf"):
            raise fail(f"scales must be positive and finite, got {s}")
    return [scaled_dim(d, s) for d, s in zip(x.dims, scales, strict=True)]


# -- top-k / sort -------------------------------------------------------------------
@irdl_op_definition
class TopKOp(GraphOp):
    """The k largest (or smallest) entries along `axis` and their i64 indices,
    as ONNX TopK: ties go to the lower index first; NaN counts as larger than
    every number (torch). `sorted=false` returns the same k entries in the
    order of their indices.
    """

    name = "graph.topk"
    input = operand_def(TensorType)
    values = result_def(TensorType)
    indices = result_def(TensorType)
    k = prop_def(IntegerAttr)
    axis = prop_def(IntegerAttr, default_value=IntegerAttr(-1, 64))
    largest = prop_def(BoolAttr, default_value=BoolAttr.from_bool(True))
    sorted = prop_def(BoolAttr, default_value=BoolAttr.from_bool(True))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        need_min_rank(x, 1, "input")
        axis = normalize_axis(props.int("axis"), x.rank)
        k = props.int("k")
        if k < 0:
            raise fail(f"k must be non-negative, got {k}")
        size = x.dims[axis]
        if size.is_const() and k > size.value():
            raise fail(f"k {k} is larger than dim {axis} of size {size}")
        dims = [*x.dims[:axis], Expr.const(k), *x.dims[axis + 1 :]]
        return [TensorType(dims, x.element_type), TensorType(dims, i64)]


class _SortBase(GraphOp):
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr, default_value=IntegerAttr(-1, 64))
    descending = prop_def(BoolAttr, default_value=BoolAttr.from_bool(False))
    stable = prop_def(BoolAttr, default_value=BoolAttr.from_bool(False))
    GIVES_INDICES: ClassVar[bool] = False

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        need_min_rank(x, 1, "input")
        normalize_axis(props.int("axis"), x.rank)
        return [x.with_element(i64) if cls.GIVES_INDICES else x]


@irdl_op_definition
class SortOp(_SortBase):
    """Sort along `axis`, as torch.sort's values (numpy.sort when ascending).

    NaN sorts as larger than every number. The interpreter is always stable
    (equal entries keep their order, also when descending); `stable` records
    that a caller relies on it.
    """

    name = "graph.sort"


@irdl_op_definition
class ArgsortOp(_SortBase):
    """The i64 indices that sort along `axis`, as torch.argsort; ordering as
    graph.sort."""

    name = "graph.argsort"
    GIVES_INDICES: ClassVar[bool] = True


__all__ = [
    "GatherOp", "GatherElementsOp", "GatherNDOp", "ScatterElementsOp", "ScatterNDOp",
    "EmbeddingOp", "OneHotOp", "ResizeOp", "TopKOp", "SortOp", "ArgsortOp", "INDEX_OPS",
]

INDEX_OPS: list[type[Operation]] = [
    GatherOp, GatherElementsOp, GatherNDOp, ScatterElementsOp, ScatterNDOp,
    EmbeddingOp, OneHotOp, ResizeOp, TopKOp, SortOp, ArgsortOp,
]
