"""`graph-quantize-int8{calibration="ranges.npz"}`: post-training int8 quantization.

Each calibrated site (see transforms/calibrate.py: dense, matmul with a
constant rhs, conv; f32 with a constant weight) becomes integer arithmetic:

    %y = graph.dense %x, %w, %b : (f32 [n, 4], f32 [3, 4], f32 [3]) -> f32 [n, 3]

becomes (sx: the activation scale, sw: per-output-channel weight scales)

    %s  = graph.constant dense<sx> : tensor<f32>
    %q0 = graph.div %x, %s                         // x / sx
    %q1 = graph.round %q0                          // half to even
    %q2 = graph.clip %q1 {min = -128, max = 127}
    %xq = graph.cast %q2 {to = i8}
    %wq = graph.constant dense<...> : tensor<3x4xi8>   // round(W / sw), folded here
    %acc = graph.dense %xq, %wq {acc_type = i32}   // i8 x i8 -> exact i32 sums
    %f  = graph.cast %acc {to = f32}
    %m  = graph.mul %f, %k                         // k = sx * sw, per channel
    %y  = graph.add %m, %b

Activations are per tensor and symmetric: i8 with sx = max(|lo|, |hi|) / 127,
or u8 with sx = hi / 255 when the calibrated range is non-negative (after a
relu), which keeps the bit a symmetric i8 would waste. Weights are symmetric
per output channel in [-127, 127]. A tensor feeding several sites is
quantized once (the exact case of q/dq cancellation); a dequantize followed
by a quantize is left as is (it rounds). Sites without a recorded range, or
named by `skip` (a site key like `main.1.dense` or a kind: dense, matmul,
conv; separated by commas), stay f32.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import IntegerType, ModuleOp, Signedness, f32, i32
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.elementwise import AddOp, CastOp, ClipOp, DivOp, MulOp, RoundOp
from tensorforge.dialects.graphops.func import ConstantOp
from tensorforge.dialects.graphops.nn import ConvOp, DenseOp, MatmulOp
from tensorforge.dialects.graphops.types import TensorType, element_type_of
from tensorforge.interp.fold import constant_array
from tensorforge.transforms.calibrate import (
    Calibration,
    QuantizeError,
    Site,
    check_method,
    conv_channels_last,
    find_sites,
)

_KINDS = ("dense", "matmul", "conv")
_I8 = IntegerType(8)
_U8 = IntegerType(8, Signedness.UNSIGNED)


# -- scales ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActivationQuant:
    """Per-tensor activation quantization: x ~ scale * q, q in [lo, hi] of `elt`."""

    scale: float
    elt: Attribute
    lo: int
    hi: int


def activation_quant(lo: float, hi: float) -> ActivationQuant:
    """u8 for a non-negative range, else symmetric i8; a degenerate range gets scale 1."""
    if lo >= 0:
        return ActivationQuant(_positive(hi / 255), _U8, 0, 255)
    return ActivationQuant(_positive(max(-lo, hi) / 127), _I8, -128, 127)


def _positive(scale: float) -> float:
    scale = float(np.float32(scale))
    return scale if np.isfinite(scale) and scale > 0 else 1.0


def weight_quant(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-channel int8 along `axis`: (round(w / s) in [-127, 127], s)."""
    w = w.astype(np.float64)
    other = tuple(a for a in range(w.ndim) if a != axis)
    amax = np.max(np.abs(w), axis=other) if other else np.abs(w)
    scales = np.where(amax > 0, amax / 127, 1.0)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.rint(w / scales.reshape(shape)), -127, 127).astype(np.int8)
    return q, scales


# -- rewriting -----------------------------------------------------------------------------
def _const(arr: np.ndarray) -> ConstantOp:
    t = TensorType(list(arr.shape), element_type_of(arr.dtype))
    return ConstantOp(dense_from_array(arr), t)


def _weight_axis(site: Site) -> int:
    op = site.op
    if isinstance(op, MatmulOp):
        return 1
    if isinstance(op, ConvOp) and conv_channels_last(op):
        return op.weight.type.rank - 1  # type: ignore[attr-defined]
    return 0


def _channel_shape(site: Site, channels: int) -> list[int]:
    """Shape of a per-channel vector that broadcasts against the site's result."""
    op = site.op
    if isinstance(op, ConvOp) and not conv_channels_last(op):
        return [channels, *([1] * (op.result.type.rank - 2))]  # type: ignore[attr-defined]
    return [channels]


class _Quantizer:
    """Rewrites sites one by one, quantizing each input tensor once."""

    def __init__(self, calibration: Calibration, method: str | None, percentile: float | None) -> None:
        self.calibration = calibration
        self.method = method
        self.percentile = percentile
        self.quantized: dict[tuple[SSAValue, float, Attribute], SSAValue] = {}

    def _input(self, x: SSAValue, aq: ActivationQuant, before: Operation) -> SSAValue:
        key = (x, aq.scale, aq.elt)
        if key in self.quantized:
            return self.quantized[key]
        s = _const(np.array(aq.scale, np.float32))
        div = DivOp(x, s)
        rnd = RoundOp(div)
        clip = ClipOp(rnd, min=float(aq.lo), max=float(aq.hi))
        cast = CastOp(clip, to=aq.elt)
        Rewriter.insert_op([s, div, rnd, clip, cast], InsertPoint.before(before))
        self.quantized[key] = cast.results[0]
        return cast.results[0]

    def rewrite(self, site: Site) -> None:
        op = site.op
        lo, hi = self.calibration.range(site.key, self.method, self.percentile)
        aq = activation_quant(lo, hi)
        xq = self._input(op.operands[0], aq, op)
        w = constant_array(op.operands[1])
        assert w is not None  # site_kind checked it
        wq, sw = weight_quant(w, _weight_axis(site))
        wc = _const(wq)
        new = self._integer_op(site, xq, wc)
        shape = _channel_shape(site, sw.size)
        k = _const((aq.scale * sw).astype(np.float32).reshape(shape))
        fl = CastOp(new, to=f32)
        y: Operation = MulOp(fl, k)
        ops: list[Operation] = [wc, new, k, fl, y]
        bias = self._bias(site, shape)
        if bias is not None:
            if isinstance(bias, Operation):
                ops.append(bias)
            y = AddOp(y, bias)
            ops.append(y)
        Rewriter.insert_op(ops, InsertPoint.before(op))
        inputs = [v.owner for v in op.operands[1:]]
        Rewriter.replace_op(op, [], [y.results[0]])
        for owner in inputs:
            if isinstance(owner, ConstantOp) and not owner.result.uses:
                Rewriter.erase_op(owner)

    def _integer_op(self, site: Site, xq: SSAValue, wc: ConstantOp) -> Operation:
        op = site.op
        if isinstance(op, MatmulOp):
            return MatmulOp(xq, wc, acc_type=i32)
        if isinstance(op, DenseOp):
            return DenseOp(xq, wc, acc_type=i32)
        props = {k: v for k, v in op.properties.items()}
        return ConvOp(xq, wc, None, **props, acc_type=i32)

    def _bias(self, site: Site, shape: list[int]) -> SSAValue | Operation | None:
        """The f32 bias to add after rescaling: a reshaped constant, or the operand itself."""
        op = site.op
        if isinstance(op, MatmulOp):
            return None
        assert isinstance(op, DenseOp | ConvOp)  # site_kind admits only dense, matmul and conv
        if op.bias is None:
            return None
        if len(shape) == 1:
            return op.bias  # [O] broadcasts against [..., O]
        b = constant_array(op.bias)
        assert b is not None  # site_kind checked it
        return _const(b.astype(np.float32).reshape(shape))


# -- entry points -----------------------------------------------------------------------------
def parse_skip(text: str | Sequence[str]) -> tuple[str, ...]:
    items = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    return tuple(items)


def quantize_in_place(module: ModuleOp, calibration: Calibration, method: str | None = None,
                      percentile: float | None = None, skip: str | Sequence[str] = ()) -> list[str]:
    """Rewrite every calibrated, not skipped site of `module`; returns their keys."""
    if method is not None:
        check_method(method)
    sites = find_sites(module)
    names = {s.key for s in sites}
    unknown = sorted(set(calibration.ranges) - names)
    if unknown:
        raise QuantizeError(f"calibration names sites the module does not have: {', '.join(unknown)} "
                            f"(module sites: {', '.join(sorted(names)) or 'none'})")
    skipped = parse_skip(skip)
    bad = [s for s in skipped if s not in names and s not in _KINDS]
    if bad:
        raise QuantizeError(f"skip: unknown entries {', '.join(bad)} (give site keys or kinds {', '.join(_KINDS)})")
    chosen = [s for s in sites if s.key in calibration.ranges and s.key not in skipped and s.kind not in skipped]
    q = _Quantizer(calibration, method, percentile)
    for site in chosen:
        q.rewrite(site)
    return [s.key for s in chosen]


def quantize(module: ModuleOp, calibration: Calibration, method: str | None = None,
             percentile: float | None = None, skip: str | Sequence[str] = ()) -> ModuleOp:
    """A quantized copy of `module` (the original is left alone)."""
    out = module.clone()
    quantize_in_place(out, calibration, method, percentile, skip)
    return out


@dataclass(frozen=True)
class QuantizeInt8Pass(ModulePass):
    """Quantize dense/matmul/conv sites to int8 x int8 -> int32 from recorded ranges."""

    name = "graph-quantize-int8"

    calibration: str = ""
    """The .npz written by `Calibration.save` (tensorforge.transforms.quantize.calibrate)."""

    method: str = "minmax"
    """minmax or percentile."""

    percentile: float = 99.99
    """With method=percentile: which recorded percentile to clip activations at."""

    skip: str = ""
    """Site keys (main.0.dense) or kinds (dense, matmul, conv) to leave in f32."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if not self.calibration:
            raise QuantizeError('graph-quantize-int8: give the ranges file with calibration="file.npz"')
        try:
            check_method(self.method)
            cal = Calibration.load(Path(self.calibration), self.method, float(self.percentile))
            quantize_in_place(op, cal, self.method, float(self.percentile), self.skip)
        except QuantizeError as e:
            raise QuantizeError(f"graph-quantize-int8: {e}") from None
