"""Inline `graph.call`s of ordinary graph functions into the entry function,
so the entry is one straight-line sequence of ops (fused functions stay calls:
they lower to single kernels)."""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import Rewriter
from xdsl.traits import SymbolTable

from tensorforge.dialects.graphops.func import CallOp, FuncOp, ReturnOp
from tensorforge.transforms.lower_to_tensorir import FUSED_ATTR


def inline_calls(module: ModuleOp, entry: str, depth: int = 0) -> None:
    func = SymbolTable.lookup_symbol(module, entry)
    if not isinstance(func, FuncOp):
        return
    changed = True
    while changed:
        changed = False
        for call in [op for op in func.body.walk() if isinstance(op, CallOp)]:
            callee = SymbolTable.lookup_symbol(module, call.callee)
            if not isinstance(callee, FuncOp) or FUSED_ATTR in callee.attributes or not callee.body.blocks:
                continue
            _inline(call, callee)
            changed = True
    from tensorforge.transforms.infer_shapes import infer_function

    infer_function(func, {f.sym_name.data: f for f in module.body.block.ops if isinstance(f, FuncOp)})


def _inline(call: CallOp, callee: FuncOp) -> None:
    mapping: dict[SSAValue, SSAValue] = dict(zip(callee.body.block.args, call.arguments, strict=True))
    parent = call.parent_block()
    assert parent is not None
    results: list[SSAValue] = []
    for op in callee.body.block.ops:
        if isinstance(op, ReturnOp):
            results = [mapping[v] for v in op.arguments]
            continue
        clone: Operation = op.clone(value_mapper=mapping)
        parent.insert_op_before(clone, call)
        for old, new in zip(op.results, clone.results, strict=True):
            mapping[old] = new
    Rewriter.replace_op(call, [], results)
