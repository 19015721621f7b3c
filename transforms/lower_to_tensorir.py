"""`graph-lower-to-tensorir`: every graph op becomes a call to a tir.func.

Each op is described with the `te` builder by its registered lowering
(`lowering/`); identical ops (same kind, properties and types) share one
function. Graph functions marked `graph.fused` lower as a whole: all their
ops become stages of ONE tir.func, intermediates become buffers, and the
callers' `graph.call` becomes `graph.call_tir`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from tensorforge.dialects.graphops.base import GraphOp
from tensorforge.dialects.graphops.call_tir import CallTirOp
from tensorforge.dialects.graphops.func import FuncOp
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.errors import IRError
from tensorforge.lowering.registry import LOWERINGS, load_all
from tensorforge.lowering.te import PrimFuncBuilder


def lower_op(op: Operation, name: str) -> TirFuncOp:
    """One graph op as a tir.func: inputs then outputs."""
    b = PrimFuncBuilder(name)
    ins = [b.input(f"in{i}", v.type) for i, v in enumerate(op.operands)]  # type: ignore[arg-type]
    base = f"T_{_op_name(op)}"
    outs = [b.output(base if len(op.results) == 1 else f"{base}_{i}", r.type) for i, r in enumerate(op.results)]  # type: ignore[arg-type]
    LOWERINGS[type(op)](op, b, ins, outs)
    return b.finish()


def _key(op: Operation) -> str:
    props = ", ".join(f"{k}={v}" for k, v in sorted(op.properties.items()))
    return f"{op.name}|{props}|{[str(v.type) for v in op.operands]}|{[str(r.type) for r in op.results]}"


def _op_name(op: Operation) -> str:
    return op.name.split(".", 1)[1]


@dataclass(frozen=True)
class LowerToTensorIRPass(ModulePass):
    """Lower graph ops to tensorir functions called with graph.call_tir."""

    name = "graph-lower-to-tensorir"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        load_all()
        funcs = [f for f in op.body.block.ops if isinstance(f, FuncOp)]
        missing = sorted({o.name for f in funcs for o in f.walk() if isinstance(o, GraphOp) and type(o) not in LOWERINGS})
        if missing:
            raise IRError(f"graph-lower-to-tensorir: no lowering for {', '.join(missing)}")
        cache: dict[str, str] = {}
        used = {f.sym_name.data for f in op.body.block.ops if hasattr(f, "sym_name")}  # type: ignore[attr-defined]
        for func in funcs:
            for inner in list(func.body.walk()):
                if isinstance(inner, GraphOp):
                    self._lower(op, func, inner, cache, used)

    def _lower(self, module: ModuleOp, func: FuncOp, op: GraphOp, cache: dict[str, str], used: set[str]) -> None:
        key = _key(op)
        name = cache.get(key)
        if name is None:
            name = _fresh(f"{_op_name(op)}", used)
            module.body.block.add_op(lower_op(op, name))
            cache[key] = name
        call = CallTirOp(name, list(op.operands), [r.type for r in op.results if isinstance(r.type, TensorType)])
        call.location = op.location
        Rewriter.replace_op(op, call)


def _fresh(base: str, used: set[str]) -> str:
    name, k = base, 0
    while name in used:
        k += 1
        name = f"{base}_{k}"
    used.add(name)
    return name
