"""Neural-network graph ops: matmul, dense, convolutions and pooling.

Spatial ops take an input `[N, C, *spatial]` ("NCW", "NCHW", "NCDHW", the
default) or `[N, *spatial, C]` ("NWC", "NHWC", "NDHWC") chosen by the optional
`layout` property, with 1 to 3 spatial dims. Window properties are one entry
per spatial dim: `strides` and `dilations` (default 1), `pads` as
`[begin..., end...]` (default 0, asymmetric allowed, ONNX order).

An output spatial dim is `(in + pad_begin + pad_end - dilation*(k-1) - 1)
floordiv stride + 1`, kept symbolic when `in` is. Optional operands (a bias)
are a trailing optional operand: `graph.dense %x, %w` or `graph.dense %x, %w, %b`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects.builtin import BoolAttr, DenseArrayBase, IntegerAttr, StringAttr, i64
from xdsl.ir import Attribute, Operation, TypeAttribute
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    result_def,
)
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.graphops.base import GraphOp, Operand, Props, fail
from tensorforge.dialects.graphops.shapes import (
    broadcast_dims,
    need_rank,
    need_same_element,
)
from tensorforge.dialects.graphops.types import TensorType, is_float, is_int, is_unsigned
from tensorforge.dialects.symbolic import Expr

CHANNELS_FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
CHANNELS_LAST = {1: "NWC", 2: "NHWC", 3: "NDHWC"}
_LAYOUTS = (*CHANNELS_FIRST.values(), *CHANNELS_LAST.values())
_FALSE = BoolAttr.from_bool(False)
_ONE = IntegerAttr(1, i64)


# -- shared checks -----------------------------------------------------------------
def _need_numeric(elt: Attribute) -> None:
    if not (is_float(elt) or is_int(elt)):
        raise fail(f"does not accept element type {elt} (needs float or integer types)")


def _need_float(elt: Attribute) -> None:
    if not is_float(elt):
        raise fail(f"does not accept element type {elt} (needs float types)")


def _need_equal(a: Expr, b: Expr, msg: str) -> None:
    if a.provably_ne(b):
        raise fail(msg)


def _check_bias(bias: TensorType, channels: Expr) -> None:
    need_rank(bias, 1, "bias")
    _need_equal(bias.dims[0], channels, f"bias has {bias.dims[0]} entries, expected {channels} (output channels)")


# -- widening products (acc_type) ------------------------------------------------------
def _width(elt: Attribute) -> int:
    return int(str(elt).lstrip("suibf"))


def _widened_element(args: list[TensorType], props: Props) -> Attribute:
    """The result element type given `acc_type`: integer operands (8/16 bits, any
    signedness mix, e.g. u8 x i8) accumulate exactly in a signed/signless integer
    of >= 32 bits; float operands (the same type) in a float at least as wide.
    A bias must already have the accumulation type."""
    acc = props.type("acc_type")
    lhs, rhs = args[0].element_type, args[1].element_type
    for bias in args[2:]:
        if bias.element_type != acc:
            raise fail(f"bias must have the acc_type element type {acc}, got {bias.element_type}")
    if is_int(lhs) and is_int(rhs):
        if max(_width(lhs), _width(rhs)) > 16:
            raise fail(f"acc_type needs 8 or 16-bit integer operands, got {lhs} and {rhs}")
        if not is_int(acc) or is_unsigned(acc) or _width(acc) < 32:
            raise fail(f"acc_type for {lhs} x {rhs} must be a signed integer of >= 32 bits, got {acc}")
        return acc
    if is_float(lhs) and lhs == rhs:
        if not is_float(acc) or _width(acc) < _width(lhs):
            raise fail(f"acc_type for {lhs} operands must be a float type at least as wide, got {acc}")
        return acc
    raise fail(f"acc_type needs integer operands or float operands of one type, got {lhs} and {rhs}")


def _result_element(args: list[TensorType], props: Props, what: str) -> Attribute:
    """Without `acc_type`: the operands' common element type."""
    if props.has("acc_type"):
        return _widened_element(args, props)
    need_same_element(args, what)
    return args[0].element_type


@dataclass(frozen=True)
class Spatial:
    """An input split into batch, channels and spatial dims, and how to reassemble it."""

    batch: Expr
    channels: Expr
    dims: tuple[Expr, ...]
    channels_last: bool

    def assemble(self, channels: Expr, dims: Sequence[Expr]) -> list[Expr]:
        if self.channels_last:
            return [self.batch, *dims, channels]
        return [self.batch, channels, *dims]


def split_spatial(x: TensorType, props: Props) -> Spatial:
    """Split by the `layout` property (absent: channel-first of the input's rank)."""
    if not props.has("layout"):
        if not 3 <= x.rank <= 5:
            raise fail(f"input must have rank 3, 4 or 5 ([N, C, 1 to 3 spatial dims]), got rank {x.rank} ({x})")
        return Spatial(x.dims[0], x.dims[1], x.dims[2:], False)
    layout = props.str("layout")
    if layout not in _LAYOUTS:
        raise fail(f"layout must be one of {', '.join(_LAYOUTS)}, got '{layout}'")
    if len(layout) != x.rank:
        raise fail(f"layout {layout} needs an input of rank {len(layout)}, got rank {x.rank} ({x})")
    if layout in CHANNELS_LAST.values():
        return Spatial(x.dims[0], x.dims[-1], x.dims[1:-1], True)
    return Spatial(x.dims[0], x.dims[1], x.dims[2:], False)


def _ints(props: Props, name: str, count: int, default: int, minimum: int, what: str) -> tuple[int, ...]:
    if not props.has(name):
        return (default,) * count
    values = props.ints(name)
    if len(values) != count:
        raise fail(f"{name} must have {count} entries ({what}), got {len(values)}")
    if any(v < minimum for v in values):
        raise fail(f"{name} must be >= {minimum}, got {list(values)}")
    return values


@dataclass(frozen=True)
class Window:
    """Validated window properties for `n` spatial dims."""

    strides: tuple[int, ...]
    dilations: tuple[int, ...]
    pads: tuple[int, ...]

    @staticmethod
    def read(props: Props, n: int) -> Window:
        per_dim = "one per spatial dim"
        return Window(
            _ints(props, "strides", n, 1, 1, per_dim),
            _ints(props, "dilations", n, 1, 1, per_dim),
            _ints(props, "pads", 2 * n, 0, 0, "[begin..., end...] per spatial dim"),
        )

    def begin(self, i: int) -> int:
        return self.pads[i]

    def end(self, i: int) -> int:
        return self.pads[len(self.strides) + i]


def window_out_dim(size: Expr, kernel: Expr, stride: int, dilation: int, pad_begin: int, pad_end: int,
                   ceil_mode: bool = False) -> Expr:
    """Sliding-window output size; ceil mode drops a last window that starts in the right padding (torch)."""
    span = size + pad_begin + pad_end - (kernel - 1) * dilation - 1
    if not ceil_mode:
        return _floordiv(span, stride) + 1
    last_start = _floordiv(size + pad_begin - 1, stride) + 1
    return (span.ceildiv(stride) + 1).min(last_start)


def _floordiv(e: Expr, d: int) -> Expr:
    """Expr.floordiv, folding constants (Expr.floordiv keeps `7 floordiv 2` opaque)."""
    return Expr.const(e.value() // d) if e.is_const() else e.floordiv(d)


def _window_dims(sp: Spatial, kernel: Sequence[Expr], win: Window, ceil_mode: bool = False) -> list[Expr]:
    out: list[Expr] = []
    for i, (size, k) in enumerate(zip(sp.dims, kernel, strict=True)):
        padded = size + win.begin(i) + win.end(i)
        extent = (k - 1) * win.dilations[i] + 1
        if (padded - extent).is_const() and (padded - extent).value() < 0:
            raise fail(f"spatial dim {i}: padded input size {padded} is smaller than the dilated kernel size {extent}")
        out.append(window_out_dim(size, k, win.strides[i], win.dilations[i], win.begin(i), win.end(i), ceil_mode))
    return out


# -- matmul / dense ----------------------------------------------------------------
@irdl_op_definition
class MatmulOp(GraphOp):
    """numpy.matmul: batch dims broadcast; a 1-D lhs gets a 1 prepended and a 1-D
    rhs a 1 appended, both removed from the result. Floats and integers (same
    type both sides, integers wrap); f16/bf16 accumulate in f32. With
    `acc_type` (e.g. `{acc_type = i32}` on i8 x i8) the result has that element
    type and products accumulate in it exactly (quantized inference)."""

    name = "graph.matmul"
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    acc_type = opt_prop_def(TypeAttribute)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        a, b = args
        elt = _result_element([a, b], props, "lhs and rhs")
        _need_numeric(a.element_type)
        for what, t in (("lhs", a), ("rhs", b)):
            if t.rank == 0:
                raise fail(f"{what} must have rank >= 1, got rank 0 ({t})")
        lhs = [Expr.const(1), *a.dims] if a.rank == 1 else list(a.dims)
        rhs = [*b.dims, Expr.const(1)] if b.rank == 1 else list(b.dims)
        _need_equal(lhs[-1], rhs[-2], f"contracting dims differ: lhs dim {a.rank - 1} is {lhs[-1]}, "
                    f"rhs dim {max(b.rank - 2, 0)} is {rhs[-2]}")
        try:
            batch = broadcast_dims(lhs[:-2], rhs[:-2])
        except VerifyException as e:
            raise fail(f"batch dims: {e}") from None
        rows = [lhs[-2]] if a.rank > 1 else []
        cols = [rhs[-1]] if b.rank > 1 else []
        return [TensorType([*batch, *rows, *cols], elt)]


@irdl_op_definition
class DenseOp(GraphOp):
    """torch.nn.functional.linear: y = x @ W^T + b, x [..., in], W [out, in],
    optional b [out] (a trailing optional operand). Floats and integers (wrap).
    `acc_type` widens as for graph.matmul (a bias then has that type)."""

    name = "graph.dense"
    input = operand_def(TensorType)
    weight = operand_def(TensorType)
    bias = opt_operand_def(TensorType)
    result = result_def(TensorType)
    acc_type = opt_prop_def(TypeAttribute)

    def __init__(self, input: Operand, weight: Operand, bias: Operand | None = None, **props: object) -> None:
        super().__init__(input, weight, [] if bias is None else bias, **props)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x, w, *rest = args
        elt = _result_element(args, props, "input, weight and bias")
        _need_numeric(x.element_type)
        if x.rank == 0:
            raise fail(f"input must have rank >= 1, got rank 0 ({x})")
        need_rank(w, 2, "weight ([out, in])")
        _need_equal(x.dims[-1], w.dims[1], f"input has {x.dims[-1]} features, weight [out, in] expects {w.dims[1]}")
        for b in rest:
            _check_bias(b, w.dims[0])
        return [TensorType([*x.dims[:-1], w.dims[0]], elt)]


# -- convolutions ------------------------------------------------------------------
def _need_groups(props: Props) -> int:
    groups = props.int("groups")
    if groups < 1:
        raise fail(f"groups must be >= 1, got {groups}")
    return groups


def _need_divisible(channels: Expr, groups: int, what: str) -> None:
    if channels.is_const() and channels.value() % groups != 0:
        raise fail(f"{what} {channels} are not divisible by groups {groups}")


@irdl_op_definition
class ConvOp(GraphOp):
    """N-d cross-correlation as torch.nn.functional.conv1d/2d/3d, with asymmetric
    pads. Weight is [O, I/groups, *k] for channel-first layouts and
    [*k, I/groups, O] (WIO, HWIO, DHWIO) for channel-last; groups == I gives a
    depthwise conv. Optional bias [O]. Float types; f16/bf16 accumulate in f32.
    With `acc_type` also 8/16-bit integers, accumulated exactly (as graph.matmul)."""

    name = "graph.conv"
    input = operand_def(TensorType)
    weight = operand_def(TensorType)
    bias = opt_operand_def(TensorType)
    result = result_def(TensorType)
    strides = opt_prop_def(DenseArrayBase)
    dilations = opt_prop_def(DenseArrayBase)
    pads = opt_prop_def(DenseArrayBase)
    groups = prop_def(IntegerAttr, default_value=_ONE)
    layout = opt_prop_def(StringAttr)
    acc_type = opt_prop_def(TypeAttribute)

    def __init__(self, input: Operand, weight: Operand, bias: Operand | None = None, **props: object) -> None:
        super().__init__(input, weight, [] if bias is None else bias, **props)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x, w, *rest = args
        elt = _result_element(args, props, "input, weight and bias")
        if not props.has("acc_type"):
            _need_float(x.element_type)
        sp = split_spatial(x, props)
        n = len(sp.dims)
        need_rank(w, x.rank, "weight")
        groups = _need_groups(props)
        win = Window.read(props, n)
        out_ch, per_group, kernel = (w.dims[-1], w.dims[-2], w.dims[:-2]) if sp.channels_last else (
            w.dims[0], w.dims[1], w.dims[2:])
        _need_equal(sp.channels, per_group * groups, f"input has {sp.channels} channels, weight expects "
                    f"{per_group} per group * {groups} groups = {per_group * groups}")
        _need_divisible(out_ch, groups, "output channels")
        for b in rest:
            _check_bias(b, out_ch)
        return [TensorType(sp.assemble(out_ch, _window_dims(sp, kernel, win)), elt)]


@irdl_op_definition
class ConvTransposeOp(GraphOp):
    """N-d transposed convolution as torch.nn.functional.conv_transpose1d/2d/3d:
    channel-first input [N, I, *s], weight [I, O/groups, *k], optional bias [O].
    Output dim = (in-1)*stride - pad_begin - pad_end + dilation*(k-1) + output_padding + 1;
    each output_padding must be smaller than its stride or its dilation."""

    name = "graph.conv_transpose"
    input = operand_def(TensorType)
    weight = operand_def(TensorType)
    bias = opt_operand_def(TensorType)
    result = result_def(TensorType)
    strides = opt_prop_def(DenseArrayBase)
    dilations = opt_prop_def(DenseArrayBase)
    pads = opt_prop_def(DenseArrayBase)
    output_padding = opt_prop_def(DenseArrayBase)
    groups = prop_def(IntegerAttr, default_value=_ONE)

    def __init__(self, input: Operand, weight: Operand, bias: Operand | None = None, **props: object) -> None:
        super().__init__(input, weight, [] if bias is None else bias, **props)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        x, w, *rest = args
        need_same_element(args, "input, weight and bias")
        _need_float(x.element_type)
        sp = split_spatial(x, props)
        n = len(sp.dims)
        need_rank(w, x.rank, "weight")
        groups = _need_groups(props)
        win = Window.read(props, n)
        extra = _ints(props, "output_padding", n, 0, 0, "one per spatial dim")
        for i, e in enumerate(extra):
            if e >= max(win.strides[i], win.dilations[i]):
                raise fail(f"output_padding {e} in spatial dim {i} must be smaller than its stride "
                           f"{win.strides[i]} or dilation {win.dilations[i]}")
        _need_equal(sp.channels, w.dims[0], f"input has {sp.channels} channels, weight [I, O/groups, *k] "
                    f"expects {w.dims[0]}")
        _need_divisible(sp.channels, groups, "input channels")
        out_ch = w.dims[1] * groups
        for b in rest:
            _check_bias(b, out_ch)
        dims = [_transpose_dim(i, size, k, win, extra[i]) for i, (size, k) in enumerate(zip(sp.dims, w.dims[2:], strict=True))]
        return [TensorType(sp.assemble(out_ch, dims), x.element_type)]


def _transpose_dim(i: int, size: Expr, k: Expr, win: Window, extra: int) -> Expr:
    out = (size - 1) * win.strides[i] - win.begin(i) - win.end(i) + (k - 1) * win.dilations[i] + extra + 1
    if out.is_const() and out.value() < 1:
        raise fail(f"spatial dim {i}: output size would be {out}")
    return out


# -- pooling -----------------------------------------------------------------------
class _PoolOp(GraphOp):
    """Sliding-window pooling with kernel, strides, pads and ceil_mode."""

    input = operand_def(TensorType)
    result = result_def(TensorType)
    kernel = prop_def(DenseArrayBase)
    strides = opt_prop_def(DenseArrayBase)
    pads = opt_prop_def(DenseArrayBase)
    ceil_mode = prop_def(BoolAttr, default_value=_FALSE)
    layout = opt_prop_def(StringAttr)

    @classmethod
    def check_element(cls, elt: Attribute) -> None:
        _need_float(elt)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        cls.check_element(x.element_type)
        sp = split_spatial(x, props)
        n = len(sp.dims)
        if not props.has("kernel"):
            raise fail("missing property 'kernel'")
        kernel = _ints(props, "kernel", n, 1, 1, "one per spatial dim")
        win = Window.read(props, n)
        dims = _window_dims(sp, [Expr.const(k) for k in kernel], win, props.bool("ceil_mode"))
        return [TensorType(sp.assemble(sp.channels, dims), x.element_type)]


@irdl_op_definition
class MaxPoolOp(_PoolOp):
    """Max over each window as torch max_pool1d/2d/3d and ONNX MaxPool (any pads):
    padding never wins; a window with no input cell gives -inf (the minimum for
    integers). Strides default to 1 (ONNX). Floats and integers; NaN propagates."""

    name = "graph.max_pool"
    dilations = opt_prop_def(DenseArrayBase)

    @classmethod
    def check_element(cls, elt: Attribute) -> None:
        _need_numeric(elt)


@irdl_op_definition
class AvgPoolOp(_PoolOp):
    """Mean over each window as torch avg_pool1d/2d/3d and ONNX AveragePool. The
    divisor counts input cells only, or with count_include_pad also the pads
    (never the ceil-mode overhang past the end pad). Strides default to 1 and
    count_include_pad to false (ONNX; torch defaults differ). Floats only."""

    name = "graph.avg_pool"
    count_include_pad = prop_def(BoolAttr, default_value=_FALSE)


@irdl_op_definition
class GlobalAvgPoolOp(GraphOp):
    """ONNX GlobalAveragePool: mean over all spatial dims, kept as size 1. Floats only."""

    name = "graph.global_avg_pool"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    layout = opt_prop_def(StringAttr)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        _need_float(x.element_type)
        sp = split_spatial(x, props)
        return [TensorType(sp.assemble(sp.channels, [Expr.const(1)] * len(sp.dims)), x.element_type)]


@irdl_op_definition
class AdaptiveAvgPoolOp(GraphOp):
    """torch adaptive_avg_pool1d/2d/3d: output cell i of a dim averages input
    [floor(i*in/out), ceil((i+1)*in/out)). output_size is static. Floats only."""

    name = "graph.adaptive_avg_pool"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    output_size = prop_def(DenseArrayBase)
    layout = opt_prop_def(StringAttr)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        (x,) = args
        _need_float(x.element_type)
        sp = split_spatial(x, props)
        if not props.has("output_size"):
            raise fail("missing property 'output_size'")
        size = _ints(props, "output_size", len(sp.dims), 1, 1, "one per spatial dim")
        return [TensorType(sp.assemble(sp.channels, [Expr.const(s) for s in size]), x.element_type)]


NN_OPS: list[type[Operation]] = [
    MatmulOp, DenseOp, ConvOp, ConvTransposeOp, MaxPoolOp, AvgPoolOp, GlobalAvgPoolOp, AdaptiveAvgPoolOp,
]

__all__ = [
    "NN_OPS",
    "AdaptiveAvgPoolOp",
    "AvgPoolOp",
    "ConvOp",
    "ConvTransposeOp",
    "DenseOp",
    "GlobalAvgPoolOp",
    "MatmulOp",
    "MaxPoolOp",
]
