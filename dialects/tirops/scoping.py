"""Name scoping of tensorir index expressions, checked by `tir.func`'s verifier.

Function symbols come from argument buffer shapes; `tir.for` binds its loop
variable and `tir.block` its iteration variables for their regions. Loop
extents and iteration domains may use symbols only (loops are rectangular;
tails are block predicates), bindings may use loop variables, and indices
and regions may use iteration variables, loop variables and symbols.
"""

from __future__ import annotations

from xdsl.ir import Operation
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.syntax import SSA_PREFIX


def check_scoping(func: Operation) -> None:
    from tensorforge.dialects.tirops.ops import FuncOp

    assert isinstance(func, FuncOp)
    symbols = func.symbols()
    _Checker(symbols, func.sym_name.data).walk(func.body.block.ops, set())


class _Checker:
    def __init__(self, symbols: set[str], func: str) -> None:
        self.symbols = symbols
        self.func = func
        self.bound: set[str] = set()

    def need(self, e: Expr, visible: set[str], what: str) -> None:
        free = {s for s in e.free_symbols() if not s.startswith(SSA_PREFIX)}
        bad = sorted(free - visible - self.symbols)
        if bad:
            raise VerifyException(f"@{self.func}: {what} uses unknown name(s) {', '.join(bad)} in '{e}'")

    def bind(self, name: str, what: str) -> None:
        if name in self.bound or name in self.symbols:
            raise VerifyException(f"@{self.func}: {what} name '{name}' is already used")
        self.bound.add(name)

    def walk(self, ops: object, visible: set[str]) -> None:
        for op in ops:  # type: ignore[attr-defined]
            self.visit(op, visible)

    def visit(self, op: Operation, visible: set[str]) -> None:
        from tensorforge.dialects.tirops.ops import BlockOp, ForOp, IndexOp, LoadOp, StoreOp

        if isinstance(op, ForOp):
            self.need(op.extent_expr, set(), f"extent of loop '{op.var_name}'")
            self.bind(op.var_name, "loop variable")
            self.walk(op.body.block.ops, visible | {op.var_name})
            return
        if isinstance(op, BlockOp):
            self.visit_block(op, visible)
            return
        if isinstance(op, IndexOp):
            self.need(op.expr.data, visible, "tir.index")
            return
        if isinstance(op, LoadOp | StoreOp):
            for e in op.indices:
                self.need(e.data, visible, f"index of {op.name}")
            return
        for region in op.regions:
            for block in region.blocks:
                self.walk(block.ops, visible)

    def visit_block(self, op: Operation, visible: set[str]) -> None:
        from tensorforge.dialects.tirops.ops import BlockOp

        assert isinstance(op, BlockOp)
        inner = set(visible)
        for name, _, dom, binding in op.iters:
            self.need(dom, set(), f"domain of '{name}' in block '{op.name_str}'")
            self.need(binding, visible, f"binding of '{name}' in block '{op.name_str}'")
            self.bind(name, f"iteration variable of block '{op.name_str}'")
            inner.add(name)
        for lhs, rhs in op.predicate_pairs:
            self.need(lhs, visible, f"predicate of block '{op.name_str}'")
            self.need(rhs, visible, f"predicate of block '{op.name_str}'")
        for regs in (op.read_regions, op.write_regions):
            for reg in BlockOp.regions_of(regs):
                for start, ext in reg:
                    self.need(start, inner, f"region of block '{op.name_str}'")
                    self.need(ext, inner, f"region of block '{op.name_str}'")
        for region in (op.init, op.body):
            for block in region.blocks:
                self.walk(block.ops, inner)
