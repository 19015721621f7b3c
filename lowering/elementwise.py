"""Lowerings of the elementwise graph ops (semantics as in interp/elementwise.py)."""

from __future__ import annotations

from xdsl.ir import Operation

from tensorforge.dialects import graph as g
from tensorforge.lowering.registry import broadcast_index, lowers
from tensorforge.lowering.te import Buf, PrimFuncBuilder, S, binary, call, compare, maximum, minimum


def _pointwise(b: PrimFuncBuilder, ins: list[Buf], out: Buf, fn) -> None:  # noqa: ANN001
    def body(i: list) -> S:  # noqa: ANN001
        return fn(*[x[tuple(broadcast_index(x, i, out.shape))] for x in ins])

    b.compute(out, body)


_SIMPLE_BINARY = {
    g.AddOp: lambda a, c: a + c,
    g.SubOp: lambda a, c: a - c,
    g.MulOp: lambda a, c: a * c,
    g.MaximumOp: maximum,
    g.MinimumOp: minimum,
    g.EqOp: lambda a, c: compare("eq", a, c),
    g.NeOp: lambda a, c: compare("ne", a, c),
    g.LtOp: lambda a, c: compare("lt", a, c),
    g.LeOp: lambda a, c: compare("le", a, c),
    g.GtOp: lambda a, c: compare("gt", a, c),
    g.GeOp: lambda a, c: compare("ge", a, c),
    g.AndOp: lambda a, c: binary("and", a, c),
    g.OrOp: lambda a, c: binary("or", a, c),
    g.XorOp: lambda a, c: binary("xor", a, c),
}


@lowers(*_SIMPLE_BINARY)
def _binary(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    _pointwise(b, ins, outs[0], _SIMPLE_BINARY[type(op)])


_SIMPLE_UNARY = {
    g.ExpOp: lambda x: call("exp", x),
    g.TanhOp: lambda x: call("tanh", x),
    g.SqrtOp: lambda x: call("sqrt", x),
    g.LogOp: lambda x: call("log", x),
}


@lowers(*_SIMPLE_UNARY)
def _unary(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    _pointwise(b, ins, outs[0], _SIMPLE_UNARY[type(op)])
