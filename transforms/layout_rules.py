"""Per-op rules of `graph-convert-layout`: how each op runs in another layout.

A rule gets the `Converter` and the original op. It returns True after
emitting the converted op(s) and tracking the results (`Converter.track`), or
False to leave the op alone (its operands are then restored to the original
layout). Spatial ops (conv, pooling) are anchors: they always convert to the
target layout. Every other rule fires only when an operand already arrives
permuted, so layout changes spread from the anchors and stop at ops that have
no rule (dense, layer norm, a reshape that mixes channels with
spatial dims, graph.return, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, StringAttr, f64, i64
from xdsl.ir import Operation, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.elementwise import BinaryOp, UnaryOp
from tensorforge.dialects.graphops.nn import CHANNELS_LAST, split_spatial
from tensorforge.dialects.graphops.reduce import ArgReduceOpBase, ReduceOpBase, SoftmaxOpBase, reduced_axes
from tensorforge.dialects.graphops.shape import transpose_perm
from tensorforge.dialects.graphops.shape_slice import pad_params, slice_params
from tensorforge.dialects.graphops.shapes import normalize_axis
from tensorforge.dialects.graphops.types import ShapeAttr, TensorType
from tensorforge.rewrites.canonical import reshape_to
from tensorforge.transforms.layout_state import (
    Converter,
    Perm,
    identity,
    invert,
    is_identity,
    props_of,
    rank_of,
    rebuild,
    weight_perm,
)

Rule = Callable[[Converter, Operation], bool]
SPATIAL_OPS = (g.ConvOp, g.MaxPoolOp, g.AvgPoolOp, g.GlobalAvgPoolOp, g.AdaptiveAvgPoolOp)


def _ints(values: Sequence[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, list(values))


def _int(value: int) -> IntegerAttr:
    return IntegerAttr(value, i64)


def _finish(c: Converter, op: Operation, new: Operation, perms: Sequence[Perm]) -> bool:
    c.emit(new)
    for old, res, perm in zip(op.results, new.results, perms, strict=True):
        c.track(old, res, perm)
    return True


def _incoming(c: Converter, values: Sequence[SSAValue], rank: int) -> Perm | None:
    """The permutation of the first operand of `rank` that arrives permuted."""
    for v in values:
        perm = c.perm_of(v)
        if perm is not None and len(perm) == rank:
            return perm
    return None


# -- anchors: conv and pooling ----------------------------------------------------------
def convert_spatial(c: Converter, op: Operation) -> bool:
    """Conv/pooling in the other layout: input transposed, conv weights to [*k, I, O] and back."""
    x = op.operands[0]
    rank = rank_of(x)
    if not 3 <= rank <= 5:
        return False
    if split_spatial(x.type, props_of(op)).channels_last == c.to_last:  # type: ignore[arg-type]
        return False
    perm = c.target_perm(rank)
    operands = [c.get(x, perm)]
    if isinstance(op, g.ConvOp):
        operands.append(c.get(op.weight, weight_perm(rank, c.to_last)))
        operands.extend(c.get(b, (0,)) for b in op.operands[2:])
    layout = StringAttr(CHANNELS_LAST[rank - 2]) if c.to_last else None
    return _finish(c, op, rebuild(op, operands, layout=layout), [perm])


# -- ops that follow their operands ----------------------------------------------------
def convert_unary(c: Converter, op: Operation) -> bool:
    """relu, cast, clip, ...: the same op on the permuted input."""
    x = op.operands[0]
    perm = c.perm_of(x)
    if perm is None or len(op.operands) != 1:
        return False
    return _finish(c, op, rebuild(op, [c.get(x, perm)]), [perm])


def convert_broadcast(c: Converter, op: Operation) -> bool:
    """Binary ops and where: every operand in the result's permutation (lower ranks padded with 1s)."""
    rank = rank_of(op.results[0])
    perm = _incoming(c, op.operands, rank)
    if perm is None or any(rank_of(v) > rank for v in op.operands):
        return False
    return _finish(c, op, rebuild(op, [c.get_broadcast(v, perm) for v in op.operands]), [perm])


def convert_channel_norm(c: Converter, op: Operation) -> bool:
    """batch/instance/group norm: `channel_axis` remapped, the [C] operands unchanged."""
    x = op.operands[0]
    perm = c.perm_of(x)
    if perm is None:
        return False
    axis = invert(perm)[normalize_axis(props_of(op).int("channel_axis"), len(perm))]
    stats = [c.get(v, (0,)) for v in op.operands[1:]]
    return _finish(c, op, rebuild(op, [c.get(x, perm), *stats], channel_axis=_int(axis)), [perm])


def convert_concat(c: Converter, op: Operation) -> bool:
    rank = rank_of(op.results[0])
    perm = _incoming(c, op.operands, rank)
    if perm is None:
        return False
    axis = invert(perm)[normalize_axis(props_of(op).int("axis"), rank)]
    inputs = [c.get(v, perm) for v in op.operands]
    return _finish(c, op, rebuild(op, inputs, axis=_int(axis)), [perm])


def convert_split(c: Converter, op: Operation) -> bool:
    x = op.operands[0]
    perm = c.perm_of(x)
    if perm is None:
        return False
    axis = invert(perm)[normalize_axis(props_of(op).int("axis"), len(perm))]
    return _finish(c, op, rebuild(op, [c.get(x, perm)], axis=_int(axis)), [perm] * len(op.results))


def convert_slice(c: Converter, op: Operation) -> bool:
    x = op.operands[0]
    perm = c.perm_of(x)
    if perm is None:
        return False
    axes = slice_params(props_of(op), len(perm))[2]
    inv = invert(perm)
    return _finish(c, op, rebuild(op, [c.get(x, perm)], axes=_ints([inv[a] for a in axes])), [perm])


def convert_pad(c: Converter, op: Operation) -> bool:
    x = op.operands[0]
    perm = c.perm_of(x)
    if perm is None:
        return False
    params = pad_params(props_of(op), len(perm))
    inv = invert(perm)
    axes = _ints([inv[a] for a, _, _ in params])
    pads = _ints([b for _, b, _ in params] + [e for _, _, e in params])
    return _finish(c, op, rebuild(op, [c.get(x, perm)], axes=axes, pads=pads), [perm])


def convert_resize(c: Converter, op: Operation) -> bool:
    """Per-axis sizes/scales permuted with the axes (resize is separable per axis)."""
    x = op.operands[0]
    perm = c.perm_of(x)
    if perm is None:
        return False
    props = props_of(op)
    if props.has("sizes"):
        sizes = props.shape("sizes")
        changes = {"sizes": ShapeAttr([sizes[a] for a in perm])}
    else:
        scales = props.floats("scales")
        changes = {"scales": DenseArrayBase.from_list(f64, [scales[a] for a in perm])}
    return _finish(c, op, rebuild(op, [c.get(x, perm)], **changes), [perm])


def _reduced_perm(perm: Perm, axes: Sequence[int], keepdims: bool) -> Perm:
    """The permutation a reduction's result comes out in."""
    if keepdims:
        return perm
    kept = [a for a in range(len(perm)) if a not in axes]
    return tuple(kept.index(a) for a in perm if a not in axes)


def convert_reduce(c: Converter, op: Operation) -> bool:
    """reduce_* and argmax/argmin over remapped axes; without keepdims the rest keeps its order."""
    x = op.operands[0]
    perm = c.perm_of(x)
    if perm is None:
        return False
    props = props_of(op)
    inv = invert(perm)
    if isinstance(op, ArgReduceOpBase):
        axes = [normalize_axis(props.int("axis"), len(perm))]
        change = {"axis": _int(inv[axes[0]])}
    else:
        axes = reduced_axes(props, len(perm))
        change = {"axes": _ints(sorted(inv[a] for a in axes))}
    out = _reduced_perm(perm, axes, props.bool("keepdims"))
    return _finish(c, op, rebuild(op, [c.get(x, perm)], **change), [out])


def convert_softmax(c: Converter, op: Operation) -> bool:
    x = op.operands[0]
    perm = c.perm_of(x)
    if perm is None:
        return False
    axis = invert(perm)[normalize_axis(props_of(op).int("axis"), len(perm))]
    return _finish(c, op, rebuild(op, [c.get(x, perm)], axis=_int(axis)), [perm])


def convert_transpose(c: Converter, op: Operation) -> bool:
    """A transpose of a permuted value is only a new permutation: no op at all."""
    x = op.operands[0]
    perm = c.perm_of(x)
    if perm is None:
        return False
    new, _ = c.state[x]
    inv_t = invert(transpose_perm(props_of(op), len(perm)))
    c.track(op.results[0], new, tuple(inv_t[a] for a in perm))
    return True


def _moves_unit_dims_only(t: TensorType, perm: Perm) -> bool:
    kept = [a for a in perm if not (t.dims[a].is_const() and t.dims[a].value() == 1)]
    return kept == sorted(kept)


def convert_reshape(c: Converter, op: Operation) -> bool:
    """reshape/flatten/squeeze/unsqueeze of a value whose permutation only moved size-1
    dims (e.g. global pool [N, 1, 1, C]): same row-major data, so reshape it directly."""
    x = op.operands[0]
    perm = c.perm_of(x)
    t = x.type
    if perm is None or not isinstance(t, TensorType) or not _moves_unit_dims_only(t, perm):
        return False
    result = op.results[0].type
    assert isinstance(result, TensorType)
    return _finish(c, op, reshape_to(c.get(x, perm), result), [identity(result.rank)])


RULES: dict[type[Operation], Rule] = {
    **{cls: convert_spatial for cls in SPATIAL_OPS},
    UnaryOp: convert_unary,
    g.ClipOp: convert_unary,
    g.CastOp: convert_unary,
    BinaryOp: convert_broadcast,
    g.WhereOp: convert_broadcast,
    g.BatchNormOp: convert_channel_norm,
    g.InstanceNormOp: convert_channel_norm,
    g.GroupNormOp: convert_channel_norm,
    g.ConcatOp: convert_concat,
    g.SplitOp: convert_split,
    g.SliceOp: convert_slice,
    g.PadOp: convert_pad,
    g.ResizeOp: convert_resize,
    ReduceOpBase: convert_reduce,
    ArgReduceOpBase: convert_reduce,
    SoftmaxOpBase: convert_softmax,
    g.TransposeOp: convert_transpose,
    g.ReshapeOp: convert_reshape,
    g.FlattenOp: convert_reshape,
    g.SqueezeOp: convert_reshape,
    g.UnsqueezeOp: convert_reshape,
}


def rule_for(op: Operation) -> Rule | None:
    for cls in type(op).__mro__:
        rule = RULES.get(cls)
        if rule is not None:
            return rule
    return None


__all__ = ["RULES", "SPATIAL_OPS", "is_identity", "rule_for"]
