"""Converters for ATen's neural-network ops: convolution (every form), linear and
matrix products, pooling, up-sampling and embedding.

torch gives window parameters either per spatial dim or once for all; `_per_dim`
expands them. Pooling ops that also return indices (max_pool*_with_indices)
support only their values output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tensorforge.dialects import graph as g
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.torch.context import Ctx, Multi, Value
from tensorforge.frontends.torch.errors import Unsupported
from tensorforge.frontends.torch.registry import Args, converts


def _per_dim(values: Any, n: int, what: str, default: int | None = None) -> list[int]:
    """torch's int-or-list window parameters as one int per spatial dim."""
    if values is None or (isinstance(values, Sequence) and len(values) == 0):
        if default is None:
            raise Unsupported(f"{what} must be given")
        return [default] * n
    if isinstance(values, int):
        return [values] * n
    values = list(values)
    if not all(isinstance(v, int) for v in values):
        raise Unsupported(f"{what} must be static integers, got {values}")
    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise Unsupported(f"{what} has {len(values)} entries for {n} spatial dims")
    return values


def _batched(cx: Ctx, x: Value, n: int) -> tuple[Value, bool]:
    """Inputs without a batch dim ([C, *spatial]) get one; the bool says to drop it again."""
    if cx.rank(x) == n + 2:
        return x, False
    if cx.rank(x) == n + 1:
        return cx.add(g.UnsqueezeOp(x, axes=[0])), True
    raise Unsupported(f"input of rank {cx.rank(x)} for {n} spatial dims")


def _unbatched(cx: Ctx, y: Value, squeeze: bool) -> Value:
    return cx.add(g.SqueezeOp(y, axes=[0])) if squeeze else y


# -- convolution ------------------------------------------------------------------------
@converts("aten.convolution.default", "aten._convolution.default")
def _convolution(cx: Ctx, a: Args) -> Value:
    return convolution(cx, a["input"], a["weight"], a.get("bias"), a["stride"], a["padding"], a["dilation"],
                       bool(a["transposed"]), a.get("output_padding"), int(a["groups"]))


@converts("aten.conv1d.default", "aten.conv2d.default", "aten.conv3d.default")
def _conv_nd(cx: Ctx, a: Args) -> Value:
    if isinstance(a["padding"], str):
        raise Unsupported(f"padding='{a['padding']}'")
    return convolution(cx, a["input"], a["weight"], a.get("bias"), a["stride"], a["padding"], a["dilation"],
                       False, None, int(a["groups"]))


@converts("aten.conv_transpose1d.default", "aten.conv_transpose2d.input", "aten.conv_transpose3d.input")
def _conv_transpose_nd(cx: Ctx, a: Args) -> Value:
    return convolution(cx, a["input"], a["weight"], a.get("bias"), a["stride"], a["padding"], a["dilation"],
                       True, a.get("output_padding"), int(a["groups"]))


def convolution(cx: Ctx, x: Value, w: Value, bias: Value | None, stride: Any, padding: Any, dilation: Any,
                transposed: bool, output_padding: Any, groups: int) -> Value:
    n = cx.rank(w) - 2
    if not 1 <= n <= 3:
        raise Unsupported(f"{n}-d convolution")
    x, squeeze = _batched(cx, x, n)
    pads = _per_dim(padding, n, "padding", 0)
    props: dict[str, Any] = {
        "strides": _per_dim(stride, n, "stride", 1),
        "dilations": _per_dim(dilation, n, "dilation", 1),
        "pads": pads + pads,
        "groups": groups,
    }
    if transposed:
        props["output_padding"] = _per_dim(output_padding, n, "output_padding", 0)
        y = cx.add(g.ConvTransposeOp(x, w, bias, **props))
    else:
        y = cx.add(g.ConvOp(x, w, bias, **props))
    return _unbatched(cx, y, squeeze)


# -- linear and matrix products -------------------------------------------------------------
@converts("aten.linear.default")
def _linear(cx: Ctx, a: Args) -> Value:
    return cx.add(g.DenseOp(a["input"], a["weight"], a.get("bias")))


@converts("aten.mm.default", "aten.bmm.default", "aten.matmul.default", "aten.mv.default", "aten.dot.default")
def _matmul(cx: Ctx, a: Args) -> Value:
    rhs = next(a[k] for k in ("mat2", "vec", "other", "tensor") if k in a.values)
    return cx.add(g.MatmulOp(a["self"], rhs))


def _scale(cx: Ctx, x: Value, factor: Any) -> Value:
    if factor == 1:
        return x
    return cx.add(g.MulOp(x, cx.scalar(factor, cx.elt(x))))


@converts("aten.addmm.default", "aten.baddbmm.default", "aten.addmv.default")
def _addmm(cx: Ctx, a: Args) -> Value:
    """beta * self + alpha * (m1 @ m2)."""
    lhs, rhs = next((a[x], a[y]) for x, y in (("mat1", "mat2"), ("batch1", "batch2"), ("mat", "vec")) if x in a.values)
    product = _scale(cx, cx.add(g.MatmulOp(lhs, rhs)), a.get("alpha", 1))
    beta = a.get("beta", 1)
    if beta == 0:
        return product
    return cx.add(g.AddOp(_scale(cx, a["self"], beta), product))


# -- pooling -----------------------------------------------------------------------------
def _pool_dims(a: Args) -> int:
    return int(a.name.split("_pool")[1][0])


def _strides(a: Args, n: int, kernel: list[int]) -> list[int]:
    """Pooling strides; torch's empty default means the kernel size."""
    return _per_dim(a.get("stride"), n, "stride", None) if a.get("stride") else kernel


def _max_pool(cx: Ctx, a: Args) -> Value:
    n = _pool_dims(a)
    x, squeeze = _batched(cx, a["self"], n)
    kernel = _per_dim(a["kernel_size"], n, "kernel_size")
    pads = _per_dim(a.get("padding"), n, "padding", 0)
    y = cx.add(g.MaxPoolOp(x, kernel=kernel, strides=_strides(a, n, kernel), pads=pads + pads,
                           dilations=_per_dim(a.get("dilation"), n, "dilation", 1),
                           ceil_mode=bool(a.get("ceil_mode", False))))
    return _unbatched(cx, y, squeeze)


@converts("aten.max_pool1d.default", "aten.max_pool2d.default", "aten.max_pool3d.default")
def _max_pool_values(cx: Ctx, a: Args) -> Value:
    return _max_pool(cx, a)


@converts("aten.max_pool2d_with_indices.default", "aten.max_pool3d_with_indices.default", "aten.max_pool1d_with_indices.default")
def _max_pool_with_indices(cx: Ctx, a: Args) -> Multi:
    def indices() -> Value:
        raise Unsupported("its indices output is not supported (only the pooled values)", a.name)

    return Multi([_max_pool(cx, a), indices])


@converts("aten.avg_pool1d.default", "aten.avg_pool2d.default", "aten.avg_pool3d.default")
def _avg_pool(cx: Ctx, a: Args) -> Value:
    if a.get("divisor_override") is not None:
        raise Unsupported("divisor_override")
    n = _pool_dims(a)
    x, squeeze = _batched(cx, a["self"], n)
    kernel = _per_dim(a["kernel_size"], n, "kernel_size")
    pads = _per_dim(a.get("padding"), n, "padding", 0)
    y = cx.add(g.AvgPoolOp(x, kernel=kernel, strides=_strides(a, n, kernel), pads=pads + pads,
                           ceil_mode=bool(a.get("ceil_mode", False)),
                           count_include_pad=bool(a.get("count_include_pad", True))))
    return _unbatched(cx, y, squeeze)


@converts(
    "aten._adaptive_avg_pool2d.default", "aten._adaptive_avg_pool3d.default",
    "aten.adaptive_avg_pool1d.default", "aten.adaptive_avg_pool2d.default", "aten.adaptive_avg_pool3d.default",
)
def _adaptive_avg_pool(cx: Ctx, a: Args) -> Value:
    sizes = list(a["output_size"])
    n = len(sizes)
    x, squeeze = _batched(cx, a["self"], n)
    spatial = cx.dims(x)[2:]
    sizes = [s if s is not None else spatial[i] for i, s in enumerate(sizes)]
    sizes = [s.value() if isinstance(s, Expr) and s.is_const() else s for s in sizes]
    if not all(isinstance(s, int) for s in sizes):
        raise Unsupported(f"output_size must be static, got {sizes}")
    y = cx.add(g.AdaptiveAvgPoolOp(x, output_size=sizes))
    return _unbatched(cx, y, squeeze)


# -- up-sampling --------------------------------------------------------------------------
_UPSAMPLE_MODES = {
    "nearest": dict(mode="nearest", nearest_mode="floor", coordinate_transformation_mode="asymmetric"),
    "_nearest_exact": dict(mode="nearest", nearest_mode="round_prefer_ceil", coordinate_transformation_mode="half_pixel"),
    "linear": dict(mode="linear"),
    "bilinear": dict(mode="linear"),
    "trilinear": dict(mode="linear"),
}


def _upsample_kind(name: str) -> str:
    base = name.split(".")[1].removeprefix("upsample_")
    return base[:-2]  # drop "1d" / "2d" / "3d"


@converts(
    "aten.upsample_nearest1d.vec", "aten.upsample_nearest2d.vec", "aten.upsample_nearest3d.vec",
    "aten.upsample_nearest1d.default", "aten.upsample_nearest2d.default", "aten.upsample_nearest3d.default",
    "aten._upsample_nearest_exact1d.vec", "aten._upsample_nearest_exact2d.vec", "aten._upsample_nearest_exact3d.vec",
    "aten._upsample_nearest_exact1d.default", "aten._upsample_nearest_exact2d.default",
    "aten._upsample_nearest_exact3d.default",
    "aten.upsample_linear1d.vec", "aten.upsample_bilinear2d.vec", "aten.upsample_trilinear3d.vec",
    "aten.upsample_linear1d.default", "aten.upsample_bilinear2d.default", "aten.upsample_trilinear3d.default",
)
def _upsample(cx: Ctx, a: Args) -> Value:
    """torch interpolate as graph.resize on every axis (batch and channels unscaled)."""
    name = a.name
    base = name.split(".")[1]
    kind = "_nearest_exact" if base.startswith("_upsample_nearest_exact") else _upsample_kind(name)
    props: dict[str, Any] = dict(_UPSAMPLE_MODES[kind])
    x = a["input"] if "input" in a.values else a["self"]
    n = cx.rank(x) - 2
    if props["mode"] == "linear":
        props["coordinate_transformation_mode"] = "align_corners" if a.get("align_corners") else "pytorch_half_pixel"
    factors = _scale_factors(a, n)
    if factors is not None:
        props["scales"] = [1.0, 1.0, *factors]
    else:
        props["sizes"] = list(cx.out_shape())
    return cx.add(g.ResizeOp(x, **props))


def _scale_factors(a: Args, n: int) -> list[float] | None:
    """The scale factors torch uses for source coordinates, or None to use out/in."""
    if "scale_factors" in a.values:
        factors = a.get("scale_factors")
        return None if factors is None or a.get("output_size") is not None else [float(f) for f in factors]
    names = ["scales"] if n == 1 else ["scales_d", "scales_h", "scales_w"][3 - n :]
    values = [a.get(k) for k in names]
    if any(v is None for v in values):
        return None
    return [float(v) for v in values]


# -- embedding ----------------------------------------------------------------------------
@converts("aten.embedding.default")
def _embedding(cx: Ctx, a: Args) -> Value:
    return cx.add(g.EmbeddingOp(a["weight"], a["indices"]))
