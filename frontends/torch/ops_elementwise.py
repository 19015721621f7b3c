"""Converters for elementwise ATen ops: arithmetic, comparisons, logic,
activations, clamp/where/masked_fill and casts.

Operands are cast to the dtype torch recorded for the result (its type
promotion, Python scalars included) before the graph op, so integer inputs of
`div` or `exp` compute in float as in torch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from xdsl.dialects.builtin import IntegerType

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import GraphOp
from tensorforge.dialects.graphops.types import is_float
from tensorforge.frontends.torch.context import Ctx, Multi, Value, result_dtype
from tensorforge.frontends.torch.errors import Unsupported
from tensorforge.frontends.torch.registry import Args, converts
from tensorforge.frontends.torch.symbols import element_of

I1 = IntegerType(1)


# -- arithmetic ---------------------------------------------------------------------
def _operands(cx: Ctx, a: Args, lhs: str = "self", rhs: str = "other") -> tuple[Value, Value]:
    elt = cx.out_elt()
    return cx.tensor(a[lhs], elt), cx.tensor(a[rhs], elt)


def _scaled(cx: Ctx, y: Value, alpha: Any) -> Value:
    if alpha is None or alpha == 1:
        return y
    return cx.add(g.MulOp(y, cx.scalar(alpha, cx.elt(y))))


@converts("aten.add.Tensor", "aten.add.Scalar")
def _add(cx: Ctx, a: Args) -> Value:
    x, y = _operands(cx, a)
    return cx.add(g.AddOp(x, _scaled(cx, y, a.get("alpha"))))


@converts("aten.sub.Tensor", "aten.sub.Scalar")
def _sub(cx: Ctx, a: Args) -> Value:
    x, y = _operands(cx, a)
    return cx.add(g.SubOp(x, _scaled(cx, y, a.get("alpha"))))


@converts("aten.rsub.Tensor", "aten.rsub.Scalar")
def _rsub(cx: Ctx, a: Args) -> Value:
    x, y = _operands(cx, a)
    return cx.add(g.SubOp(y, _scaled(cx, x, a.get("alpha"))))


def _simple_binary(op_cls: type[GraphOp], lhs: str = "self", rhs: str = "other") -> Callable[[Ctx, Args], Value]:
    def convert(cx: Ctx, a: Args) -> Value:
        x, y = _operands(cx, a, lhs, rhs)
        return cx.add(op_cls(x, y))

    return convert


converts("aten.mul.Tensor", "aten.mul.Scalar")(_simple_binary(g.MulOp))
converts("aten.maximum.default", "aten.fmax.default")(_simple_binary(g.MaximumOp))
converts("aten.minimum.default", "aten.fmin.default")(_simple_binary(g.MinimumOp))
converts("aten.remainder.Tensor", "aten.remainder.Scalar", "aten.remainder.Scalar_Tensor")(_simple_binary(g.ModOp))
converts("aten.fmod.Tensor", "aten.fmod.Scalar")(_simple_binary(g.FmodOp))
converts("aten.pow.Tensor_Tensor", "aten.pow.Tensor_Scalar", "aten.pow.Scalar")(_simple_binary(g.PowOp, "self", "exponent"))
converts("aten.bitwise_and.Tensor", "aten.bitwise_and.Scalar")(_simple_binary(g.BitwiseAndOp))
converts("aten.bitwise_or.Tensor", "aten.bitwise_or.Scalar")(_simple_binary(g.BitwiseOrOp))
converts("aten.bitwise_xor.Tensor", "aten.bitwise_xor.Scalar")(_simple_binary(g.BitwiseXorOp))
converts("aten.bitwise_left_shift.Tensor", "aten.__lshift__.Scalar")(_simple_binary(g.ShiftLeftOp))
converts("aten.bitwise_right_shift.Tensor", "aten.__rshift__.Scalar")(_simple_binary(g.ShiftRightOp))


@converts("aten.div.Tensor", "aten.div.Scalar", "aten.true_divide.Tensor")
def _div(cx: Ctx, a: Args) -> Value:
    x, y = _operands(cx, a)
    return cx.add(g.DivOp(x, y))


@converts("aten.div.Tensor_mode", "aten.div.Scalar_mode")
def _div_mode(cx: Ctx, a: Args) -> Value:
    mode = a.get("rounding_mode")
    x, y = _operands(cx, a)
    if mode is None:
        return cx.add(g.DivOp(x, y))
    if mode == "floor":
        return floor_divide(cx, x, y)
    if mode != "trunc":
        raise Unsupported(f"rounding_mode '{mode}'")
    q = cx.add(g.DivOp(x, y))
    return trunc(cx, q) if is_float(cx.elt(q)) else q


@converts("aten.floor_divide.default", "aten.floor_divide.Scalar")
def _floor_divide(cx: Ctx, a: Args) -> Value:
    x, y = _operands(cx, a)
    return floor_divide(cx, x, y)


def floor_divide(cx: Ctx, x: Value, y: Value) -> Value:
    """Floats: floor(x / y). Integers: (x - x mod y) / y, exact (graph.div truncates)."""
    if is_float(cx.elt(x)):
        return cx.add(g.FloorOp(cx.add(g.DivOp(x, y))))
    return cx.add(g.DivOp(cx.add(g.SubOp(x, cx.add(g.ModOp(x, y)))), y))


def trunc(cx: Ctx, x: Value) -> Value:
    negative = cx.add(g.LtOp(x, cx.scalar(0, cx.elt(x))))
    return cx.add(g.WhereOp(negative, cx.add(g.CeilOp(x)), cx.add(g.FloorOp(x))))


@converts("aten.addcmul.default", "aten.addcdiv.default")
def _addc(cx: Ctx, a: Args) -> Value:
    elt = cx.out_elt()
    x, t1, t2 = (cx.tensor(a[k], elt) for k in ("self", "tensor1", "tensor2"))
    op = g.MulOp if a.name.startswith("aten.addcmul") else g.DivOp
    return cx.add(g.AddOp(x, _scaled(cx, cx.add(op(t1, t2)), a.get("value"))))


# -- comparisons and logic ------------------------------------------------------------
def _compare(op_cls: type[GraphOp]) -> Callable[[Ctx, Args], Value]:
    def convert(cx: Ctx, a: Args) -> Value:
        elt = element_of(result_dtype(a.meta("self"), a.meta("other")))
        return cx.add(op_cls(cx.tensor(a["self"], elt), cx.tensor(a["other"], elt)))

    return convert


for _name, _cls in (("eq", g.EqOp), ("ne", g.NeOp), ("lt", g.LtOp), ("le", g.LeOp), ("gt", g.GtOp), ("ge", g.GeOp)):
    converts(f"aten.{_name}.Tensor", f"aten.{_name}.Scalar")(_compare(_cls))


def _logical(op_cls: type[GraphOp]) -> Callable[[Ctx, Args], Value]:
    def convert(cx: Ctx, a: Args) -> Value:
        return cx.add(op_cls(cx.tensor(a["self"], I1), cx.tensor(a["other"], I1)))

    return convert


converts("aten.logical_and.default")(_logical(g.AndOp))
converts("aten.logical_or.default")(_logical(g.OrOp))
converts("aten.logical_xor.default")(_logical(g.XorOp))


@converts("aten.logical_not.default")
def _logical_not(cx: Ctx, a: Args) -> Value:
    return cx.add(g.NotOp(cx.tensor(a["self"], I1)))


@converts("aten.bitwise_not.default")
def _bitwise_not(cx: Ctx, a: Args) -> Value:
    return cx.add(g.BitwiseNotOp(a["self"]))


# -- unary math and activations --------------------------------------------------------
_UNARY: dict[str, type[GraphOp]] = {
    "neg": g.NegOp, "abs": g.AbsOp, "exp": g.ExpOp, "log": g.LogOp,
    "log1p": g.Log1pOp, "sqrt": g.SqrtOp, "rsqrt": g.RsqrtOp, "reciprocal": g.ReciprocalOp, "tanh": g.TanhOp,
    "sigmoid": g.SigmoidOp, "relu": g.ReluOp, "silu": g.SiluOp, "erf": g.ErfOp, "sin": g.SinOp, "cos": g.CosOp,
    "tan": g.TanOp, "floor": g.FloorOp, "ceil": g.CeilOp, "round": g.RoundOp, "hardswish": g.HardSwishOp,
}  # fmt: skip


def _unary(op_cls: type[GraphOp]) -> Callable[[Ctx, Args], Value]:
    def convert(cx: Ctx, a: Args) -> Value:
        x = cx.tensor(a["self"], cx.out_elt())
        if op_cls in (g.FloorOp, g.CeilOp, g.RoundOp) and not is_float(cx.elt(x)):
            return x  # torch: rounding an integer tensor is the identity
        return cx.add(op_cls(x))

    return convert


for _name, _cls in _UNARY.items():
    converts(f"aten.{_name}.default")(_unary(_cls))


def _input(cx: Ctx, a: Args) -> Value:
    return cx.tensor(a["self"], cx.out_elt())


@converts("aten.sign.default", "aten.sgn.default")
def _sign(cx: Ctx, a: Args) -> Value:
    """graph.sign keeps NaN; torch gives 0 for it."""
    x = _input(cx, a)
    if cx.elt(x) == I1:
        return x
    sign = cx.add(g.SignOp(x))
    if not is_float(cx.elt(x)):
        return sign
    return cx.add(g.WhereOp(cx.add(g.IsNanOp(x)), cx.scalar(0.0, cx.elt(x)), sign))


@converts("aten.trunc.default", "aten.fix.default")
def _trunc(cx: Ctx, a: Args) -> Value:
    x = _input(cx, a)
    return trunc(cx, x) if is_float(cx.elt(x)) else x


@converts("aten.frac.default")
def _frac(cx: Ctx, a: Args) -> Value:
    x = _input(cx, a)
    return cx.add(g.SubOp(x, trunc(cx, x)))


@converts("aten.round.decimals")
def _round_decimals(cx: Ctx, a: Args) -> Value:
    x = _input(cx, a)
    scale = cx.scalar(10.0 ** a.get("decimals", 0), cx.elt(x))
    return cx.add(g.DivOp(cx.add(g.RoundOp(cx.add(g.MulOp(x, scale)))), scale))


@converts("aten.expm1.default")
def _expm1(cx: Ctx, a: Args) -> Value:
    x = _input(cx, a)
    return cx.add(g.SubOp(cx.add(g.ExpOp(x)), cx.scalar(1, cx.elt(x))))


@converts("aten.exp2.default")
def _exp2(cx: Ctx, a: Args) -> Value:
    x = _input(cx, a)
    return cx.add(g.PowOp(cx.scalar(2, cx.elt(x)), x))


@converts("aten.log2.default", "aten.log10.default")
def _log_base(cx: Ctx, a: Args) -> Value:
    x = _input(cx, a)
    base = 2.0 if a.name.startswith("aten.log2") else 10.0
    return cx.add(g.DivOp(cx.add(g.LogOp(x)), cx.scalar(math.log(base), cx.elt(x))))


@converts("aten.gelu.default")
def _gelu(cx: Ctx, a: Args) -> Value:
    approximate = a.get("approximate", "none")
    if approximate not in ("none", "tanh"):
        raise Unsupported(f"approximate='{approximate}'")
    x = _input(cx, a)
    return cx.add(g.GeluOp(x) if approximate == "none" else g.GeluTanhOp(x))


@converts("aten.leaky_relu.default")
def _leaky_relu(cx: Ctx, a: Args) -> Value:
    return cx.add(g.LeakyReluOp(_input(cx, a), alpha=float(a.get("negative_slope", 0.01))))


@converts("aten.elu.default")
def _elu(cx: Ctx, a: Args) -> Value:
    x = _input(cx, a)
    alpha, scale, input_scale = (float(a.get(k, 1.0)) for k in ("alpha", "scale", "input_scale"))
    elt = cx.elt(x)
    if input_scale == 1.0:
        out = cx.add(g.EluOp(x, alpha=alpha))
    else:  # x > 0 ? x : alpha * (exp(x * input_scale) - 1)
        inner = cx.add(g.SubOp(cx.add(g.ExpOp(cx.add(g.MulOp(x, cx.scalar(input_scale, elt))))), cx.scalar(1, elt)))
        positive = cx.add(g.GtOp(x, cx.scalar(0, elt)))
        out = cx.add(g.WhereOp(positive, x, cx.add(g.MulOp(inner, cx.scalar(alpha, elt)))))
    return out if scale == 1.0 else cx.add(g.MulOp(out, cx.scalar(scale, elt)))


@converts("aten.hardsigmoid.default")
def _hardsigmoid(cx: Ctx, a: Args) -> Value:
    return cx.add(g.HardSigmoidOp(_input(cx, a), alpha=1.0 / 6.0, beta=0.5))


@converts("aten.hardtanh.default")
def _hardtanh(cx: Ctx, a: Args) -> Value:
    return cx.add(g.ClipOp(_input(cx, a), min=float(a.get("min_val", -1.0)), max=float(a.get("max_val", 1.0))))


@converts("aten.softplus.default")
def _softplus(cx: Ctx, a: Args) -> Value:
    """x * beta > threshold ? x : softplus(beta * x) / beta (torch)."""
    x = _input(cx, a)
    elt = cx.elt(x)
    beta, threshold = float(a.get("beta", 1.0)), float(a.get("threshold", 20.0))
    scaled = x if beta == 1.0 else cx.add(g.MulOp(x, cx.scalar(beta, elt)))
    soft = cx.add(g.SoftplusOp(scaled))
    if beta != 1.0:
        soft = cx.add(g.DivOp(soft, cx.scalar(beta, elt)))
    linear = cx.add(g.GtOp(scaled, cx.scalar(threshold, elt)))
    return cx.add(g.WhereOp(linear, x, soft))


@converts("aten.mish.default")
def _mish(cx: Ctx, a: Args) -> Value:
    x = _input(cx, a)
    return cx.add(g.MulOp(x, cx.add(g.TanhOp(cx.add(g.SoftplusOp(x))))))


@converts("aten.isnan.default")
def _isnan(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    return cx.add(g.IsNanOp(x)) if is_float(cx.elt(x)) else cx.full(cx.dims(x), 0, I1)


@converts("aten.isinf.default")
def _isinf(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    return cx.add(g.IsInfOp(x)) if is_float(cx.elt(x)) else cx.full(cx.dims(x), 0, I1)


# -- clamp / where / masked_fill --------------------------------------------------------
def _bound(value: Any) -> float | None:
    return None if value is None else float(value)


@converts("aten.clamp.default", "aten.clamp_min.default", "aten.clamp_max.default")
def _clamp(cx: Ctx, a: Args) -> Value:
    x = _input(cx, a)
    lo, hi = a.get("min"), a.get("max")
    if not is_float(cx.elt(x)):
        lo = None if lo is None else math.ceil(lo)
        hi = None if hi is None else math.floor(hi)
    if lo is not None and hi is not None and lo > hi:
        return cx.add(g.BroadcastToOp(cx.scalar(hi, cx.elt(x)), shape=list(cx.dims(x))))  # torch: max wins
    return cx.add(g.ClipOp(x, min=_bound(lo), max=_bound(hi)))


@converts("aten.clamp.Tensor", "aten.clamp_min.Tensor", "aten.clamp_max.Tensor")
def _clamp_tensor(cx: Ctx, a: Args) -> Value:
    elt = cx.out_elt()
    x = cx.tensor(a["self"], elt)
    if a.get("min") is not None:
        x = cx.add(g.MaximumOp(x, cx.tensor(a["min"], elt)))
    if a.get("max") is not None:
        x = cx.add(g.MinimumOp(x, cx.tensor(a["max"], elt)))
    return x


@converts("aten.where.self", "aten.where.ScalarSelf", "aten.where.ScalarOther", "aten.where.Scalar")
def _where(cx: Ctx, a: Args) -> Value:
    elt = cx.out_elt()
    cond = cx.tensor(a["condition"], I1)
    return cx.add(g.WhereOp(cond, cx.tensor(a["self"], elt), cx.tensor(a["other"], elt)))


@converts("aten.masked_fill.Scalar", "aten.masked_fill.Tensor")
def _masked_fill(cx: Ctx, a: Args) -> Value:
    x = a["self"]
    fill = cx.tensor(a["value"], cx.elt(x))
    return cx.add(g.WhereOp(cx.tensor(a["mask"], I1), fill, x))


# -- casts and identities -----------------------------------------------------------------
@converts(
    "aten._to_copy.default", "aten.to.dtype", "aten.to.dtype_layout", "aten.to.device", "aten.to.other",
    "aten.type_as.default",
)
def _to(cx: Ctx, a: Args) -> Value:
    return cx.cast(a["self"], cx.out_elt())


@converts(
    "aten.clone.default", "aten.alias.default", "aten.alias_copy.default", "aten.contiguous.default",
    "aten.detach.default", "aten.detach_copy.default", "aten.lift_fresh_copy.default", "aten.lift_fresh.default",
    "aten.positive.default",
)
def _identity(cx: Ctx, a: Args) -> Value:
    return a["self"]


@converts("aten.dropout.default", "aten.feature_dropout.default", "aten.alpha_dropout.default",
          "aten.feature_alpha_dropout.default")
def _dropout(cx: Ctx, a: Args) -> Value:
    """The identity in inference; training-mode dropout is random."""
    if a.get("train") and float(a.get("p", 0.0)) > 0.0:
        raise Unsupported("train=True (random masks)")
    return a["input"]


@converts("aten.native_dropout.default")
def _native_dropout(cx: Ctx, a: Args) -> Any:
    if a.get("train") and float(a.get("p", 0.0)) > 0.0:
        raise Unsupported("train=True (random masks)")
    x = a["input"]
    return Multi([x, lambda: cx.full(cx.dims(x), 1, I1)])


@converts("aten.copy.default")
def _copy(cx: Ctx, a: Args) -> Value:
    dst = a["self"]
    src = cx.cast(a["src"], cx.elt(dst))
    return cx.add(g.BroadcastToOp(src, shape=list(cx.dims(dst))))
