"""Reductions, arg-reductions, softmax, cumsum and normalizations.

Reductions follow ONNX with `noop_with_empty_axes = 0`: an absent or empty
`axes` reduces over every axis (there is no "reduce nothing" mode); `keepdims`
defaults to false (torch's default, not ONNX's). Axes may be negative and must
not repeat. Reduced dims vanish (or become 1 with keepdims); the other dims,
static or symbolic, pass through unchanged.

Normalizations take their scale and bias (and batch_norm's running mean and
variance) as required operands: a frontend without an affine part passes ones
and zeros. All operands share the input's float element type.

Statistics of f16/bf16 inputs are computed in f32 and cast back (see
`interp/reduce.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import BoolAttr, DenseArrayBase, FloatAttr, IntegerAttr, i64
from xdsl.ir import Operation
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
)

from tensorforge.dialects.graphops.base import GraphOp, Props, fail
from tensorforge.dialects.graphops.elementwise import ANY, ARITH, FLOAT, check_kind
from tensorforge.dialects.graphops.shapes import (
    need_same_element,
    normalize_axes,
    normalize_axis,
)
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr

_FALSE = BoolAttr.from_bool(False)
_EPS = FloatAttr(1e-5, 64)


def _int_attr(v: int) -> IntegerAttr:
    return IntegerAttr(v, i64)


def _fmt(dims: Sequence[Expr]) -> str:
    return "[" + ", ".join(str(d) for d in dims) + "]"


def reduced_axes(props: Props, rank: int) -> list[int]:
    """The normalized `axes` property; absent or empty means every axis."""
    axes = props.ints("axes") if props.has("axes") else ()
    if not axes:
        return list(range(rank))
    for a in axes:
        normalize_axis(a, rank, "axis")
    if rank == 0:
        return []  # axis 0 of a scalar, accepted as numpy and torch do
    return sorted(normalize_axes(axes, rank))


def reduced_dims(dims: Sequence[Expr], axes: Sequence[int], keepdims: bool) -> list[Expr]:
    if keepdims:
        return [Expr.const(1) if i in axes else d for i, d in enumerate(dims)]
    return [d for i, d in enumerate(dims) if i not in axes]


def _need_min_rank(x: TensorType, rank: int) -> None:
    if x.rank < rank:
        raise fail(f"input must have rank >= {rank}, got {x.rank} ({x})")


def _need_shape(t: TensorType, want: Sequence[Expr], what: str, why: str) -> None:
    """An operand whose shape is fixed by the input's; `n` vs `m` is left to run time."""
    if t.rank != len(want) or any(g.provably_ne(w) for g, w in zip(t.dims, want, strict=True)):
        raise fail(f"{what} has shape {_fmt(t.dims)}, expected {_fmt(want)} ({why})")


def _need_epsilon(props: Props) -> None:
    eps = props.float("epsilon")
    if not eps >= 0.0:
        raise fail(f"epsilon must be non-negative, got {eps}")


# -- reductions ---------------------------------------------------------------------
class ReduceOpBase(GraphOp):
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axes = opt_prop_def(DenseArrayBase)
    keepdims = prop_def(BoolAttr, default_value=_FALSE)
    KIND: ClassVar[str] = ARITH

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        check_kind(x.element_type, cls.KIND, cls.name)
        axes = reduced_axes(props, x.rank)
        return [x.with_shape(reduced_dims(x.dims, axes, props.bool("keepdims")))]


@irdl_op_definition
class ReduceSumOp(ReduceOpBase):
    """Sum over `axes` (ONNX ReduceSum); integers wrap in their own type, empty sums give 0."""

    name = "graph.reduce_sum"


@irdl_op_definition
class ReduceMeanOp(ReduceOpBase):
    """Mean over `axes` (ONNX ReduceMean), floats only; the mean of nothing is NaN."""

    name = "graph.reduce_mean"
    KIND: ClassVar[str] = FLOAT


@irdl_op_definition
class ReduceMaxOp(ReduceOpBase):
    """Maximum over `axes` (ONNX ReduceMax), NaN-propagating; i1 is `any`.

    Reducing an axis of size 0 is a run-time error (there is no identity).
    """

    name = "graph.reduce_max"
    KIND: ClassVar[str] = ANY


@irdl_op_definition
class ReduceMinOp(ReduceOpBase):
    """Minimum over `axes` (ONNX ReduceMin), NaN-propagating; i1 is `all`.

    Reducing an axis of size 0 is a run-time error (there is no identity).
    """

    name = "graph.reduce_min"
    KIND: ClassVar[str] = ANY


@irdl_op_definition
class ReduceProdOp(ReduceOpBase):
    """Product over `axes` (ONNX ReduceProd); integers wrap, empty products give 1."""

    name = "graph.reduce_prod"


@irdl_op_definition
class ReduceL2Op(ReduceOpBase):
    """sqrt(sum(x * x)) over `axes` (ONNX ReduceL2), floats only; empty gives 0."""

    name = "graph.reduce_l2"
    KIND: ClassVar[str] = FLOAT


# -- arg reductions -----------------------------------------------------------------
class ArgReduceOpBase(GraphOp):
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr, default_value=_int_attr(0))
    keepdims = prop_def(BoolAttr, default_value=_FALSE)
    select_last_index = prop_def(BoolAttr, default_value=_FALSE)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        _need_min_rank(x, 1)
        axis = normalize_axis(props.int("axis"), x.rank)
        return [TensorType(reduced_dims(x.dims, [axis], props.bool("keepdims")), i64)]


@irdl_op_definition
class ArgMaxOp(ArgReduceOpBase):
    """Index (i64) of the maximum along `axis` (ONNX ArgMax); ties pick the first
    index, or the last with `select_last_index`; a NaN counts as the maximum.
    An axis of size 0 is a run-time error."""

    name = "graph.argmax"


@irdl_op_definition
class ArgMinOp(ArgReduceOpBase):
    """Index (i64) of the minimum along `axis` (ONNX ArgMin); ties pick the first
    index, or the last with `select_last_index`; a NaN counts as the minimum.
    An axis of size 0 is a run-time error."""

    name = "graph.argmin"


# -- softmax / cumsum ---------------------------------------------------------------
class SoftmaxOpBase(GraphOp):
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr, default_value=_int_attr(-1))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        check_kind(x.element_type, FLOAT, cls.name)
        _need_min_rank(x, 1)
        normalize_axis(props.int("axis"), x.rank)
        return [x]


@irdl_op_definition
class SoftmaxOp(SoftmaxOpBase):
    """exp(x - max) / sum(exp(x - max)) along `axis` (torch.softmax, ONNX Softmax-13)."""

    name = "graph.softmax"


@irdl_op_definition
class LogSoftmaxOp(SoftmaxOpBase):
    """x - max - log(sum(exp(x - max))) along `axis` (torch.log_softmax)."""

    name = "graph.log_softmax"


@irdl_op_definition
class CumSumOp(GraphOp):
    """Running sum along `axis` (ONNX CumSum with the axis as a property).

    `exclusive` leaves out the current element (the first output is 0);
    `reverse` sums from the end. Integers wrap in their own type.
    """

    name = "graph.cumsum"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr)
    exclusive = prop_def(BoolAttr, default_value=_FALSE)
    reverse = prop_def(BoolAttr, default_value=_FALSE)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        check_kind(x.element_type, ARITH, cls.name)
        _need_min_rank(x, 1)
        normalize_axis(props.int("axis"), x.rank)
        return [x]


# -- normalizations -----------------------------------------------------------------
def _check_norm_operands(cls_name: str, args: list[TensorType]) -> TensorType:
    x = args[0]
    check_kind(x.element_type, FLOAT, cls_name)
    need_same_element(args, "operands")
    return x


@irdl_op_definition
class LayerNormOp(GraphOp):
    """(x - mean) / sqrt(var + epsilon) * scale + bias, the statistics (biased
    variance) taken over the dims from `axis` to the end, as
    torch.nn.functional.layer_norm with normalized_shape = x.shape[axis:] and
    ONNX LayerNormalization. scale and bias have the normalized shape."""

    name = "graph.layer_norm"
    input = operand_def(TensorType)
    scale = operand_def(TensorType)
    bias = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr, default_value=_int_attr(-1))
    epsilon = prop_def(FloatAttr, default_value=_EPS)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x = _check_norm_operands(cls.name, args)
        _need_min_rank(x, 1)
        _need_epsilon(props)
        axis = normalize_axis(props.int("axis"), x.rank)
        norm = x.dims[axis:]
        _need_shape(args[1], norm, "scale", "the normalized shape")
        _need_shape(args[2], norm, "bias", "the normalized shape")
        return [x]


@irdl_op_definition
class BatchNormOp(GraphOp):
    """Inference batch norm, as torch.nn.functional.batch_norm(training=False) and
    ONNX BatchNormalization: (x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c].

    `channel_axis` (default 1, NCHW) picks the channel dim; -1 serves NHWC.
    scale, bias, mean and var have shape [C].
    """

    name = "graph.batch_norm"
    input = operand_def(TensorType)
    scale = operand_def(TensorType)
    bias = operand_def(TensorType)
    mean = operand_def(TensorType)
    var = operand_def(TensorType)
    result = result_def(TensorType)
    epsilon = prop_def(FloatAttr, default_value=_EPS)
    channel_axis = prop_def(IntegerAttr, default_value=_int_attr(1))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x = _check_norm_operands(cls.name, args)
        _need_min_rank(x, 2)
        _need_epsilon(props)
        c = x.dims[normalize_axis(props.int("channel_axis"), x.rank, "channel_axis")]
        for name, t in zip(("scale", "bias", "mean", "var"), args[1:], strict=True):
            _need_shape(t, [c], name, "the channel dim of the input")
        return [x]


def norm_channel_axis(props: Props, rank: int) -> int:
    """group/instance norm's normalized `channel_axis`; dim 0 is the batch, never the channels."""
    axis = normalize_axis(props.int("channel_axis"), rank, "channel_axis")
    if axis == 0:
        raise fail("channel_axis must not be 0 (the batch dim)")
    return axis


@irdl_op_definition
class GroupNormOp(GraphOp):
    """torch.nn.functional.group_norm: x [N, C, *] is split into `num_groups`
    groups of C / num_groups channels; each (sample, group) is normalized with
    its mean and biased variance, then scaled and shifted per channel.
    C must be divisible by num_groups (checked at run time when C is symbolic).
    `channel_axis` (default 1; -1 for channel-last [N, *, C]) picks the channel dim."""

    name = "graph.group_norm"
    input = operand_def(TensorType)
    scale = operand_def(TensorType)
    bias = operand_def(TensorType)
    result = result_def(TensorType)
    num_groups = prop_def(IntegerAttr)
    epsilon = prop_def(FloatAttr, default_value=_EPS)
    channel_axis = prop_def(IntegerAttr, default_value=_int_attr(1))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x = _check_norm_operands(cls.name, args)
        _need_min_rank(x, 2)
        _need_epsilon(props)
        groups = props.int("num_groups")
        if groups < 1:
            raise fail(f"num_groups must be positive, got {groups}")
        c = x.dims[norm_channel_axis(props, x.rank)]
        rest = c.mod(groups)
        if rest.is_const() and rest.value() != 0:
            raise fail(f"channels ({c}) must be divisible by num_groups ({groups})")
        _need_shape(args[1], [c], "scale", "the channel dim of the input")
        _need_shape(args[2], [c], "bias", "the channel dim of the input")
        return [x]


@irdl_op_definition
class InstanceNormOp(GraphOp):
    """torch.nn.functional.instance_norm (no running stats) and ONNX
    InstanceNormalization: each (sample, channel) of x [N, C, D1, ...] is
    normalized over its spatial dims with the biased variance, then scaled and
    shifted per channel. `channel_axis` (default 1; -1 for channel-last) picks the channel dim."""

    name = "graph.instance_norm"
    input = operand_def(TensorType)
    scale = operand_def(TensorType)
    bias = operand_def(TensorType)
    result = result_def(TensorType)
    epsilon = prop_def(FloatAttr, default_value=_EPS)
    channel_axis = prop_def(IntegerAttr, default_value=_int_attr(1))

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x = _check_norm_operands(cls.name, args)
        _need_min_rank(x, 3)
        _need_epsilon(props)
        c = x.dims[norm_channel_axis(props, x.rank)]
        _need_shape(args[1], [c], "scale", "the channel dim of the input")
        _need_shape(args[2], [c], "bias", "the channel dim of the input")
        return [x]


__all__ = [
    "REDUCE_OPS",
    "ArgMaxOp",
    "ArgMinOp",
    "ArgReduceOpBase",
    "BatchNormOp",
    "CumSumOp",
    "GroupNormOp",
    "InstanceNormOp",
    "LayerNormOp",
    "LogSoftmaxOp",
    "ReduceL2Op",
    "ReduceMaxOp",
    "ReduceMeanOp",
    "ReduceMinOp",
    "ReduceOpBase",
    "ReduceProdOp",
    "ReduceSumOp",
    "SoftmaxOp",
    "SoftmaxOpBase",
]

REDUCE_OPS: list[type[Operation]] = [
    ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp, ReduceProdOp, ReduceL2Op,
    ArgMaxOp, ArgMinOp, SoftmaxOp, LogSoftmaxOp, CumSumOp,
    LayerNormOp, BatchNormOp, GroupNormOp, InstanceNormOp,
]
