"""Shared pieces of the default schedule rules: structure queries on blocks and
loop nests, tile-size choices, and `attempt`, which runs a rule and rolls the
function (and the trace) back when any primitive refuses.

Rules recognize work by block structure, never by names: iteration variable
kinds, which variables index which buffer dimensions, and the ops of a body.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from xdsl.ir import Operation, SSAValue

from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.ops import BlockOp, ForOp, FuncOp, LoadOp, StoreOp
from tensorforge.schedule.ir_utils import ScheduleError, enclosing_loops, find_block, single_child
from tensorforge.schedule.schedule import Schedule

T = TypeVar("T")

DEBUG = os.environ.get("TENSORFORGE_SCHEDULE_DEBUG", "") not in ("", "0")
"""Re-raise unexpected (non-ScheduleError) exceptions instead of falling back."""

VECTOR_WIDTHS = (64, 32, 16, 8)
"""Inner (vectorized) loop extents tried for elementwise work, widest first:
LLVM gets one straight-line vector body of that many lanes per iteration."""

MIN_PARALLEL_POINTS = 1 << 14
"""Below this many statically known iterations a nest stays on one thread:
starting the thread team costs more than the work."""

COMPILED_MIN_PARALLEL_POINTS = 1 << 18
"""The threshold `tensorforge.compile` plans with. Its libgomp waits passively
(runtime/threads.py), so each parallel region pays a worker wake-up, and on a
busy machine it waits for the slower of two time-shared threads: measured on the
encoder layer (W4, 24 kernels), 13.5 -> 10.2 ms with 1 << 18 instead of 1 << 14
(work below it runs well under 0.1 ms on one core)."""


LOG: list[str] = []
"""Refusals met by the rules (why a fallback ran), newest last; for debugging."""


@dataclass
class Config:
    threads: int
    """Cores to plan for (parallel loops are used only when > 1)."""
    min_parallel_points: int = MIN_PARALLEL_POINTS
    """Work (points, or vector operations for matmul) below which nests stay serial."""


class Failed(Exception):
    """Raised by a rule to give up on its plan (rolled back like a ScheduleError)."""


FAILED = object()


def attempt(sch: Schedule, fn: Callable[[], T], log: list[str] | None = None) -> T | object:
    """Run `fn`; on any refusal restore the function and trace as they were and
    return FAILED. Unexpected exceptions are treated the same way (a default
    schedule must never break compilation) unless TENSORFORGE_SCHEDULE_DEBUG is set."""
    saved = sch.func().clone()
    mark = len(sch.trace.insts)
    try:
        return fn()
    except (ScheduleError, Failed) as e:
        reason: BaseException = e
    except Exception as e:
        if DEBUG:
            raise
        reason = e
    current = sch.func()
    parent = current.parent_block()
    assert parent is not None
    parent.insert_op_before(saved, current)
    current.detach()
    current.erase()
    del sch.trace.insts[mark:]
    (LOG if log is None else log).append(f"@{sch.func_name}: {type(reason).__name__}: {reason}")
    return FAILED


# -- structure -------------------------------------------------------------------------
def func_blocks(func: FuncOp) -> list[BlockOp]:
    return [op for op in func.walk() if isinstance(op, BlockOp)]


def top_nests(func: FuncOp) -> list[Operation]:
    """Top-level loop nests (or bare blocks) of the function, in program order."""
    return [op for op in func.body.block.ops if isinstance(op, ForOp | BlockOp)]


def is_reduction(block: BlockOp) -> bool:
    return any(kind == "reduce" for _, kind, _, _ in block.iters)


def perfect_loops(block: BlockOp) -> list[ForOp] | None:
    """The loops around `block` when they form a perfect nest with the block
    as the only statement of the innermost loop; None otherwise."""
    loops = enclosing_loops(block)
    if not loops:
        return []
    for outer, inner in zip(loops, [*loops[1:], block], strict=True):
        if single_child(outer) is not inner:
            return None
    return loops


def loop_of(block: BlockOp, iter_name: str) -> str | None:
    """The loop variable an iteration variable is bound to, when bound to exactly one loop."""
    binding = next(b for n, _, _, b in block.iters if n == iter_name)
    if binding.is_symbol():
        return next(iter(binding.free_symbols()))
    return None


def iter_dom(block: BlockOp, iter_name: str) -> Expr:
    return next(d for n, _, d, _ in block.iters if n == iter_name)


def body_ops(block: BlockOp) -> list[Operation]:
    return [o for op in block.body.block.ops for o in op.walk()]


def body_loads(block: BlockOp) -> list[LoadOp]:
    return [op for op in body_ops(block) if isinstance(op, LoadOp)]


def body_stores(block: BlockOp) -> list[StoreOp]:
    return [op for op in body_ops(block) if isinstance(op, StoreOp)]


def index_exprs(op: LoadOp | StoreOp) -> list[Expr]:
    return [d.data for d in op.indices]


def plain_var(e: Expr) -> str | None:
    return next(iter(e.free_symbols())) if e.is_symbol() else None


def block_named(sch: Schedule, name: str) -> BlockOp:
    return find_block(sch.func(), name)


def loop_extent(sch: Schedule, loop: str) -> Expr:
    for op in sch.func().walk():
        if isinstance(op, ForOp) and op.var_name == loop:
            return op.extent_expr
    raise ScheduleError(f"no loop '{loop}'")


def static(e: Expr) -> int | None:
    return e.value() if e.is_const() else None


def elem_bytes(buf: SSAValue) -> int:
    t = str(getattr(buf.type, "element_type", "f32"))
    digits = "".join(c for c in t if c.isdigit())
    return max(int(digits) // 8, 1) if digits else 4


# -- tile sizes ---------------------------------------------------------------------------
def largest_divisor(n: int, candidates: tuple[int, ...] | list[int]) -> int | None:
    return next((c for c in candidates if c <= n and n % c == 0), None)


def divisor_at_most(n: int, limit: int) -> int:
    """The largest divisor of n that is <= limit (at least 1)."""
    for d in range(min(n, limit), 0, -1):
        if n % d == 0:
            return d
    return 1


def vector_split(extent: Expr) -> tuple[int | None, bool]:
    """(inner width, whether a split is needed) for vectorizing a loop of `extent`.

    Static extents split by the widest of VECTOR_WIDTHS that divides them (no
    tail); short static extents are vectorized whole; others split by 16 with
    a predicated tail. None: not worth vectorizing (tiny static extent)."""
    n = static(extent)
    if n is None:
        return 16, True
    if n < 4:
        return None, False
    width = largest_divisor(n, VECTOR_WIDTHS)
    if width is not None and width < n:
        return width, True
    if n <= 64:
        return n, False
    return 16, True


def points(extents: list[Expr]) -> int | None:
    """Product of static extents (None when any is symbolic)."""
    total = 1
    for e in extents:
        n = static(e)
        if n is None:
            return None
        total *= n
    return total


def worth_parallel(cfg: Config, work: int | None) -> bool:
    return cfg.threads > 1 and (work is None or work >= cfg.min_parallel_points)


def apply_quietly(sch: Schedule, kind: str, **args: Any) -> bool:
    """A primitive that may refuse without spoiling the rest of a plan (vectorize,
    unroll, parallel marks): True when applied."""
    try:
        sch.apply(kind, **args)
    except ScheduleError:
        return False
    return True
