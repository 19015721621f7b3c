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
from xdsl.passes import ModulePass
from xdsl.traits import SymbolTable

from tensorforge.errors import TensorforgeError


@dataclass(frozen=True)
class InlineCallsPass(ModulePass):
    """Inline graph.call ops of non-fused functions into the entry function."""

    name = "graph-inline"

    entry: str = "main"
    """The graph function to inline into."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from tensorforge.dialects.graphops.func import FuncOp
        from tensorforge.runtime.inline import inline_calls

        if not isinstance(SymbolTable.lookup_symbol(op, self.entry), FuncOp):
            raise TensorforgeError(f"graph-inline: no graph function @{self.entry} in the module")
        inline_calls(op, self.entry)
        _erase_unused_private(op)


def _erase_unused_private(module: ModuleOp) -> None:
    """Private graph functions nobody calls any more would still be lowered and compiled."""
    from tensorforge.dialects.graphops.func import CallOp, FuncOp

    called = {call.callee.root_reference.data for call in module.walk() if isinstance(call, CallOp)}
    for func in list(module.body.block.ops):
        if not isinstance(func, FuncOp) or func.sym_visibility is None:
            continue
        if func.sym_visibility.data == "private" and func.sym_name.data not in called:
            module.body.block.erase_op(func)
