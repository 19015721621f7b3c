"""The graph dialect -> StableHLO text.

`export_stablehlo(module, binding=None) -> str` writes each `graph.func` as a
public `func.func` of stablehlo (and chlo) ops, in MLIR's generic form, which
`import_stablehlo` (and MLIR's stablehlo) reads back. StableHLO shapes are
static here: symbolic dims are evaluated under `binding` ({"n": 4}). numpy
broadcasting becomes explicit `broadcast_in_dim`s. Every graph op without a
translation is listed at once in a `StableHLOExportError`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, ModuleOp, StringAttr, i64
from xdsl.dialects.builtin import TensorType as BT
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue

from tensorforge.dialects import chlo as c
from tensorforge.dialects import graph as g
from tensorforge.dialects import stablehlo as s
from tensorforge.dialects.graphops.base import Props
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.types import TensorType, numpy_dtype
from tensorforge.errors import TensorforgeError
from tensorforge.frontends.stablehlo.text import fix_hex_floats
from tensorforge.ir import print_module, verify_module


class StableHLOExportError(TensorforgeError):
    """Graph ops (or symbolic dims) with no StableHLO translation, listed at once."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = sorted(set(problems))
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"cannot export to StableHLO: {len(self.problems)} problem(s):\n{lines}")


@dataclass
class Exporter:
    binding: dict[str, int]
    block: Block = field(default_factory=Block)
    vals: dict[SSAValue, SSAValue] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def btype(self, t: Attribute) -> BT:
        assert isinstance(t, TensorType)
        try:
            return BT(t.element_type, [d.evaluate(self.binding) for d in t.dims])
        except ValueError as e:
            raise _Fail(f"symbolic dims need a binding ({t}: {e})") from None

    def emit(self, cls: type[Operation], operands: Sequence[SSAValue], result: BT | list[BT], **props: Any) -> SSAValue:
        types = result if isinstance(result, list) else [result]
        op = cls.create(operands=list(operands), result_types=types, properties={k: _attr(v) for k, v in props.items()})
        self.block.add_op(op)
        return op.results[0]

    def const(self, value: Any, dtype: np.dtype, shape: Sequence[int] = ()) -> SSAValue:
        arr = np.full(tuple(shape), value, dtype=dtype)
        dense = dense_from_array(arr)
        return self.emit(s.HloConstantOp, [], BT(dense.get_element_type(), list(shape)), value=dense)

    def bcast(self, v: SSAValue, t: BT) -> SSAValue:
        """numpy broadcasting of v to t's shape (right-aligned)."""
        vt = v.type
        assert isinstance(vt, BT)
        src, dst = list(vt.get_shape()), list(t.get_shape())
        if src == dst:
            return v
        dims = list(range(len(dst) - len(src), len(dst)))
        return self.emit(s.HloBroadcastInDimOp, [v], BT(vt.element_type, dst), broadcast_dimensions=dims)

    def like(self, v: SSAValue, elt: Attribute) -> BT:
        vt = v.type
        assert isinstance(vt, BT)
        return BT(elt, list(vt.get_shape()))


class _Fail(Exception):
    pass


def _attr(v: Any) -> Attribute:
    if isinstance(v, Attribute):
        return v
    if isinstance(v, int):
        return IntegerAttr(v, i64)
    return DenseArrayBase.from_list(i64, [int(x) for x in v])


def _props(op: Operation) -> Props:
    return Props(type(op), dict(op.properties))  # type: ignore[arg-type]


def export_stablehlo(module: ModuleOp, binding: dict[str, int] | None = None) -> str:
    """Graph module -> StableHLO text (generic form)."""
    funcs: list[Operation] = []
    problems: list[str] = []
    for f in module.body.block.ops:
        if not isinstance(f, g.FuncOp):
            continue
        ex = Exporter(dict(binding or {}))
        try:
            in_types = [ex.btype(t) for t in f.function_type.inputs.data]
        except _Fail as e:
            problems.append(f"@{f.sym_name.data}: {e}")
            continue
        ex.block = Block(arg_types=in_types)
        ex.vals = dict(zip(f.body.block.args, ex.block.args, strict=True))
        outs = _export_block(ex, f.body.block)
        problems += ex.problems
        if ex.problems or outs is None:
            continue
        ex.block.add_op(func.ReturnOp(*outs))
        ftype_out = [v.type for v in outs]
        fop = func.FuncOp(f.sym_name.data, (in_types, ftype_out), Region(ex.block))
        fop.sym_visibility = StringAttr("public")
        funcs.append(fop)
    if problems:
        raise StableHLOExportError(problems)
    out = ModuleOp(funcs)
    verify_module(out)
    return fix_hex_floats(print_module(out, generic=True))


def _export_block(ex: Exporter, block: Block) -> list[SSAValue] | None:
    for op in block.ops:
        if isinstance(op, g.ReturnOp):
            return [ex.vals[v] for v in op.operands] if all(v in ex.vals for v in op.operands) else None
        fn = EXPORTERS.get(type(op))
        if fn is None:  # reported even when an operand failed: the list stays complete
            ex.problems.append(f"{op.name}: no StableHLO translation")
            continue
        if not all(v in ex.vals for v in op.operands):
            continue
        try:
            outs = fn(ex, op, [ex.vals[v] for v in op.operands])
        except _Fail as e:
            ex.problems.append(f"{op.name}: {e}")
            continue
        ex.vals.update(zip(op.results, outs, strict=True))
    return None


Fn = Callable[[Exporter, Operation, list[SSAValue]], list[SSAValue]]
EXPORTERS: dict[type[Operation], Fn] = {}


def exports(*ops: type[Operation]) -> Callable[[Fn], Fn]:
    def register(fn: Fn) -> Fn:
        for o in ops:
            EXPORTERS[o] = fn
        return fn

    return register


UNARY = {g.ExpOp: s.HloExponentialOp, g.TanhOp: s.HloTanhOp, g.SigmoidOp: s.HloLogisticOp, g.NegOp: s.HloNegateOp,
         g.AbsOp: s.HloAbsOp, g.SinOp: s.HloSineOp, g.CosOp: s.HloCosineOp, g.FloorOp: s.HloFloorOp,
         g.CeilOp: s.HloCeilOp, g.RoundOp: s.HloRoundNearestEvenOp, g.SignOp: s.HloSignOp, g.LogOp: s.HloLogOp,
         g.Log1pOp: s.HloLogPlusOneOp, g.SqrtOp: s.HloSqrtOp, g.RsqrtOp: s.HloRsqrtOp, g.TanOp: s.HloTanOp,
         g.ErfOp: c.ChloErfOp, g.BitwiseNotOp: s.HloNotOp, g.NotOp: s.HloNotOp}
BINARY = {g.AddOp: s.HloAddOp, g.SubOp: s.HloSubtractOp, g.MulOp: s.HloMultiplyOp, g.DivOp: s.HloDivideOp,
          g.MaximumOp: s.HloMaximumOp, g.MinimumOp: s.HloMinimumOp, g.PowOp: s.HloPowerOp, g.FmodOp: s.HloRemainderOp,
          g.AndOp: s.HloAndOp, g.OrOp: s.HloOrOp, g.XorOp: s.HloXorOp, g.BitwiseAndOp: s.HloAndOp,
          g.BitwiseOrOp: s.HloOrOp, g.BitwiseXorOp: s.HloXorOp, g.ShiftLeftOp: s.HloShiftLeftOp}
COMPARE = {g.EqOp: "EQ", g.NeOp: "NE", g.LtOp: "LT", g.LeOp: "LE", g.GtOp: "GT", g.GeOp: "GE"}


@exports(*UNARY)
def _unary(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    return [ex.emit(UNARY[type(op)], xs, ex.btype(op.results[0].type))]


@exports(*BINARY)
def _binary(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    t = ex.btype(op.results[0].type)
    return [ex.emit(BINARY[type(op)], [ex.bcast(x, BT(_elt(x), t.get_shape())) for x in xs], t)]


def _elt(v: SSAValue) -> Attribute:
    assert isinstance(v.type, BT)
    return v.type.element_type


@exports(*COMPARE)
def _compare(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    t = ex.btype(op.results[0].type)
    a, b = (ex.bcast(x, BT(_elt(x), t.get_shape())) for x in xs)
    kind = numpy_dtype(_elt(a)).kind
    ctype = {"f": "FLOAT", "u": "UNSIGNED", "b": "UNSIGNED"}.get(kind, "SIGNED")
    return [ex.emit(s.HloCompareOp, [a, b], t, comparison_direction=s.ComparisonDirectionAttr.of(COMPARE[type(op)]),
                    compare_type=s.ComparisonTypeAttr.of(ctype))]


@exports(g.WhereOp)
def _where(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    t = ex.btype(op.results[0].type)
    p, a, b = (ex.bcast(x, BT(_elt(x), t.get_shape())) for x in xs)
    return [ex.emit(s.HloSelectOp, [p, a, b], t)]


@exports(g.CastOp)
def _cast(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    return [ex.emit(s.HloConvertOp, xs, ex.btype(op.results[0].type))]


def _scalar_like(ex: Exporter, x: SSAValue, value: float) -> SSAValue:
    t = x.type
    assert isinstance(t, BT)
    return ex.const(value, numpy_dtype(t.element_type), list(t.get_shape()))


def _chain(ex: Exporter, x: SSAValue, steps: list[tuple[type[Operation], Any]]) -> SSAValue:
    """Apply (op, other) steps: other None (unary), a float constant, or a value."""
    t = x.type
    assert isinstance(t, BT)
    cur = x
    for cls, other in steps:
        if other is None:
            cur = ex.emit(cls, [cur], t)
            continue
        rhs = other if isinstance(other, SSAValue) else _scalar_like(ex, x, other)
        cur = ex.emit(cls, [cur, rhs], t)
    return cur


@exports(g.ReluOp)
def _relu(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    return [_chain(ex, xs[0], [(s.HloMaximumOp, 0.0)])]


@exports(g.SiluOp)
def _silu(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    return [_chain(ex, xs[0], [(s.HloLogisticOp, None), (s.HloMultiplyOp, xs[0])])]


@exports(g.GeluOp)
def _gelu(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    e = _chain(ex, xs[0], [(s.HloMultiplyOp, float(1 / np.sqrt(2))), (c.ChloErfOp, None), (s.HloAddOp, 1.0)])
    return [_chain(ex, xs[0], [(s.HloMultiplyOp, e), (s.HloMultiplyOp, 0.5)])]


@exports(g.GeluTanhOp)
def _gelu_tanh(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    cube = _chain(ex, x, [(s.HloMultiplyOp, x), (s.HloMultiplyOp, x), (s.HloMultiplyOp, 0.044715), (s.HloAddOp, x)])
    th = _chain(ex, cube, [(s.HloMultiplyOp, float(np.sqrt(2 / np.pi))), (s.HloTanhOp, None), (s.HloAddOp, 1.0)])
    return [_chain(ex, x, [(s.HloMultiplyOp, th), (s.HloMultiplyOp, 0.5)])]


@exports(g.SoftplusOp)
def _softplus(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    # max(x, 0) + log1p(exp(-|x|)): stable for large |x|
    tail = _chain(ex, x, [(s.HloAbsOp, None), (s.HloNegateOp, None), (s.HloExponentialOp, None), (s.HloLogPlusOneOp, None)])
    return [_chain(ex, x, [(s.HloMaximumOp, 0.0), (s.HloAddOp, tail)])]


@exports(g.HardSwishOp)
def _hard_swish(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    gate = _chain(ex, x, [(s.HloAddOp, 3.0), (s.HloMaximumOp, 0.0), (s.HloMinimumOp, 6.0)])
    return [_chain(ex, x, [(s.HloMultiplyOp, gate), (s.HloDivideOp, 6.0)])]


@exports(g.ClipOp)
def _clip(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    steps = []
    if p.has("min"):
        steps.append((s.HloMaximumOp, p.float("min")))
    if p.has("max"):
        steps.append((s.HloMinimumOp, p.float("max")))
    return [_chain(ex, xs[0], steps)]


@exports(g.IsNanOp)
def _isnan(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    t = ex.btype(op.results[0].type)
    return [ex.emit(s.HloCompareOp, [xs[0], xs[0]], t, comparison_direction=s.ComparisonDirectionAttr.of("NE"),
                    compare_type=s.ComparisonTypeAttr.of("FLOAT"))]


@exports(g.IsInfOp)
def _isinf(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    if p.has("detect_positive") or p.has("detect_negative"):
        raise _Fail("detect_positive/detect_negative are not exported")
    return [ex.emit(c.ChloIsInfOp, xs, ex.btype(op.results[0].type))]


# -- shapes ---------------------------------------------------------------------------------
def _reshape(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    return [ex.emit(s.HloReshapeOp, xs, ex.btype(op.results[0].type))]


for _cls in (g.ReshapeOp, g.UnsqueezeOp, g.SqueezeOp, g.FlattenOp):
    exports(_cls)(_reshape)


@exports(g.TransposeOp)
def _transpose(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    return [ex.emit(s.HloTransposeOp, xs, ex.btype(op.results[0].type), permutation=list(_props(op).ints("perm")))]


@exports(g.BroadcastToOp)
def _broadcast_to(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    return [ex.bcast(xs[0], ex.btype(op.results[0].type))]


@exports(g.ConcatOp)
def _concat(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    t = ex.btype(op.results[0].type)
    axis = _props(op).int("axis") % len(t.get_shape())
    return [ex.emit(s.HloConcatenateOp, xs, t, dimension=axis)]


@exports(g.ConstantOp)
def _constant(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    value = op.properties["value"]
    if not isinstance(value, s.DenseIntOrFPElementsAttr):  # type: ignore[attr-defined]
        raise _Fail("external constants are not exported")
    return [ex.emit(s.HloConstantOp, [], ex.btype(op.results[0].type), value=value)]


@exports(g.SliceOp)
def _slice(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    xt = xs[0].type
    assert isinstance(xt, BT)
    shape = list(xt.get_shape())
    rank = len(shape)
    axes = [a % rank for a in p.ints("axes")] if p.has("axes") else list(range(len(p.ints("starts"))))
    steps = list(p.ints("steps")) if p.has("steps") else [1] * len(axes)
    starts, limits, strides = [0] * rank, list(shape), [1] * rank
    reverse = []
    for a, st, en, step in zip(axes, p.ints("starts"), p.ints("ends"), steps, strict=True):
        lo, hi, stp = slice(st, en, step).indices(shape[a])
        if stp > 0:
            starts[a], limits[a], strides[a] = lo, max(hi, lo), stp
            continue
        count = len(range(lo, hi, stp))
        # x[lo:hi:-k] is reverse(x)[d-1-lo :: k]
        starts[a] = shape[a] - 1 - lo
        limits[a] = starts[a] + max((count - 1) * -stp + 1, 0) if count else starts[a]
        strides[a] = -stp
        reverse.append(a)
    x = xs[0]
    if reverse:
        x = ex.emit(s.HloReverseOp, [x], xt, dimensions=reverse)
    return [ex.emit(s.HloSliceOp, [x], ex.btype(op.results[0].type), start_indices=starts, limit_indices=limits, strides=strides)]


@exports(g.PadOp)
def _pad(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    p = _props(op)
    if p.has("mode") and p.str("mode") != "constant":
        raise _Fail(f"mode '{p.str('mode')}' is not exported")
    xt = xs[0].type
    assert isinstance(xt, BT)
    rank = len(xt.get_shape())
    axes = [a % rank for a in p.ints("axes")] if p.has("axes") else list(range(rank))
    pads = p.ints("pads")
    low, high = [0] * rank, [0] * rank
    for i, a in enumerate(axes):
        low[a], high[a] = pads[i], pads[len(axes) + i]
    value = p.float("value") if p.has("value") else 0.0
    pv = ex.const(value, numpy_dtype(xt.element_type))
    return [ex.emit(s.HloPadOp, [xs[0], pv], ex.btype(op.results[0].type), edge_padding_low=low,
                    edge_padding_high=high, interior_padding=[0] * rank)]


@exports(g.MatmulOp)
def _matmul(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    a, b = xs
    at, bt = a.type, b.type
    assert isinstance(at, BT) and isinstance(bt, BT)
    if len(at.get_shape()) < 2 or len(bt.get_shape()) < 2:
        raise _Fail("1-D matmul operands are not exported")
    out = ex.btype(op.results[0].type)
    batch = list(out.get_shape())[:-2]
    nb = len(batch)
    a = ex.bcast(a, BT(at.element_type, [*batch, *list(at.get_shape())[-2:]]))
    b = ex.bcast(b, BT(bt.element_type, [*batch, *list(bt.get_shape())[-2:]]))
    dn = s.DotDimensionNumbersAttr.make(lhs_batching_dimensions=list(range(nb)), rhs_batching_dimensions=list(range(nb)),
                                   lhs_contracting_dimensions=[nb + 1], rhs_contracting_dimensions=[nb])
    return [ex.emit(s.HloDotGeneralOp, [a, b], out, dot_dimension_numbers=dn)]


# -- reductions -----------------------------------------------------------------------------
def _reduce(ex: Exporter, x: SSAValue, axes: list[int], body: type[Operation], init: float) -> SSAValue:
    xt = x.type
    assert isinstance(xt, BT)
    elt = xt.element_type
    shape = list(xt.get_shape())
    out = BT(elt, [n for i, n in enumerate(shape) if i not in axes])
    scalar = BT(elt, [])
    init_v = ex.const(init, numpy_dtype(elt))
    blk = Block(arg_types=[scalar, scalar])
    r = body.create(operands=list(blk.args), result_types=[scalar])
    blk.add_op(r)
    blk.add_op(s.HloReturnOp.create(operands=[r.results[0]]))
    op = s.HloReduceOp.create(operands=[x, init_v], result_types=[out], regions=[Region(blk)],
                              properties={"dimensions": _attr(sorted(axes))})
    ex.block.add_op(op)
    return op.results[0]


def _axes(op: Operation, rank: int) -> list[int]:
    p = _props(op)
    return sorted({a % rank for a in p.ints("axes")}) if p.has("axes") else list(range(rank))


def _init(kind: type[Operation], dtype: np.dtype) -> float:
    if kind in (s.HloAddOp,):
        return 0
    if kind is s.HloMultiplyOp:
        return 1
    big = np.inf if dtype.kind == "f" else np.iinfo(dtype).max
    return -big if kind is s.HloMaximumOp else big


REDUCE = {g.ReduceSumOp: s.HloAddOp, g.ReduceMeanOp: s.HloAddOp, g.ReduceMaxOp: s.HloMaximumOp,
          g.ReduceMinOp: s.HloMinimumOp, g.ReduceProdOp: s.HloMultiplyOp}


@exports(*REDUCE)
def _reduction(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    xt = x.type
    assert isinstance(xt, BT)
    shape = list(xt.get_shape())
    axes = _axes(op, len(shape))
    kind = REDUCE[type(op)]
    r = _reduce(ex, x, axes, kind, _init(kind, numpy_dtype(xt.element_type)))
    if type(op) is g.ReduceMeanOp:
        count = int(np.prod([shape[a] for a in axes])) if axes else 1
        r = _chain(ex, r, [(s.HloDivideOp, float(count))])
    return [ex.emit(s.HloReshapeOp, [r], ex.btype(op.results[0].type))]


@exports(g.SoftmaxOp, g.LogSoftmaxOp)
def _softmax(ex: Exporter, op: Operation, xs: list[SSAValue]) -> list[SSAValue]:
    x = xs[0]
    xt = x.type
    assert isinstance(xt, BT)
    shape = list(xt.get_shape())
    axis = _props(op).int("axis") % len(shape)
    kept = [i for i in range(len(shape)) if i != axis]

    def back(v: SSAValue) -> SSAValue:
        return ex.emit(s.HloBroadcastInDimOp, [v], xt, broadcast_dimensions=kept)

    m = back(_reduce(ex, x, [axis], s.HloMaximumOp, -np.inf))
    shifted = ex.emit(s.HloSubtractOp, [x, m], xt)
    e = ex.emit(s.HloExponentialOp, [shifted], xt)
    total = back(_reduce(ex, e, [axis], s.HloAddOp, 0.0))
    if type(op) is g.SoftmaxOp:
        return [ex.emit(s.HloDivideOp, [e, total], xt)]
    return [ex.emit(s.HloSubtractOp, [shifted, ex.emit(s.HloLogOp, [total], xt)], xt)]


# convolution, pooling, iota, sort, indexing, arg-reductions, cumsum, dense, normalizations register here
from tensorforge.frontends.stablehlo import export_index, export_more, export_nn, export_norm  # noqa: E402, F401
