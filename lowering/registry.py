"""Graph op -> tensorir lowerings (the TOPI / legalize layer).

A lowering is `fn(op, b, ins, outs)`: it describes the op's outputs in terms
of its inputs with the `te` builder `b`; `ins`/`outs` are buffers (function
arguments, or intermediates when ops are fused into one function). Families
register from `lowering/<family>.py`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from xdsl.ir import Operation

from tensorforge.dialects.symbolic import Expr
from tensorforge.lowering.te import Buf, PrimFuncBuilder

Lowering = Callable[[Operation, PrimFuncBuilder, list[Buf], list[Buf]], None]
LOWERINGS: dict[type[Operation], Lowering] = {}

FAMILIES = (
    "tensorforge.lowering.elementwise",
    "tensorforge.lowering.nn",
    "tensorforge.lowering.reduce",
    "tensorforge.lowering.shape",
    "tensorforge.lowering.index",
    "tensorforge.lowering.attention",
)


def lowers(*op_types: type[Operation]) -> Callable[[Lowering], Lowering]:
    def register(fn: Lowering) -> Lowering:
        for t in op_types:
            LOWERINGS[t] = fn
        return fn

    return register


def load_all() -> None:
    for name in FAMILIES:
        importlib.import_module(name)


def broadcast_index(buf: Buf, out_idx: Sequence[Expr], out_shape: Sequence[Expr]) -> list[Expr]:
    """numpy broadcasting: right-align; a static 1 against a non-1 dim reads index 0."""
    rank = buf.type.rank
    lead = len(out_idx) - rank
    idx: list[Expr] = []
    for d in range(rank):
        dim = buf.shape[d]
        out_dim = out_shape[lead + d]
        idx.append(Expr.const(0) if dim == 1 and out_dim != 1 else out_idx[lead + d])
    return idx


def props_of(op: Operation):
    from tensorforge.dialects.graphops.base import Props

    return Props(type(op), dict(op.properties))  # type: ignore[arg-type]
