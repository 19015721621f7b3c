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
Builder = Callable[[Draw, list[SSAValue]], Operation | None]


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
        op = builder(draw, values)
        if op is None:
            continue
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
