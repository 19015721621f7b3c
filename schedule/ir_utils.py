"""Queries and rewrites on tensorir shared by the schedule primitives."""

from __future__ import annotations

from collections.abc import Iterator

from xdsl.dialects.builtin import ArrayAttr
from xdsl.ir import Operation

from tensorforge.dialects.graphops.types import DimAttr
from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.ops import BlockOp, ForOp, FuncOp, IndexOp, LoadOp, StoreOp


class ScheduleError(ValueError):
    """A schedule primitive refused a request; the message names the block or loop."""


def find_block(func: FuncOp, name: str) -> BlockOp:
    for op in func.walk():
        if isinstance(op, BlockOp) and op.name_str == name:
            return op
    raise ScheduleError(f"no block named '{name}' in @{func.sym_name.data}")


def find_loop(func: FuncOp, var: str) -> ForOp:
    for op in func.walk():
        if isinstance(op, ForOp) and op.var_name == var:
            return op
    raise ScheduleError(f"no loop named '{var}' in @{func.sym_name.data}")


def enclosing_loops(op: Operation) -> list[ForOp]:
    """Loops around `op`, outermost first."""
    out: list[ForOp] = []
    cur = op.parent_op()
    while cur is not None and not isinstance(cur, FuncOp):
        if isinstance(cur, ForOp):
            out.append(cur)
        cur = cur.parent_op()
    return list(reversed(out))


def blocks_under(op: Operation) -> list[BlockOp]:
    return [o for o in op.walk() if isinstance(o, BlockOp)]


def all_names(func: FuncOp) -> set[str]:
    names = set(func.symbols())
    for op in func.walk():
        if isinstance(op, ForOp):
            names.add(op.var_name)
        if isinstance(op, BlockOp):
            names |= {n for n, _, _, _ in op.iters}
    return names


def fresh_name(func: FuncOp, base: str, taken: set[str] | None = None) -> str:
    used = all_names(func) | (taken or set())
    if base not in used:
        return base
    k = 1
    while f"{base}_{k}" in used:
        k += 1
    return f"{base}_{k}"


def block_names(func: FuncOp) -> set[str]:
    return {op.name_str for op in func.walk() if isinstance(op, BlockOp)}


def _sub(attr: DimAttr, env: dict[str, Expr]) -> DimAttr:
    return DimAttr(attr.data.substitute(env))


def substitute_loop_vars(root: Operation, env: dict[str, Expr]) -> None:
    """Replace loop variables in everything that may use them under `root`:
    block bindings and predicates, load/store indices, tir.index."""
    for op in root.walk():
        if isinstance(op, BlockOp):
            op.properties["iter_bindings"] = ArrayAttr([_sub(d, env) for d in op.iter_bindings])
            op.properties["predicates"] = ArrayAttr([_sub(d, env) for d in op.predicates])
        elif isinstance(op, LoadOp | StoreOp):
            op.properties["indices"] = ArrayAttr([_sub(d, env) for d in op.indices])
        elif isinstance(op, IndexOp):
            op.properties["expr"] = _sub(op.expr, env)


def add_predicate(block: BlockOp, lhs: Expr, rhs: Expr) -> None:
    block.properties["predicates"] = ArrayAttr([*block.predicates.data, DimAttr(lhs), DimAttr(rhs)])


def single_child(loop: ForOp) -> Operation | None:
    ops = list(loop.body.block.ops)
    return ops[0] if len(ops) == 1 else None


def iter_walk_loops(op: Operation) -> Iterator[ForOp]:
    for o in op.walk():
        if isinstance(o, ForOp):
            yield o


def uses_var(block: BlockOp, var: str, kinds: tuple[str, ...] = ("spatial", "reduce")) -> bool:
    return any(kind in kinds and var in binding.free_symbols() for _, kind, _, binding in block.iters)
