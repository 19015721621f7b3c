"""Graph ops of the 'shape' family: ops that move, copy or create elements
without arithmetic on them, so any element type (i1, ui8, f16, bf16, ...)
passes through unchanged.

Layout ops live here (reshape, transpose, broadcast_to, squeeze, unsqueeze,
flatten, tile); concat, split, slice and pad in `shape_slice`; iota, full,
zeros_like and ones_like in `shape_create`. `SHAPE_OPS` lists them all.

Shape properties (`shape` of reshape, broadcast_to) are `#graph.shape<[...]>`
and may be symbolic; builders accept plain lists: `ReshapeOp(x, shape=[-1, 32])`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import BoolAttr, DenseArrayBase, IntegerAttr
from xdsl.ir import Operation, SSAValue
from xdsl.irdl import irdl_op_definition, operand_def, opt_prop_def, prop_def, result_def

from tensorforge.dialects.graphops.base import GraphOp, Props, fail
from tensorforge.dialects.graphops.shape_common import ShapePropOp, fmt_dims, need_axes
from tensorforge.dialects.graphops.shape_create import *  # noqa: F403
from tensorforge.dialects.graphops.shape_create import CREATE_OPS
from tensorforge.dialects.graphops.shape_slice import *  # noqa: F403
from tensorforge.dialects.graphops.shape_slice import SLICE_OPS
from tensorforge.dialects.graphops.shapes import broadcast_dims, numel
from tensorforge.dialects.graphops.types import ShapeAttr, TensorType
from tensorforge.dialects.symbolic import Expr, product


# -- reshape ----------------------------------------------------------------------
@irdl_op_definition
class ReshapeOp(ShapePropOp):
    """Same elements in row-major order, new shape (as ONNX Reshape).

    In `shape`, -1 (at most one) is inferred from the element count, exactly
    for symbolic dims ([n, 4, 8] to [-1, 32] gives [n, 32]); 0 copies the input
    dim at that position unless `allowzero` (then 0 is a size, and may not be
    combined with -1). A provable element-count mismatch is an error. At run
    time a target dim whose symbols are unbound is inferred like -1.
    """

    SAME_TYPE_IS_IDENTITY: ClassVar[bool] = True

    name = "graph.reshape"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    shape = prop_def(ShapeAttr)
    allowzero = prop_def(BoolAttr, default_value=BoolAttr.from_bool(False))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        spec = props.shape("shape")
        target = reshape_target(x.dims, spec, props.bool("allowzero"))
        holes = [i for i, d in enumerate(target) if d == -1]
        total = numel(x)
        if not holes:
            count = product(target)
            if count.provably_ne(total):
                raise fail(f"cannot reshape {fmt_dims(x.dims)} ({total} elements) into {fmt_dims(spec)} ({count} elements)")
            return [x.with_shape(target)]
        known = product(d for d in target if d != -1)
        if known == 0:
            raise fail(f"cannot infer the -1 in {fmt_dims(spec)}: the other dims hold 0 elements")
        rest = total.mod(known)
        if rest.is_const() and rest.value() != 0:
            raise fail(f"cannot reshape {fmt_dims(x.dims)} ({total} elements) into {fmt_dims(spec)}: not a multiple of {known}")
        target[holes[0]] = total.floordiv(known)
        return [x.with_shape(target)]


def reshape_target(dims: Sequence[Expr], spec: Sequence[Expr], allowzero: bool) -> list[Expr]:
    """The target with 0s resolved; a -1 is left in place."""
    if sum(1 for d in spec if d == -1) > 1:
        raise fail(f"shape {fmt_dims(spec)} has more than one -1")
    if any(d.is_const() and d.value() < -1 for d in spec):
        raise fail(f"shape {fmt_dims(spec)} has a negative dim (only -1 is allowed)")
    if allowzero:
        if 0 in spec and -1 in spec:
            raise fail(f"shape {fmt_dims(spec)} has both 0 and -1, which allowzero forbids")
        return list(spec)
    out = list(spec)
    for i, d in enumerate(spec):
        if d != 0:
            continue
        if i >= len(dims):
            raise fail(f"shape dim {i} is 0 (copy the input dim), but the input has rank {len(dims)}")
        out[i] = dims[i]
    return out


# -- transpose / broadcast --------------------------------------------------------
@irdl_op_definition
class TransposeOp(GraphOp):
    """Permute axes: result dim i is input dim perm[i] (as numpy.transpose).

    `perm` defaults to the reversed axes; negative entries count from the end.
    """

    name = "graph.transpose"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    perm = opt_prop_def(DenseArrayBase)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        return [x.with_shape([x.dims[a] for a in transpose_perm(props, x.rank)])]

    def fold_identity(self) -> SSAValue | None:
        x = self.input.type
        assert isinstance(x, TensorType)
        perm = transpose_perm(Props(type(self), dict(self.properties)), x.rank)
        return self.input if perm == list(range(x.rank)) else None


def transpose_perm(props: Props, rank: int) -> list[int]:
    if not props.has("perm"):
        return list(reversed(range(rank)))
    perm = props.ints("perm")
    if len(perm) != rank:
        raise fail(f"perm {list(perm)} has {len(perm)} entries, expected {rank} (the input rank)")
    return need_axes(perm, rank, "perm")


@irdl_op_definition
class BroadcastToOp(ShapePropOp):
    """Broadcast to `shape` (as numpy.broadcast_to).

    The input is right-aligned with the target; each input dim must be 1 or
    equal the target dim, and a -1 in the target keeps the input dim (as
    torch.expand). With `bidirectional` the result is the numpy broadcast of
    both shapes instead (as ONNX Expand), so target dims of 1 keep input dims.
    """

    SAME_TYPE_IS_IDENTITY: ClassVar[bool] = True

    name = "graph.broadcast_to"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    shape = prop_def(ShapeAttr)
    bidirectional = prop_def(BoolAttr, default_value=BoolAttr.from_bool(False))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        target = props.shape("shape")
        bidirectional = props.bool("bidirectional")
        lowest = 0 if bidirectional else -1
        if any(d.is_const() and d.value() < lowest for d in target):
            raise fail(f"shape {fmt_dims(target)} has a negative dim")
        if bidirectional:
            return [x.with_shape(broadcast_dims(x.dims, target))]
        return [x.with_shape(broadcast_target(x.dims, target))]


def broadcast_target(dims: Sequence[Expr], target: Sequence[Expr]) -> list[Expr]:
    """The unidirectional result shape, -1s resolved; provable mismatches fail."""
    lead = len(target) - len(dims)
    if lead < 0:
        raise fail(f"cannot broadcast {fmt_dims(dims)} to {fmt_dims(target)}: the target has lower rank")
    out = list(target)
    for i, t in enumerate(target[:lead]):
        if t == -1:
            raise fail(f"shape {fmt_dims(target)} has -1 at dim {i}, where the input has no dim to keep")
    for i, d in enumerate(dims):
        t = target[lead + i]
        if t == -1:
            out[lead + i] = d
            continue
        if d != 1 and d.provably_ne(t):
            raise fail(f"cannot broadcast {fmt_dims(dims)} to {fmt_dims(target)}: input dim {i} is {d}, expected 1 or {t}")
    return out


# -- squeeze / unsqueeze / flatten ------------------------------------------------
@irdl_op_definition
class SqueezeOp(GraphOp):
    """Remove size-1 axes (as numpy.squeeze, ONNX Squeeze).

    Without `axes`, every dim that is statically 1 goes; symbolic dims stay
    even if they are 1 at run time, so the result rank never depends on data.
    A listed axis that is provably not 1 is an error.
    """

    SAME_TYPE_IS_IDENTITY: ClassVar[bool] = True

    name = "graph.squeeze"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axes = opt_prop_def(DenseArrayBase)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        axes = squeeze_axes(x, props)
        return [x.with_shape([d for i, d in enumerate(x.dims) if i not in axes])]


def squeeze_axes(x: TensorType, props: Props) -> list[int]:
    if not props.has("axes"):
        return [i for i, d in enumerate(x.dims) if d == 1]
    axes = need_axes(props.ints("axes"), x.rank)
    for a in axes:
        if x.dims[a].provably_ne(1):
            raise fail(f"cannot squeeze axis {a} of size {x.dims[a]}: it is not 1")
    return axes


@irdl_op_definition
class UnsqueezeOp(GraphOp):
    """Insert size-1 axes; `axes` are positions in the result (as ONNX Unsqueeze,
    numpy.expand_dims), negative ones counting from the result's end."""

    SAME_TYPE_IS_IDENTITY: ClassVar[bool] = True

    name = "graph.unsqueeze"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axes = prop_def(DenseArrayBase)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        raw = props.ints("axes")
        axes = need_axes(raw, x.rank + len(raw))
        rest = iter(x.dims)
        return [x.with_shape([Expr.const(1) if i in axes else next(rest) for i in range(x.rank + len(raw))])]


@irdl_op_definition
class FlattenOp(GraphOp):
    """Collapse to 2-D: [prod(dims[:axis]), prod(dims[axis:])] (as ONNX Flatten).

    `axis` is in [-rank, rank] (default 1); axis 0 gives [1, numel].
    """

    SAME_TYPE_IS_IDENTITY: ClassVar[bool] = True

    name = "graph.flatten"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr, default_value=IntegerAttr(1, 64))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        axis = flatten_axis(props.int("axis"), x.rank)
        return [x.with_shape([product(x.dims[:axis]), product(x.dims[axis:])])]


def flatten_axis(axis: int, rank: int) -> int:
    if not -rank <= axis <= rank:
        raise fail(f"axis {axis} is out of range [{-rank}, {rank}] for rank {rank}")
    return axis + rank if axis < 0 else axis


# -- tile -------------------------------------------------------------------------
@irdl_op_definition
class TileOp(GraphOp):
    """Repeat the whole tensor `repeats[i]` times along axis i (as ONNX Tile;
    numpy.tile with one repeat per axis). Repeats are >= 0."""

    SAME_TYPE_IS_IDENTITY: ClassVar[bool] = True

    name = "graph.tile"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    repeats = prop_def(DenseArrayBase)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        reps = props.ints("repeats")
        if len(reps) != x.rank:
            raise fail(f"repeats {list(reps)} has {len(reps)} entries, expected {x.rank} (the input rank)")
        if any(r < 0 for r in reps):
            raise fail(f"repeats {list(reps)} has a negative entry")
        return [x.with_shape([d * r for d, r in zip(x.dims, reps, strict=True)])]


LAYOUT_OPS: list[type[Operation]] = [
    ReshapeOp, TransposeOp, BroadcastToOp, SqueezeOp, UnsqueezeOp, FlattenOp, TileOp,
]
SHAPE_OPS: list[type[Operation]] = [*LAYOUT_OPS, *SLICE_OPS, *CREATE_OPS]
