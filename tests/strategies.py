"""Hypothesis strategies for random well-typed graph functions.

`graph_programs()` draws a `Program`: a module with one function `@main`
whose arguments have static and symbolic dims, built by applying random op
builders from `CATALOG` to values already available, plus concrete inputs
(a binding of every symbol). The rewrites issue reuses it for property tests
of every pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.types import TensorType, element_type_of
from tensorforge.ir import verify_module

FLOAT_DTYPES = [np.float32, np.float64]
INT_DTYPES = [np.int32, np.int64]
SYMBOLS = ["n", "m"]

Draw = Callable[[st.SearchStrategy[Any]], Any]
Builder = Callable[[Draw, list[SSAValue]], Operation | list[Operation] | None]


@dataclass
class Program:
    module: ModuleOp
    inputs: list[np.ndarray]
    binding: dict[str, int]
    ops: list[str] = field(default_factory=list)


def _tt(v: SSAValue) -> TensorType:
    assert isinstance(v.type, TensorType)
    return v.type


def _pick(draw: Draw, values: list[SSAValue], pred: Callable[[TensorType], bool]) -> SSAValue | None:
    ok = [v for v in values if pred(_tt(v))]
    return draw(st.sampled_from(ok)) if ok else None


def _is_float(t: TensorType) -> bool:
    return t.dtype.kind == "f"


def _is_num(t: TensorType) -> bool:
    return t.dtype.kind in "fi"


UNARY_FLOAT = [g.ExpOp, g.TanhOp, g.SigmoidOp, g.ReluOp, g.NegOp, g.AbsOp, g.SinOp, g.CosOp, g.FloorOp,
               g.CeilOp, g.RoundOp, g.SiluOp, g.GeluOp, g.GeluTanhOp, g.SoftplusOp, g.ErfOp, g.HardSwishOp, g.SignOp]
UNARY_NUM = [g.NegOp, g.AbsOp, g.ReluOp, g.SignOp]
BINARY_NUM = [g.AddOp, g.SubOp, g.MulOp, g.MaximumOp, g.MinimumOp]
COMPARE = [g.EqOp, g.NeOp, g.LtOp, g.LeOp, g.GtOp, g.GeOp]


def unary(draw: Draw, values: list[SSAValue]) -> Operation | None:
    x = _pick(draw, values, _is_num)
    if x is None:
        return None
    ops = UNARY_FLOAT if _is_float(_tt(x)) else UNARY_NUM
    return draw(st.sampled_from(ops))(x)


def binary(draw: Draw, values: list[SSAValue]) -> Operation | None:
    x = _pick(draw, values, _is_num)
    if x is None:
        return None
    t = _tt(x)
    # a partner of the same dtype whose shape broadcasts: same shape, a suffix, or size-1 dims
    partners = [v for v in values if _tt(v).element_type == t.element_type and _broadcastable(_tt(v), t)]
    y = draw(st.sampled_from(partners))
    op_cls = draw(st.sampled_from(BINARY_NUM + COMPARE))
    return op_cls(x, y) if draw(st.booleans()) else op_cls(y, x)


def _broadcastable(a: TensorType, b: TensorType) -> bool:
    for da, db in zip(reversed(a.dims), reversed(b.dims), strict=False):
        if da != db and da != 1 and db != 1:
            return False
    return True


def where(draw: Draw, values: list[SSAValue]) -> Operation | None:
    c = _pick(draw, values, lambda t: t.dtype == np.bool_)
    if c is None:
        return None
    x = _pick(draw, values, lambda t: _is_num(t) and _broadcastable(t, _tt(c)))
    if x is None:
        return None
    return g.WhereOp(c, x, x)


def cast(draw: Draw, values: list[SSAValue]) -> Operation | None:
    x = _pick(draw, values, lambda t: True)
    if x is None:
        return None
    to = draw(st.sampled_from([np.float32, np.float64, np.int32, np.int64, np.bool_]))
    return g.CastOp(x, to=element_type_of(np.dtype(to)))


CATALOG: list[Builder] = [unary, binary, where, cast]
"""Op builders; other families append theirs (see `register_builder`)."""


def register_builder(fn: Builder) -> Builder:
    CATALOG.append(fn)
    return fn


@st.composite
def arg_types(draw: Draw) -> list[TensorType]:
    rank = draw(st.integers(1, 3))
    base: list[Any] = [draw(st.sampled_from([*SYMBOLS, 1, 2, 3])) for _ in range(rank)]
    dtype = draw(st.sampled_from(FLOAT_DTYPES + INT_DTYPES))
    count = draw(st.integers(1, 3))
    types: list[TensorType] = []
    for _ in range(count):
        drop = draw(st.integers(0, rank - 1))
        types.append(TensorType(base[drop:], element_type_of(np.dtype(dtype))))
    return types


@st.composite
def graph_programs(draw: Draw, max_ops: int = 8) -> Program:
    types = draw(arg_types())
    block = Block(arg_types=types)
    values: list[SSAValue] = list(block.args)
    names: list[str] = []
    for _ in range(draw(st.integers(1, max_ops))):
        builder = draw(st.sampled_from(CATALOG))
        built = builder(draw, values)
        for op in [] if built is None else built if isinstance(built, list) else [built]:
            block.add_op(op)
            values.extend(op.results)
            names.append(op.name)
    results = values[len(types):] or values[:1]
    outs = results[-2:]
    block.add_op(g.ReturnOp(*outs))
    func = g.FuncOp("main", [(f"x{i}", t) for i, t in enumerate(types)], [(f"y{i}", v.type) for i, v in enumerate(outs)], Region(block))
    module = ModuleOp([func])
    verify_module(module)
    binding = {s: draw(st.integers(1, 4)) for s in SYMBOLS}
    inputs = [_random_array(draw, t, binding) for t in types]
    return Program(module, inputs, binding, names)


def _random_array(draw: Draw, t: TensorType, binding: dict[str, int]) -> np.ndarray:
    shape = tuple(d.evaluate(binding) for d in t.dims)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if t.dtype.kind == "f":
        return rng.uniform(-3, 3, size=shape).astype(t.dtype)
    if t.dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(bool)
    return rng.integers(-5, 6, size=shape).astype(t.dtype)


# -- builders for the other op families ------------------------------------------------
def _perm(draw: Draw, rank: int) -> list[int]:
    return list(draw(st.permutations(list(range(rank)))))


@register_builder
def transpose(draw: Draw, values: list[SSAValue]) -> Operation | None:
    x = _pick(draw, values, lambda t: t.rank >= 2)
    return None if x is None else g.TransposeOp(x, perm=_perm(draw, _tt(x).rank))


@register_builder
def reshape(draw: Draw, values: list[SSAValue]) -> Operation | None:
    x = _pick(draw, values, lambda t: t.rank >= 2)
    if x is None:
        return None
    dims = list(_tt(x).dims)
    merged = [*dims[:-2], dims[-2] * dims[-1]]
    zero = any(d.is_const() and d.value() == 0 for d in merged)
    if zero:  # 0 is a size (allowzero), and a -1 beside a 0 could not be inferred
        return g.ReshapeOp(x, shape=merged, allowzero=True)
    target = [-1 if i == 0 else d for i, d in enumerate(merged)] if draw(st.booleans()) else merged
    return g.ReshapeOp(x, shape=target)


@register_builder
def unsqueeze_squeeze(draw: Draw, values: list[SSAValue]) -> Operation | None:
    x = _pick(draw, values, lambda t: t.rank <= 3)
    if x is None:
        return None
    axis = draw(st.integers(-_tt(x).rank - 1, _tt(x).rank))
    return g.UnsqueezeOp(x, axes=[axis])


@register_builder
def reduce(draw: Draw, values: list[SSAValue]) -> Operation | None:
    x = _pick(draw, values, lambda t: _is_float(t) and t.rank >= 1)
    if x is None:
        return None
    op_cls = draw(st.sampled_from([g.ReduceSumOp, g.ReduceMeanOp, g.ReduceMaxOp, g.ReduceMinOp, g.SoftmaxOp, g.LogSoftmaxOp]))
    axis = draw(st.integers(-_tt(x).rank, _tt(x).rank - 1))
    if op_cls in (g.SoftmaxOp, g.LogSoftmaxOp):
        return op_cls(x, axis=axis)
    return op_cls(x, axes=[axis], keepdims=draw(st.booleans()))


@register_builder
def concat(draw: Draw, values: list[SSAValue]) -> Operation | None:
    x = _pick(draw, values, lambda t: t.rank >= 1)
    if x is None:
        return None
    t = _tt(x)
    axis = draw(st.integers(0, t.rank - 1))
    same = [v for v in values if _tt(v).element_type == t.element_type and _tt(v).rank == t.rank
            and all(a == b for i, (a, b) in enumerate(zip(_tt(v).dims, t.dims, strict=True)) if i != axis)]
    parts = draw(st.lists(st.sampled_from(same), min_size=1, max_size=3))
    return g.ConcatOp(parts, axis=axis)


@register_builder
def matmul(draw: Draw, values: list[SSAValue]) -> Operation | list[Operation] | None:
    x = _pick(draw, values, lambda t: _is_num(t) and t.rank >= 2)
    if x is None:
        return None
    k = _tt(x).dims[-1]
    ys = [v for v in values if _tt(v).element_type == _tt(x).element_type and _tt(v).rank >= 2 and _tt(v).dims[-2] == k
          and _broadcastable(TensorType(_tt(v).dims[:-2], _tt(v).element_type), TensorType(_tt(x).dims[:-2], _tt(x).element_type))]
    if not ys:
        rank = _tt(x).rank
        t = g.TransposeOp(x, perm=[*range(rank - 2), rank - 1, rank - 2])
        return [t, g.MatmulOp(x, t.result)]
    return g.MatmulOp(x, draw(st.sampled_from(ys)))


@register_builder
def slice_pad(draw: Draw, values: list[SSAValue]) -> Operation | None:
    x = _pick(draw, values, lambda t: t.rank >= 1)
    if x is None:
        return None
    rank = _tt(x).rank
    axis = draw(st.integers(0, rank - 1))
    if draw(st.booleans()):
        start = draw(st.integers(-3, 3))
        end = draw(st.sampled_from([-1, 2, 5, 2**62]))
        step = draw(st.sampled_from([1, 2, -1]))
        return g.SliceOp(x, starts=[start], ends=[end], axes=[axis], steps=[step])
    pads = [0] * (2 * rank)
    pads[axis] = draw(st.integers(0, 2))
    pads[rank + axis] = draw(st.integers(0, 2))
    return g.PadOp(x, pads=pads)
