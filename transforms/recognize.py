"""`graph-recognize`: turn importers' decomposed subgraphs into fused graph ops.

    x * sigmoid(x)                                        -> silu(x)
    0.5 x (1 + erf(x / sqrt 2))        (either grouping)  -> gelu(x)
    0.5 x (1 + tanh(c (x + 0.044715 x^3))), c = sqrt(2/pi) -> gelu_tanh(x)
    exp(x - max(x)) / sum(exp(x - max(x)))   (one axis)   -> softmax(x, axis)
    (x - mean) / sqrt(var + eps) [* gamma + beta]         -> layer_norm(x, gamma, beta)
      (var = mean((x - mean)^2), over trailing axes; rsqrt/mul forms too)
    softmax(q @ k^T * scale [+ mask], -1) @ v             -> attention(q, k, v, mask)

Only values used by nothing else but the matched subgraph are absorbed (the
root's intermediates may stay when they have other users; dce drops the rest).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.transforms.dead_code_elimination import region_dce
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.graphops import elementwise as ew
from tensorforge.dialects.graphops import reduce as rd
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.func import ConstantOp
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.interp.fold import constant_array

_RTOL = 1e-3


def scalar(v: SSAValue) -> float | None:
    """The value of a constant whose elements are all equal."""
    arr = constant_array(v)
    if arr is None or arr.size == 0:
        return None
    flat = arr.reshape(-1).astype(np.float64)
    return float(flat[0]) if bool(np.all(flat == flat[0])) else None


def _is(v: SSAValue, value: float) -> bool:
    s = scalar(v)
    return s is not None and math.isclose(s, value, rel_tol=_RTOL)


def _def(v: SSAValue, cls: type[Operation] | tuple[type[Operation], ...]) -> Operation | None:
    return v.owner if isinstance(v.owner, cls) else None


def _pairs(op: Operation) -> list[tuple[SSAValue, SSAValue]]:
    """Both operand orders of a commutative binary op."""
    a, b = op.operands
    return [(a, b), (b, a)]


def _axes(op: Operation) -> tuple[tuple[int, ...], bool]:
    props = Props(type(op), dict(op.properties))  # type: ignore[arg-type]
    t = op.operands[0].type
    assert isinstance(t, TensorType)
    return tuple(sorted(a % t.rank for a in props.ints("axes"))), props.bool("keepdims")


# -- silu, gelu ---------------------------------------------------------------------
class RecognizeSilu(RewritePattern):
    """x * sigmoid(x) -> silu(x)"""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, ew.MulOp):
            return
        for x, s in _pairs(op):
            sig = _def(s, ew.SigmoidOp)
            if sig is not None and sig.operands[0] == x and x.type == op.result.type:
                rewriter.replace_op(op, ew.SiluOp(x))
                return


def _half_x_times(op: Operation) -> tuple[SSAValue, SSAValue] | None:
    """0.5 * x * y in either grouping -> (x, y)."""
    if not isinstance(op, ew.MulOp):
        return None
    for a, b in _pairs(op):
        inner = _def(a, ew.MulOp)
        if inner is None:
            continue
        for p, q in _pairs(inner):
            if _is(q, 0.5):  # (x * 0.5) * y
                return p, b
            if _is(b, 0.5):  # (x * y) * 0.5
                return p, q
    return None


def _one_plus(v: SSAValue, cls: type[Operation]) -> SSAValue | None:
    """1 + f(t) -> t."""
    add = _def(v, ew.AddOp)
    if add is None:
        return None
    for a, b in _pairs(add):
        f = _def(a, cls)
        if f is not None and _is(b, 1.0):
            return f.operands[0]
    return None


def _scaled(t: SSAValue, c: float) -> SSAValue | None:
    """x * c or x / (1/c) -> x."""
    mul = _def(t, ew.MulOp)
    if mul is not None:
        for a, b in _pairs(mul):
            if _is(b, c):
                return a
    div = _def(t, ew.DivOp)
    if div is not None and _is(div.operands[1], 1 / c):
        return div.operands[0]
    return None


def _is_square(v: SSAValue, x: SSAValue) -> bool:
    """v = x * x."""
    sq = _def(v, ew.MulOp)
    return sq is not None and list(sq.operands) == [x, x]


def _cube_term(v: SSAValue, x: SSAValue) -> bool:
    """0.044715 * x^3 (pow(x, 3) or x*x*x)."""
    mul = _def(v, ew.MulOp)
    if mul is None:
        return False
    for a, b in _pairs(mul):
        if not _is(b, 0.044715):
            continue
        pw = _def(a, ew.PowOp)
        if pw is not None and pw.operands[0] == x and _is(pw.operands[1], 3.0):
            return True
        cube = _def(a, ew.MulOp)
        if cube is not None and any(p == x and _is_square(q, x) for p, q in _pairs(cube)):
            return True
    return False


class RecognizeGelu(RewritePattern):
    """0.5 x (1 + erf(x / sqrt 2)) -> gelu(x); the tanh form -> gelu_tanh(x)"""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        found = _half_x_times(op)
        if found is None:
            return
        x, y = found
        if x.type != op.results[0].type:
            return
        t = _one_plus(y, ew.ErfOp)
        if t is not None and _scaled(t, 1 / math.sqrt(2)) == x:
            rewriter.replace_op(op, ew.GeluOp(x))
            return
        t = _one_plus(y, ew.TanhOp)
        inner = None if t is None else _scaled(t, math.sqrt(2 / math.pi))
        add = None if inner is None else _def(inner, ew.AddOp)
        if add is not None and any(a == x and _cube_term(b, x) for a, b in _pairs(add)):
            rewriter.replace_op(op, ew.GeluTanhOp(x))


# -- softmax ------------------------------------------------------------------------
class RecognizeSoftmax(RewritePattern):
    """exp(x - max(x)) / sum(exp(x - max(x))) -> softmax(x) (one axis; also without the max)"""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, ew.DivOp):
            return
        e, s = op.operands
        exp = _def(e, ew.ExpOp)
        total = _def(s, rd.ReduceSumOp)
        if exp is None or total is None or total.operands[0] != e:
            return
        axes, keep = _axes(total)
        if len(axes) != 1 or not keep:
            return
        x = exp.operands[0]
        sub = _def(x, ew.SubOp)
        mx = None if sub is None else _def(sub.operands[1], rd.ReduceMaxOp)
        if sub is not None and mx is not None and mx.operands[0] == sub.operands[0] and _axes(mx) == (axes, True):
            x = sub.operands[0]
        if x.type != op.result.type:
            return
        rewriter.replace_op(op, rd.SoftmaxOp(x, axis=axes[0]))


# -- layer norm ---------------------------------------------------------------------
def _mean_of(v: SSAValue) -> tuple[SSAValue, tuple[int, ...]] | None:
    m = _def(v, rd.ReduceMeanOp)
    if m is None:
        return None
    axes, keep = _axes(m)
    rank = m.operands[0].type.rank  # type: ignore[union-attr]
    if not keep or axes != tuple(range(rank - len(axes), rank)):
        return None
    return m.operands[0], axes


def _square_of(v: SSAValue) -> SSAValue | None:
    pw = _def(v, ew.PowOp)
    if pw is not None and _is(pw.operands[1], 2.0):
        return pw.operands[0]
    mul = _def(v, ew.MulOp)
    if mul is not None and mul.operands[0] == mul.operands[1]:
        return mul.operands[0]
    return None


def _var_plus_eps(v: SSAValue) -> tuple[SSAValue, float] | None:
    add = _def(v, ew.AddOp)
    if add is None:
        return None
    for a, b in _pairs(add):
        eps = scalar(b)
        if eps is not None and eps >= 0:
            return a, eps
    return None


def _normalized(v: SSAValue) -> tuple[SSAValue, SSAValue, float] | None:
    """(x - mean) / sqrt(var + eps) or (x - mean) * rsqrt(var + eps) -> (x - mean, var, eps)."""
    div = _def(v, ew.DivOp)
    if div is not None:
        sq = _def(div.operands[1], ew.SqrtOp)
        found = None if sq is None else _var_plus_eps(sq.operands[0])
        return None if found is None else (div.operands[0], *found)
    mul = _def(v, ew.MulOp)
    for a, b in [] if mul is None else _pairs(mul):
        rs = _def(b, ew.RsqrtOp)
        found = None if rs is None else _var_plus_eps(rs.operands[0])
        if found is not None:
            return a, *found
    return None


def _match_norm(v: SSAValue) -> tuple[SSAValue, int, float] | None:
    """A plain layer norm over trailing axes -> (x, first axis, eps)."""
    found = _normalized(v)
    if found is None:
        return None
    d, var, eps = found
    sub = _def(d, ew.SubOp)
    mean = None if sub is None else _mean_of(sub.operands[1])
    vmean = _mean_of(var)
    if sub is None or mean is None or vmean is None or mean[0] != sub.operands[0]:
        return None
    if _square_of(vmean[0]) != d or vmean[1] != mean[1]:
        return None
    x = sub.operands[0]
    return x, mean[1][0], eps


def _affine(op: Operation) -> tuple[SSAValue, SSAValue | None, SSAValue | None]:
    """n * gamma + beta, n * gamma, n + beta or n -> (n, gamma, beta)."""
    if isinstance(op, ew.AddOp):
        for a, b in _pairs(op):
            mul = _def(a, ew.MulOp)
            for n, gamma in [] if mul is None else _pairs(mul):
                if _match_norm(n) is not None:
                    return n, gamma, b
            if _match_norm(a) is not None:
                return a, None, b
    if isinstance(op, ew.MulOp):
        for n, gamma in _pairs(op):
            if _match_norm(n) is not None:
                return n, gamma, None
    return op.results[0], None, None


def _param(v: SSAValue | None, x: TensorType, axis: int, fill: float) -> SSAValue | Operation | None:
    """gamma/beta as a tensor of the normalized shape (constants are reshaped)."""
    norm = x.dims[axis:]
    if v is None:
        if not all(d.is_const() for d in norm):
            return None
        return ConstantOp(dense_from_array(np.full([d.value() for d in norm], fill, dtype=x.dtype)))
    t = v.type
    assert isinstance(t, TensorType)
    if t.element_type != x.element_type:
        return None
    if list(t.dims) == list(norm):
        return v
    arr = constant_array(v)
    if arr is None or not all(d.is_const() for d in norm):
        return None
    shape = [d.value() for d in norm]
    try:
        full = np.broadcast_to(arr.reshape(arr.shape[max(arr.ndim - len(shape), 0):]) if arr.ndim > len(shape)
                               and all(s == 1 for s in arr.shape[: arr.ndim - len(shape)]) else arr, shape)
    except ValueError:
        return None
    return ConstantOp(dense_from_array(np.ascontiguousarray(full).astype(x.dtype)))


class RecognizeLayerNorm(RewritePattern):
    """(x - mean) / sqrt(var + eps) * gamma + beta -> layer_norm(x, gamma, beta)"""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, ew.AddOp | ew.MulOp | ew.DivOp):
            return
        n, gamma, beta = _affine(op)
        found = _match_norm(n)
        if found is None:
            return
        x, axis, eps = found
        xt = x.type
        assert isinstance(xt, TensorType)
        if op.results[0].type != xt or xt.dtype.kind != "f":
            return
        gamma_p, beta_p = _param(gamma, xt, axis, 1.0), _param(beta, xt, axis, 0.0)
        if gamma_p is None or beta_p is None:
            return
        new_consts = [p for p in (gamma_p, beta_p) if isinstance(p, Operation)]
        ln = rd.LayerNormOp(x, gamma_p, beta_p, axis=axis, epsilon=eps)
        rewriter.replace_op(op, [*new_consts, ln], [ln.result])


# -- attention ----------------------------------------------------------------------
def _swap_last(rank: int) -> list[int]:
    return [*range(rank - 2), rank - 1, rank - 2]


def _scores(v: SSAValue) -> tuple[SSAValue, SSAValue, float, SSAValue | None] | None:
    """(q @ kT) [* c | / c] [+ mask] -> (q, kT, scale, mask)."""
    mask = None
    add = _def(v, ew.AddOp)
    if add is not None:
        v, mask = add.operands
    scale = 1.0
    for cls, inv in ((ew.MulOp, False), (ew.DivOp, True)):
        op = _def(v, cls)
        c = None if op is None else scalar(op.operands[1])
        if op is not None and c is not None and c != 0:
            v, scale = op.operands[0], (1 / c if inv else c)
            break
    from tensorforge.dialects.graphops.nn import MatmulOp

    mm = _def(v, MatmulOp)
    if mm is None or (mask is not None and mask.type.element_type != v.type.element_type):  # type: ignore[union-attr]
        return None
    return mm.operands[0], mm.operands[1], scale, mask


class RecognizeAttention(RewritePattern):
    """softmax(q @ k^T * scale [+ mask]) @ v -> attention(q, k, v, mask, scale)"""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        from tensorforge.dialects.graphops.attention import AttentionOp
        from tensorforge.dialects.graphops.nn import MatmulOp
        from tensorforge.dialects.graphops.shape import TransposeOp

        if not isinstance(op, MatmulOp):
            return
        sm = _def(op.lhs, rd.SoftmaxOp)
        if sm is None:
            return
        rank = sm.results[0].type.rank  # type: ignore[union-attr]
        found = _scores(sm.operands[0])
        if found is None or Props(rd.SoftmaxOp, dict(sm.properties)).int("axis") % rank != rank - 1:
            return
        q, kt, scale, mask = found
        if any(x.type.rank < 2 for x in (q, kt, op.rhs)):  # type: ignore[union-attr]
            return
        tr = _def(kt, TransposeOp)
        new_ops: list[Operation] = []
        if tr is not None and list(Props(TransposeOp, dict(tr.properties)).ints("perm")) == _swap_last(kt.type.rank):  # type: ignore[union-attr]
            k = tr.operands[0]
        else:
            transpose = TransposeOp(kt, perm=_swap_last(kt.type.rank))  # type: ignore[union-attr]
            new_ops.append(transpose)
            k = transpose.results[0]
        try:
            att = AttentionOp(q, k, op.rhs, mask, scale=scale)
        except VerifyException:  # shapes the op does not accept: leave the subgraph
            return
        if att.result.type != op.result.type:
            return
        rewriter.replace_op(op, [*new_ops, att], [att.result])


PATTERNS: dict[str, type[RewritePattern]] = {
    "silu": RecognizeSilu,
    "gelu": RecognizeGelu,
    "softmax": RecognizeSoftmax,
    "layer-norm": RecognizeLayerNorm,
    "attention": RecognizeAttention,
}


@dataclass(frozen=True)
class RecognizePass(ModulePass):
    """Replace primitive subgraphs by fused ops (silu, gelu, softmax, layer_norm, attention)."""

    name = "graph-recognize"

    disable: tuple[str, ...] = ()
    """Recognizers to leave out (silu, gelu, softmax, layer-norm, attention)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        off = {self.disable} if isinstance(self.disable, str) else set(self.disable)
        unknown = off - set(PATTERNS)
        if unknown:
            raise ValueError(f"graph-recognize: unknown recognizers {', '.join(sorted(unknown))}")
        patterns = [cls() for name, cls in PATTERNS.items() if name not in off]
        walker = PatternRewriteWalker(GreedyRewritePatternApplier(patterns), walk_reverse=True, post_walk_func=region_dce)
        walker.rewrite_module(op)
