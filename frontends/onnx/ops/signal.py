"""Signal ONNX ops: DFT and STFT as matmuls with cosine/sine matrices built at
import time (the transform length must be static), and MelWeightMatrix,
whose inputs are scalars known at import time. The window functions
(Hann, Hamming, Blackman) expand from their ONNX function bodies."""

from __future__ import annotations

import numpy as np
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported, Value
from tensorforge.frontends.onnx.dtypes import UnsupportedType, np_dtype
from tensorforge.frontends.onnx.ops import converter


def _parts(ctx: Context, x: SSAValue) -> tuple[SSAValue, SSAValue | None]:
    """Real and imaginary parts ([..., 1] real or [..., 2] complex input), last axis dropped."""
    t = ctx.type(x)
    last = t.dims[-1]
    if not last.is_const() or last.value() not in (1, 2):
        raise Unsupported(f"the last dim must be 1 (real) or 2 (complex), got {last}")
    re = ctx.emit(g.SqueezeOp, ctx.emit(g.SliceOp, x, starts=[0], ends=[1], axes=[t.rank - 1]), axes=[t.rank - 1])
    if last.value() == 1:
        return re, None
    im = ctx.emit(g.SqueezeOp, ctx.emit(g.SliceOp, x, starts=[1], ends=[2], axes=[t.rank - 1]), axes=[t.rank - 1])
    return re, im


def _fit(ctx: Context, v: SSAValue, axis: int, n: int) -> SSAValue:
    """Zero-pad or truncate `axis` to length n (numpy.fft's `n`)."""
    size = ctx.type(v).dims[axis]
    if not size.is_const():
        raise Unsupported(f"the transformed axis must be static, got {size}")
    have = size.value()
    if have == n:
        return v
    if have > n:
        return ctx.emit(g.SliceOp, v, starts=[0], ends=[n], axes=[axis])
    pads = [0] * (2 * ctx.type(v).rank)
    pads[ctx.type(v).rank + axis] = n - have
    return ctx.emit(g.PadOp, v, pads=pads)


def _along(ctx: Context, v: SSAValue, axis: int, m: np.ndarray) -> SSAValue:
    """Contract `axis` of v with m [in, out]."""
    rank = ctx.type(v).rank
    perm = [i for i in range(rank) if i != axis] + [axis]
    moved = v if axis == rank - 1 else ctx.emit(g.TransposeOp, v, perm=perm)
    out = ctx.emit(g.MatmulOp, moved, ctx.const(m))
    if axis == rank - 1:
        return out
    back = [0] * rank
    for i, p in enumerate(perm):
        back[p] = i
    return ctx.emit(g.TransposeOp, out, perm=back)


def dft(ctx: Context, x: SSAValue, axis: int, n: int, inverse: bool, onesided: bool) -> SSAValue:
    """ONNX DFT of x [..., 1|2] along `axis` with length n, computed in f64."""
    dtype = ctx.type(x).dtype
    re, im = _parts(ctx, ctx.cast(x, np.float64))
    if inverse and onesided:
        return ctx.cast(_irfft(ctx, re, im, axis, n), dtype)
    re = _fit(ctx, re, axis, n)
    im = _fit(ctx, im, axis, n) if im is not None else None
    k = n // 2 + 1 if onesided else n
    angle = 2 * np.pi * np.outer(np.arange(n), np.arange(k)) / n
    cos, sin = np.cos(angle), np.sin(angle)
    sign = 1.0 if inverse else -1.0
    out_re = _along(ctx, re, axis, cos)
    out_im = _along(ctx, re, axis, sign * sin)
    if im is not None:
        out_re = ctx.emit(g.SubOp, out_re, _along(ctx, im, axis, sign * sin))
        out_im = ctx.emit(g.AddOp, out_im, _along(ctx, im, axis, cos))
    if inverse:
        out_re = ctx.emit(g.DivOp, out_re, ctx.scalar(n, out_re))
        out_im = ctx.emit(g.DivOp, out_im, ctx.scalar(n, out_im))
    rank = ctx.type(out_re).rank
    both = [ctx.emit(g.UnsqueezeOp, v, axes=[rank]) for v in (out_re, out_im)]
    return ctx.cast(ctx.emit(g.ConcatOp, both, axis=rank), dtype)


def _irfft(ctx: Context, re: SSAValue, im: SSAValue | None, axis: int, n: int) -> SSAValue:
    """numpy.fft.irfft: a real signal [..., n, 1] from n//2+1 Hermitian bins."""
    k = n // 2 + 1
    re = _fit(ctx, re, axis, k)
    angle = 2 * np.pi * np.outer(np.arange(k), np.arange(n)) / n
    weight = np.full(k, 2.0)
    weight[0] = 1.0
    if n % 2 == 0:
        weight[-1] = 1.0
    out = _along(ctx, re, axis, weight[:, None] * np.cos(angle) / n)
    if im is not None:
        im = _fit(ctx, im, axis, k)
        out = ctx.emit(g.SubOp, out, _along(ctx, im, axis, weight[:, None] * np.sin(angle) / n))
    return ctx.emit(g.UnsqueezeOp, out, axes=[ctx.type(out).rank])


@converter("DFT")
def _dft(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    rank = ctx.type(x).rank
    if node.version < 20:
        axis = int(node.attr("axis", 1))
    else:
        axis = ctx.static_ints(node, 2, "axis")[0] if node.has(2) else -2
    axis %= rank
    if axis == rank - 1:
        raise Unsupported("the transformed axis cannot be the last (real/imaginary) axis")
    inverse, onesided = bool(node.attr("inverse", 0)), bool(node.attr("onesided", 0))
    size = ctx.type(x).dims[axis]
    if node.has(1) and ctx.in_type(node, 1).static_shape() != (0,):
        n = ctx.static_ints(node, 1, "dft_length")[0]
    elif not size.is_const():
        raise Unsupported(f"the transformed axis must be static, got {size}")
    else:
        n = 2 * (size.value() - 1) if inverse and onesided else size.value()
    return [dft(ctx, x, axis, n, inverse, onesided)]


@converter("STFT")
def _stft(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    t = ctx.type(x)
    step = ctx.static_ints(node, 1, "frame_step")[0]
    window = ctx.opt(node, 2)
    if node.has(3):
        length = ctx.static_ints(node, 3, "frame_length")[0]
    elif window is not None and ctx.type(window).dims[0].is_const():
        length = ctx.type(window).dims[0].value()
    elif t.dims[-2].is_const():
        length = t.dims[-2].value()
    else:
        raise Unsupported("the frame length must be static")
    if not t.dims[1].is_const():
        raise Unsupported(f"the signal length must be static, got {t.dims[1]}")
    frames = 1 + (t.dims[1].value() - length) // step
    starts = np.arange(frames)[:, None] * step + np.arange(length)[None, :]
    framed = ctx.emit(g.GatherOp, x, ctx.const(starts.astype(np.int64)), axis=1)  # [B, F, L, c]
    if window is not None:
        framed = ctx.emit(g.MulOp, framed, ctx.reshape(ctx.cast_like(window, x), [1, 1, length, 1]))
    onesided = bool(node.attr("onesided", 1))
    return [dft(ctx, framed, 2, length, False, onesided)]


@converter("MelWeightMatrix")
def _mel(ctx: Context, node: Node) -> list[Out]:
    """The triangular mel filter bank, computed at import time as ONNX's reference."""
    bins, n_fft = (int(ctx.static(node, i, w).reshape(-1)[0]) for i, w in ((0, "num_mel_bins"), (1, "dft_length")))
    rate = int(ctx.static(node, 2, "sample_rate").reshape(-1)[0])
    lo, hi = (ctx.static(node, i, w).reshape(-1)[0] for i, w in ((3, "lower_edge_hertz"), (4, "upper_edge_hertz")))
    try:
        dtype = np_dtype(int(node.attr("output_datatype", 1)))
    except UnsupportedType as e:
        raise Unsupported(str(e)) from None
    return [Value(const=mel_matrix(bins, n_fft, rate, lo, hi).astype(dtype))]


def mel_matrix(bins: int, n_fft: int, rate: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    freqs = np.arange(0, bins + 2)
    low_mel = 2595 * np.log1p(lo / 700) / np.log(10)
    high_mel = 2595 * np.log1p(hi / 700) / np.log(10)
    step = (high_mel - low_mel) / freqs.shape[0]
    hz = 700 * np.expm1((freqs * step + low_mel) / 2595 * np.log(10))
    points = (((n_fft + 1) * hz) // rate).astype(int)
    out = np.zeros((n_fft // 2 + 1, bins))
    for i in range(bins):
        left, center, right = points[i], points[i + 1], points[i + 2]
        if center == left:
            out[center, i] = 1
        else:
            for j in range(left, center + 1):
                out[j, i] = (j - left) / (center - left)
        for j in range(center, right):
            out[j, i] = (right - j) / (right - center)
    return out
