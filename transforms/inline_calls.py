"""`graph-inline{entry="main"}`: inline calls of ordinary graph functions into
the entry, so it becomes one straight-line sequence of ops (what the runtime
compiles). Fused functions (`graph.fused`) stay calls: each lowers to one
kernel.

    graph.func @main(%x) { %y = graph.call @block(%x) ... }
  becomes
    graph.func @main(%x) { <the ops of @block on %x> ... }
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter
from xdsl.traits import SymbolTable

from tensorforge.dialects.graphops.func import CallOp, FuncOp, ReturnOp
from tensorforge.errors import TensorforgeError
from tensorforge.transforms.lower_to_tensorir import FUSED_ATTR


@dataclass(frozen=True)
class InlineCallsPass(ModulePass):
    """Inline graph.call ops of non-fused functions into the entry function."""

    name = "graph-inline"

    entry: str = "main"
    """The graph function to inline into."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if not isinstance(SymbolTable.lookup_symbol(op, self.entry), FuncOp):
            raise TensorforgeError(f"graph-inline: no graph function @{self.entry} in the module")
        inline_calls(op, self.entry)
        _erase_unused_private(op)


def _erase_unused_private(module: ModuleOp) -> None:
    """Private graph functions nobody calls any more would still be lowered and compiled."""
    called = {call.callee.root_reference.data for call in module.walk() if isinstance(call, CallOp)}
    for func in list(module.body.block.ops):
        if not isinstance(func, FuncOp) or func.sym_visibility is None:
            continue
        if func.sym_visibility.data == "private" and func.sym_name.data not in called:
            module.body.block.erase_op(func)


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
