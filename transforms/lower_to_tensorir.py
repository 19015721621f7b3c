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
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from tensorforge.dialects.graphops.base import GraphOp
from tensorforge.dialects.graphops.call_tir import CallTirOp
from tensorforge.dialects.graphops.func import CallOp, FuncOp, ReturnOp
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.tirops.ops import AllocOp, BlockOp
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.errors import IRError
from tensorforge.lowering.registry import LOWERINGS, load_all
from tensorforge.lowering.te import Buf, PrimFuncBuilder


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
        for func in [f for f in funcs if FUSED_ATTR in f.attributes]:
            _lower_fused(op, func, used)
        for func in [f for f in funcs if FUSED_ATTR not in f.attributes]:
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


FUSED_ATTR = "graph.fused"
"""Unit attribute on a graph.func whose ops form one fused group (made by graph-fuse-ops)."""


def lower_fused_func(func: FuncOp, name: str) -> TirFuncOp:
    """All ops of a fused graph function as stages of one tir.func; producers
    that are pure elementwise/injective stages are then inlined."""
    b = PrimFuncBuilder(name)
    bufs: dict[SSAValue, Buf] = {}
    for i, arg in enumerate(func.body.block.args):
        bufs[arg] = b.input(func.arg_name_list[i], arg.type)  # type: ignore[arg-type]
    ret = func.body.block.last_op
    assert isinstance(ret, ReturnOp)
    returned = list(ret.arguments)
    outs = [b.output(n, v.type) for n, v in zip(func.res_name_list, returned, strict=True)]  # type: ignore[arg-type]
    first_out: dict[SSAValue, Buf] = {}
    for v, out in zip(returned, outs, strict=True):
        first_out.setdefault(v, out)
    for op in func.body.block.ops:
        if isinstance(op, ReturnOp):
            continue
        if not isinstance(op, GraphOp):
            raise IRError(f"fused function @{func.sym_name.data} contains {op.name}, which cannot be fused")
        results: list[Buf] = []
        for r in op.results:
            t = r.type
            assert isinstance(t, TensorType)
            results.append(first_out.get(r) or b.alloc(f"T_{_op_name(op)}", t.dims, t.element_type))
            bufs[r] = results[-1]
        LOWERINGS[type(op)](op, b, [bufs[v] for v in op.operands], results)
    for v, out in zip(returned, outs, strict=True):
        if bufs[v] is not out:  # an argument, or a value returned twice: copy it
            src = bufs[v]
            b.compute(out, lambda i, src=src: src[tuple(i)], name=f"copy_{out.name}")
    tir = b.finish()
    _inline_producers(tir)
    return tir


def _inline_producers(tir: TirFuncOp) -> None:
    """compute_inline every block that writes an intermediate, where allowed."""
    from tensorforge.schedule import Schedule, ScheduleError
    from tensorforge.schedule.registry import PRIMITIVES
    from tensorforge.schedule.registry import load_all as load_primitives

    load_primitives()
    if "compute_inline" not in PRIMITIVES:
        return
    module = ModuleOp([])
    parent = tir.parent_block()
    if parent is None:
        module.body.block.add_op(tir)
    sch = Schedule(module if parent is None else tir.parent_op(), func=tir.sym_name.data)  # type: ignore[arg-type]
    allocs = {op.result for op in tir.body.block.ops if isinstance(op, AllocOp)}
    for block in [o for o in tir.walk() if isinstance(o, BlockOp)]:
        if not any(w in allocs for w in block.writes):
            continue
        try:
            sch.compute_inline(block.name_str)
        except ScheduleError:
            continue
    if parent is None:
        tir.detach()


def _lower_fused(module: ModuleOp, func: FuncOp, used: set[str]) -> None:
    """The tir.func takes the fused graph function's name (the latter disappears)."""
    name = func.sym_name.data
    tir = lower_fused_func(func, name)
    for call in [o for o in module.walk() if isinstance(o, CallOp) and o.callee.root_reference.data == func.sym_name.data]:
        new = CallTirOp(name, list(call.arguments), [r.type for r in call.res])  # type: ignore[misc]
        new.location = call.location
        Rewriter.replace_op(call, new)
    func.detach()
    func.erase()
    module.body.block.add_op(tir)


def _fresh(base: str, used: set[str]) -> str:
    name, k = base, 0
    while name in used:
        k += 1
        name = f"{base}_{k}"
    used.add(name)
    return name
