"""Canonicalization tables for the graph dialect.

Every rule is exact under the interpreter's semantics for every element type
it accepts, including NaN, infinities, signed zeros and integer wrap-around:
float `x * 0` and `x - x` are not 0 (NaN, inf), `x + 0.0` is not `x` when x
is -0.0 (so floats only drop `+ -0.0` and `- +0.0`), and integer rewrites that
negate (`-(a - b) -> b - a`) rely on two's complement wrap. Rules that would
change a result type by broadcasting never fire (see `Rule.rewrite`).

`CANONICALIZE = ARITHMETIC + LOGICAL + UNARY + SELECT_CAST + LAYOUT`.
"""

from __future__ import annotations

from xdsl.dialects.builtin import IntegerType, Signedness
from xdsl.ir import Attribute, Operation

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.elementwise import BinaryOp
from tensorforge.dialects.graphops.shape import transpose_perm
from tensorforge.dialects.graphops.shape_slice import pad_params, slice_params
from tensorforge.dialects.graphops.types import BOOL_TYPE, TensorType, is_bool, is_float, is_int
from tensorforge.rewrites.pattern import Cap, Const, Match, Pat, Rule
from tensorforge.rewrites.table import Table

INT = "int"
FLOAT = "float"


def _zeros(m: Match) -> Operation:
    return g.ZerosLikeOp(m.x)


def _bools(value: bool):
    op = g.OnesLikeOp if value else g.ZerosLikeOp
    return lambda m: op(m.x, dtype=BOOL_TYPE)


def _props(op: Operation) -> Props:
    return Props(type(op), dict(op.properties))  # type: ignore[arg-type]


# -- arithmetic --------------------------------------------------------------------
ARITHMETIC = Table([
    Rule("add-zero", "x + 0 -> x (floats: only -0.0, since -0.0 + 0.0 is 0.0)",
         Pat(g.AddOp, [Cap("x"), Const(0, sign=-1)]), lambda m: m.x),
    Rule("sub-zero", "x - 0 -> x (floats: only +0.0)",
         Pat(g.SubOp, [Cap("x"), Const(0, sign=1)]), lambda m: m.x),
    Rule("zero-sub", "0 - x -> -x (floats: only -0.0)",
         Pat(g.SubOp, [Const(0, sign=-1), Cap("x")]), lambda m: g.NegOp(m.x)),
    Rule("mul-one", "x * 1 -> x",
         Pat(g.MulOp, [Cap("x"), Const(1)]), lambda m: m.x),
    Rule("mul-neg-one", "x * -1 -> -x",
         Pat(g.MulOp, [Cap("x"), Const(-1)]), lambda m: g.NegOp(m.x)),
    Rule("mul-zero-int", "x * 0 -> 0 (integers only: float 0 * inf is NaN)",
         Pat(g.MulOp, [Cap("x", dtype=INT), Const(0, name="c")]), _zeros),
    Rule("div-one", "x / 1 -> x",
         Pat(g.DivOp, [Cap("x"), Const(1)]), lambda m: m.x),
    Rule("pow-one", "x ** 1 -> x (floats)",
         Pat(g.PowOp, [Cap("x", dtype=FLOAT), Const(1)]), lambda m: m.x),
    Rule("sub-self-int", "x - x -> 0 (integers only: inf - inf is NaN)",
         Pat(g.SubOp, [Cap("x", dtype=INT), Cap("x")]), _zeros),
    Rule("neg-sub-int", "-(a - b) -> b - a (integers only: floats differ in the sign of 0)",
         Pat(g.NegOp, [Pat(g.SubOp, [Cap("a", dtype=INT), Cap("b")])]), lambda m: g.SubOp(m.b, m.a)),
    Rule("sub-neg", "a - (-b) -> a + b",
         Pat(g.SubOp, [Cap("a"), Pat(g.NegOp, [Cap("b")])]), lambda m: g.AddOp(m.a, m.b)),
    Rule("add-neg", "a + (-b) -> a - b",
         Pat(g.AddOp, [Cap("a"), Pat(g.NegOp, [Cap("b")])]), lambda m: g.SubOp(m.a, m.b)),
    Rule("mul-neg-neg", "(-a) * (-b) -> a * b",
         Pat(g.MulOp, [Pat(g.NegOp, [Cap("a")]), Pat(g.NegOp, [Cap("b")])]), lambda m: g.MulOp(m.a, m.b)),
    Rule("div-neg-neg-float", "(-a) / (-b) -> a / b (floats: integer -MIN wraps)",
         Pat(g.DivOp, [Pat(g.NegOp, [Cap("a", dtype=FLOAT)]), Pat(g.NegOp, [Cap("b")])]),
         lambda m: g.DivOp(m.a, m.b)),
    Rule("min-self", "min(x, x) -> x",
         Pat(g.MinimumOp, [Cap("x"), Cap("x")]), lambda m: m.x),
    Rule("max-self", "max(x, x) -> x",
         Pat(g.MaximumOp, [Cap("x"), Cap("x")]), lambda m: m.x),
    Rule("cmp-self-true-int", "x == x, x <= x, x >= x -> true (integers and i1: NaN != NaN)",
         Pat((g.EqOp, g.LeOp, g.GeOp), [Cap("x", dtype="int-or-bool"), Cap("x")]), _bools(True)),
    Rule("cmp-self-false-int", "x != x, x < x, x > x -> false (integers and i1)",
         Pat((g.NeOp, g.LtOp, g.GtOp), [Cap("x", dtype="int-or-bool"), Cap("x")]), _bools(False)),
], "arithmetic")  # fmt: skip

# -- logical and bitwise -----------------------------------------------------------
LOGICAL = Table([
    Rule("and-true", "x and true -> x", Pat(g.AndOp, [Cap("x"), Const(True)]), lambda m: m.x),
    Rule("and-false", "x and false -> false", Pat(g.AndOp, [Cap("x"), Const(False)]), _bools(False)),
    Rule("or-false", "x or false -> x", Pat(g.OrOp, [Cap("x"), Const(False)]), lambda m: m.x),
    Rule("or-true", "x or true -> true", Pat(g.OrOp, [Cap("x"), Const(True)]), _bools(True)),
    Rule("xor-false", "x xor false -> x", Pat(g.XorOp, [Cap("x"), Const(False)]), lambda m: m.x),
    Rule("and-self", "x and x -> x", Pat(g.AndOp, [Cap("x"), Cap("x")]), lambda m: m.x),
    Rule("or-self", "x or x -> x", Pat(g.OrOp, [Cap("x"), Cap("x")]), lambda m: m.x),
    Rule("xor-self", "x xor x -> false", Pat(g.XorOp, [Cap("x"), Cap("x")]), _zeros),
    Rule("not-not", "not not x -> x", Pat(g.NotOp, [Pat(g.NotOp, [Cap("x")])]), lambda m: m.x),
    Rule("bitwise-not-not", "~~x -> x",
         Pat(g.BitwiseNotOp, [Pat(g.BitwiseNotOp, [Cap("x")])]), lambda m: m.x),
    Rule("bitwise-and-self", "x & x -> x", Pat(g.BitwiseAndOp, [Cap("x"), Cap("x")]), lambda m: m.x),
    Rule("bitwise-or-self", "x | x -> x", Pat(g.BitwiseOrOp, [Cap("x"), Cap("x")]), lambda m: m.x),
    Rule("bitwise-xor-self", "x ^ x -> 0", Pat(g.BitwiseXorOp, [Cap("x"), Cap("x")]), _zeros),
    Rule("bitwise-or-zero", "x | 0 -> x", Pat(g.BitwiseOrOp, [Cap("x"), Const(0)]), lambda m: m.x),
    Rule("bitwise-xor-zero", "x ^ 0 -> x", Pat(g.BitwiseXorOp, [Cap("x"), Const(0)]), lambda m: m.x),
    Rule("shift-zero", "x << 0, x >> 0 -> x",
         Pat((g.ShiftLeftOp, g.ShiftRightOp), [Cap("x"), Const(0)]), lambda m: m.x),
], "logical")  # fmt: skip

# -- unary -------------------------------------------------------------------------
_ROUNDING = (g.FloorOp, g.CeilOp, g.RoundOp)

UNARY = Table([
    Rule("neg-neg", "-(-x) -> x", Pat(g.NegOp, [Pat(g.NegOp, [Cap("x")])]), lambda m: m.x),
    Rule("abs-abs", "|(|x|)| -> |x|", Pat(g.AbsOp, [Pat(g.AbsOp, name="inner")]), lambda m: m.inner.results[0]),
    Rule("abs-neg", "|-x| -> |x|", Pat(g.AbsOp, [Pat(g.NegOp, [Cap("x")])]), lambda m: g.AbsOp(m.x)),
    Rule("relu-relu", "relu(relu x) -> relu x",
         Pat(g.ReluOp, [Pat(g.ReluOp, name="inner")]), lambda m: m.inner.results[0]),
    Rule("relu-abs-float", "relu(|x|) -> |x| (floats: integer |MIN| is negative)",
         Pat(g.ReluOp, [Pat(g.AbsOp, name="inner", dtype=FLOAT)]), lambda m: m.inner.results[0]),
    Rule("sign-sign", "sign(sign x) -> sign x",
         Pat(g.SignOp, [Pat(g.SignOp, name="inner")]), lambda m: m.inner.results[0]),
    Rule("round-integral", "floor/ceil/round of floor/ceil/round x -> the inner one (already integral)",
         Pat(_ROUNDING, [Pat(_ROUNDING, name="inner")]), lambda m: m.inner.results[0]),
    Rule("clip-unbounded", "clip(x) without bounds -> x",
         Pat(g.ClipOp, [Cap("x")], attrs={"min": None, "max": None}), lambda m: m.x),
], "unary")  # fmt: skip


# -- where and cast ----------------------------------------------------------------
_MANTISSA = {"f16": 11, "bf16": 8, "f32": 24, "f64": 53}
_FLOAT_RANK = {"f16": 1, "bf16": 1, "f32": 2, "f64": 3}


def _float_name(elt: Attribute) -> str:
    from tensorforge.dialects.graphops.types import element_name

    return element_name(elt)


def exact_cast(src: Attribute, dst: Attribute) -> bool:
    """Every value of `src` is represented exactly in `dst` (so a later cast
    from `dst` sees the original value)."""
    if src == dst or is_bool(src):
        return True
    if is_float(src):
        return is_float(dst) and _float_widens(_float_name(src), _float_name(dst))
    if not isinstance(src, IntegerType) or not is_int(src):
        return False
    return _int_fits(src, dst)


def _float_widens(a: str, b: str) -> bool:
    return _FLOAT_RANK[a] < _FLOAT_RANK[b] and _MANTISSA[a] <= _MANTISSA[b]


def _int_fits(src: IntegerType, dst: Attribute) -> bool:
    unsigned = src.signedness.data == Signedness.UNSIGNED
    magnitude_bits = src.width.data - (0 if unsigned else 1)
    if is_float(dst):
        return magnitude_bits <= _MANTISSA[_float_name(dst)]
    if not isinstance(dst, IntegerType) or is_bool(dst):
        return False
    dst_unsigned = dst.signedness.data == Signedness.UNSIGNED
    if dst_unsigned and not unsigned:
        return False
    return magnitude_bits <= dst.width.data - (0 if dst_unsigned else 1)


def _inner_cast_exact(m: Match) -> bool:
    return exact_cast(m.type("x").element_type, m.type("inner").element_type)


SELECT_CAST = Table([
    Rule("where-same", "where(c, x, x) -> x", Pat(g.WhereOp, [Cap("c"), Cap("x"), Cap("x")]), lambda m: m.x),
    Rule("where-true", "where(true, x, y) -> x",
         Pat(g.WhereOp, [Const(True), Cap("x"), Cap("y")]), lambda m: m.x),
    Rule("where-false", "where(false, x, y) -> y",
         Pat(g.WhereOp, [Const(False), Cap("x"), Cap("y")]), lambda m: m.y),
    Rule("where-not", "where(not c, x, y) -> where(c, y, x)",
         Pat(g.WhereOp, [Pat(g.NotOp, [Cap("c")]), Cap("x"), Cap("y")]), lambda m: g.WhereOp(m.c, m.y, m.x)),
    Rule("cast-identity", "cast(x : T to T) -> x", Pat(g.CastOp, [Cap("x")]), lambda m: m.x),
    Rule("cast-roundtrip-exact", "cast(cast(x : T to U) to T) -> x when T to U is exact (widen, then back)",
         Pat(g.CastOp, [Pat(g.CastOp, [Cap("x")], name="inner")]), lambda m: m.x, where=_inner_cast_exact),
    Rule("cast-cast-exact", "cast(cast(x to U) to V) -> cast(x to V) when x to U is exact (f16 -> f32 -> f64)",
         Pat(g.CastOp, [Pat(g.CastOp, [Cap("x")], name="inner")]),
         lambda m: g.CastOp(m.x, to=m.root.to), where=_inner_cast_exact),
], "select-cast")  # fmt: skip


# -- layout ------------------------------------------------------------------------
_RESHAPE_LIKE = (g.ReshapeOp, g.SqueezeOp, g.UnsqueezeOp, g.FlattenOp)


def _perm(op: Operation) -> list[int]:
    t = op.operands[0].type
    assert isinstance(t, TensorType)
    return transpose_perm(_props(op), t.rank)


def _composed(m: Match) -> list[int]:
    inner, outer = _perm(m.inner), _perm(m.root)
    return [inner[i] for i in outer]


def _is_identity(perm: list[int]) -> bool:
    return perm == list(range(len(perm)))


def _moves_only_unit_dims(op: Operation) -> bool:
    """The transpose keeps the order of every dim that may not be 1: a reshape."""
    t = op.operands[0].type
    assert isinstance(t, TensorType)
    kept = [a for a in _perm(op) if not (t.dims[a].is_const() and t.dims[a].value() == 1)]
    return kept == sorted(kept) and not _is_identity(_perm(op))


def reshape_to(x, t: TensorType) -> Operation:
    """A reshape of `x` to exactly the dims of `t` (0 stays a size via allowzero)."""
    zero = any(d.is_const() and d.value() == 0 for d in t.dims)
    return g.ReshapeOp(x, shape=list(t.dims), allowzero=True if zero else None)


def _result_type(m: Match) -> TensorType:
    t = m.root.results[0].type
    assert isinstance(t, TensorType)
    return t


def _slice_is_whole(op: Operation) -> bool:
    t = op.operands[0].type
    assert isinstance(t, TensorType)
    return all(k == 1 for k in slice_params(_props(op), t.rank)[3])


def _pad_is_zero(op: Operation) -> bool:
    t = op.operands[0].type
    assert isinstance(t, TensorType)
    return all(b == 0 and e == 0 for _, b, e in pad_params(_props(op), t.rank))


LAYOUT = Table([
    Rule("transpose-identity", "transpose(x, identity perm) -> x",
         Pat(g.TransposeOp, [Cap("x")], where=lambda op: _is_identity(_perm(op))), lambda m: m.x),
    Rule("transpose-transpose-identity", "transpose(transpose(x, p), q) -> x when p o q is the identity",
         Pat(g.TransposeOp, [Pat(g.TransposeOp, [Cap("x")], name="inner")]), lambda m: m.x,
         where=lambda m: _is_identity(_composed(m))),
    Rule("transpose-transpose", "transpose(transpose(x, p), q) -> transpose(x, p o q)",
         Pat(g.TransposeOp, [Pat(g.TransposeOp, [Cap("x")], name="inner")]),
         lambda m: g.TransposeOp(m.x, perm=_composed(m))),
    Rule("transpose-as-reshape", "transpose that only moves size-1 dims -> reshape",
         Pat(g.TransposeOp, [Cap("x")], where=_moves_only_unit_dims), lambda m: reshape_to(m.x, _result_type(m))),
    Rule("reshape-identity", "reshape(x : S to S) -> x", Pat(g.ReshapeOp, [Cap("x")]), lambda m: m.x),
    Rule("squeeze-identity", "squeeze(x) with nothing to squeeze -> x", Pat(g.SqueezeOp, [Cap("x")]), lambda m: m.x),
    Rule("flatten-identity", "flatten(x) of a 2-D x with the same shape -> x",
         Pat(g.FlattenOp, [Cap("x")]), lambda m: m.x),
    Rule("squeeze-unsqueeze", "squeeze(unsqueeze(x, a), a) -> x",
         Pat(g.SqueezeOp, [Pat(g.UnsqueezeOp, [Cap("x")])]), lambda m: m.x),
    Rule("unsqueeze-squeeze", "unsqueeze(squeeze(x, a), a) -> x",
         Pat(g.UnsqueezeOp, [Pat(g.SqueezeOp, [Cap("x")])]), lambda m: m.x),
    Rule("reshape-chain", "reshape(reshape(x)) -> reshape(x) (also squeeze, unsqueeze, flatten)",
         Pat(_RESHAPE_LIKE, [Pat(_RESHAPE_LIKE, [Cap("x")])]), lambda m: reshape_to(m.x, _result_type(m))),
    Rule("broadcast-identity", "broadcast_to(x : S to S) -> x", Pat(g.BroadcastToOp, [Cap("x")]), lambda m: m.x),
    Rule("broadcast-broadcast", "broadcast_to(broadcast_to(x, s), t) -> broadcast_to(x, t)",
         Pat(g.BroadcastToOp, [Pat(g.BroadcastToOp, [Cap("x")])]),
         lambda m: g.BroadcastToOp(m.x, shape=list(_result_type(m).dims))),
    Rule("tile-identity", "tile(x : S to S) -> x (all repeats 1)", Pat(g.TileOp, [Cap("x")]), lambda m: m.x),
    Rule("slice-identity", "slice(x : S to S) with unit steps -> x",
         Pat(g.SliceOp, [Cap("x")], where=_slice_is_whole), lambda m: m.x),
    Rule("pad-identity", "pad(x) with all pads 0 -> x",
         Pat(g.PadOp, [Cap("x")], where=_pad_is_zero), lambda m: m.x),
    Rule("concat-single", "concat(x) -> x", Pat(g.ConcatOp, [Cap("x")]), lambda m: m.x),
    Rule("split-single", "split(x) into one part -> x", Pat(g.SplitOp, [Cap("x")]), lambda m: m.x),
    Rule("fold-broadcast-lhs", "f(broadcast_to(x), y) -> f(x, y) when the result type is unchanged",
         Pat(BinaryOp, [Pat(g.BroadcastToOp, [Cap("x")]), Cap("y")], commutative=False),
         lambda m: type(m.root)(m.x, m.y)),
    Rule("fold-broadcast-rhs", "f(x, broadcast_to(y)) -> f(x, y) when the result type is unchanged",
         Pat(BinaryOp, [Cap("x"), Pat(g.BroadcastToOp, [Cap("y")])], commutative=False),
         lambda m: type(m.root)(m.x, m.y)),
], "layout")  # fmt: skip

CANONICALIZE: Table = ARITHMETIC + LOGICAL + UNARY + SELECT_CAST + LAYOUT
CANONICALIZE.name = "canonicalize"
