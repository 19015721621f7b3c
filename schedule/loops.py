"""Loop primitives: get_block, get_loops, split, fuse, reorder, parallel,
vectorize, unroll, bind, annotate.

Loop variables and block names are the handles. Loops are rectangular
(extents depend on function symbols only); a split whose factors do not
provably cover the extent adds a block predicate for the tail.
"""

from __future__ import annotations

import itertools
from typing import Any

from xdsl.dialects.builtin import DictionaryAttr, IntegerAttr, StringAttr, i64

from tensorforge.dialects.graphops.types import DimAttr
from tensorforge.dialects.symbolic import Expr, product
from tensorforge.dialects.tirops.ops import THREAD_AXES, AllocOp, BlockOp, ForOp, FuncOp
from tensorforge.schedule.ir_utils import (
    ScheduleError,
    add_predicate,
    blocks_under,
    enclosing_loops,
    find_block,
    find_loop,
    fresh_name,
    single_child,
    substitute_loop_vars,
    uses_var,
)
from tensorforge.schedule.registry import primitive


@primitive
def get_block(func: FuncOp, name: str) -> str:
    """The handle of block `name` (checks that it exists)."""
    return find_block(func, name).name_str


@primitive
def get_loops(func: FuncOp, block: str) -> list[str]:
    """The loops around `block`, outermost first."""
    return [loop.var_name for loop in enclosing_loops(find_block(func, block))]


@primitive
def split(func: FuncOp, loop: str, factors: list[int | None]) -> list[str]:
    """Split a loop into nested loops of the given extents (one may be None: inferred).

    Before:                          After split(loop="i", factors=[None, 16]) with n = 100:
        tir.for i in range(n) {          tir.for i_0 in range(n ceildiv 16) {
          tir.block "B" (v = spatial(      tir.for i_1 in range(16) {
              n, i)) ...                     tir.block "B" (v = spatial(n, i_0*16+i_1))
                                                 where(i_0*16+i_1 < n) ...
    The predicate appears only when the factors do not provably cover the extent.
    """
    target = find_loop(func, loop)
    if len(factors) < 2:
        raise ScheduleError(f"split of loop '{loop}': give at least two factors, got {factors}")
    if sum(f is None or f == -1 for f in factors) > 1:
        raise ScheduleError(f"split of loop '{loop}': at most one factor may be None, got {factors}")
    if any(f is not None and f != -1 and f < 1 for f in factors):
        raise ScheduleError(f"split of loop '{loop}': factors must be positive, got {factors}")
    extent = target.extent_expr
    known = product([f for f in factors if f is not None and f != -1])
    extents = [extent.ceildiv(known) if f is None or f == -1 else Expr.const(f) for f in factors]
    taken: set[str] = set()
    names = []
    for i in range(len(factors)):
        name = fresh_name(func, f"{loop}_{i}", taken)
        taken.add(name)
        names.append(name)
    fused = Expr.const(0)
    for name, ext in zip(names, extents, strict=True):
        fused = fused * ext + Expr.sym(name)
    covered = product(extents)
    substitute_loop_vars(target, {loop: fused})
    if covered != extent:
        for block in blocks_under(target):
            add_predicate(block, fused, extent)
    _rebuild_nest(target, list(zip(names, extents, strict=True)))
    return names


def _rebuild_nest(target: ForOp, headers: list[tuple[str, Expr]]) -> None:
    """Replace `target` by a perfect nest with the given headers around its body."""
    body_ops = list(target.body.block.ops)
    for op in body_ops:
        op.detach()
    inner: list[Any] = body_ops
    outer: ForOp | None = None
    for i, (name, ext) in enumerate(reversed(headers)):
        loop = ForOp(name, ext, inner)
        if i == len(headers) - 1:
            _copy_kind(target, loop)
        inner = [loop]
        outer = loop
    assert outer is not None
    parent = target.parent_block()
    assert parent is not None
    parent.insert_op_before(outer, target)
    target.detach()
    target.erase()


def _copy_kind(src: ForOp, dst: ForOp) -> None:
    dst.properties["kind"] = src.kind
    if src.thread is not None:
        dst.properties["thread"] = src.thread
    if src.annotations is not None:
        dst.properties["annotations"] = src.annotations


@primitive
def fuse(func: FuncOp, loops: list[str]) -> str:
    """Fuse perfectly nested consecutive loops into one.

    Before:                              After fuse(loops=["i", "j"]):
        tir.for i in range(n) {              tir.for i_j_fused in range(n*4) {
          tir.for j in range(4) {              tir.block "B" (vi = spatial(n, i_j_fused floordiv 4),
            tir.block "B" (vi = spatial(n, i),     vj = spatial(4, i_j_fused mod 4)) ...
                vj = spatial(4, j)) ...
    """
    if len(loops) < 2:
        raise ScheduleError(f"fuse needs at least two loops, got {loops}")
    nest = [find_loop(func, name) for name in loops]
    for outer, inner in itertools.pairwise(nest):
        if single_child(outer) is not inner:
            raise ScheduleError(f"fuse: loop '{inner.var_name}' is not the only statement in loop '{outer.var_name}'")
    name = fresh_name(func, "_".join(loops) + "_fused")
    f = Expr.sym(name)
    env: dict[str, Expr] = {}
    inner_extent = Expr.const(1)
    for loop in reversed(nest):
        ext = loop.extent_expr
        value = f.floordiv(inner_extent)
        env[loop.var_name] = value if loop is nest[0] else value.mod(ext)
        inner_extent = inner_extent * ext
    substitute_loop_vars(nest[0], env)
    innermost = nest[-1]
    body_ops = list(innermost.body.block.ops)
    for op in body_ops:
        op.detach()
    fused = ForOp(name, inner_extent, body_ops)
    _copy_kind(nest[0], fused)
    parent = nest[0].parent_block()
    assert parent is not None
    parent.insert_op_before(fused, nest[0])
    nest[0].detach()
    nest[0].erase()
    return name


@primitive
def reorder(func: FuncOp, loops: list[str]) -> None:
    """Reorder loops of one perfect nest with a single block inside.

    Before:                          After reorder(loops=["j", "i"]):
        tir.for i in range(n) {          tir.for j in range(4) {
          tir.for j in range(4) {          tir.for i in range(n) {
            tir.block "B" ...                tir.block "B" ...
    """
    given = [find_loop(func, name) for name in loops]
    if len(set(loops)) != len(loops):
        raise ScheduleError(f"reorder: repeated loops in {loops}")
    chain = _chain_covering(given)
    blocks = blocks_under(chain[0])
    if len(blocks) != 1:
        raise ScheduleError(f"reorder: loops {loops} must enclose exactly one block, found {len(blocks)}")
    positions = sorted(chain.index(g) for g in given)
    headers = [_header(loop) for loop in chain]
    for pos, loop in zip(positions, given, strict=True):
        headers[pos] = _header(loop)
    for loop, header in zip(chain, headers, strict=True):
        _set_header(loop, header)


def _chain_covering(loops: list[ForOp]) -> list[ForOp]:
    depth = {id(lp): len(enclosing_loops(lp)) for lp in loops}
    outer = min(loops, key=lambda lp: depth[id(lp)])
    chain = [outer]
    while len(chain) <= max(depth.values()) - depth[id(outer)]:
        child = single_child(chain[-1])
        if not isinstance(child, ForOp):
            names = ", ".join(lp.var_name for lp in loops)
            raise ScheduleError(f"reorder: loops {names} are not one perfect nest (loop '{chain[-1].var_name}' has other statements)")
        chain.append(child)
    for lp in loops:
        if lp not in chain:
            raise ScheduleError(f"reorder: loop '{lp.var_name}' is not nested in loop '{outer.var_name}'")
    return chain


def _header(loop: ForOp) -> dict[str, Any]:
    return {k: loop.properties.get(k) for k in ("var", "extent", "kind", "thread", "annotations")}


def _set_header(loop: ForOp, header: dict[str, Any]) -> None:
    for k, v in header.items():
        if v is None:
            loop.properties.pop(k, None)
        else:
            loop.properties[k] = v


def _refuse_reduce(func: FuncOp, loop: ForOp, what: str) -> None:
    for block in blocks_under(loop):
        if uses_var(block, loop.var_name, ("reduce",)):
            raise ScheduleError(f"{what}: loop '{loop.var_name}' iterates the reduce variable of block '{block.name_str}'")


def _refuse_shared_writes(loop: ForOp, what: str) -> None:
    """Iterations of a parallel loop must write disjoint data: every block under
    it writes either a buffer allocated inside the loop (private per iteration)
    or at positions that depend on the loop variable through a spatial variable."""
    inside = {op.result for op in loop.walk() if isinstance(op, AllocOp)}
    for block in blocks_under(loop):
        varying = {n for n, kind, _, b in block.iters if kind == "spatial" and loop.var_name in b.free_symbols()}
        for buf, region in zip(block.writes, BlockOp.regions_of(block.write_regions), strict=True):
            if buf in inside:
                continue
            used = set().union(*(start.free_symbols() for start, _ in region)) if region else set()
            if not used & (varying | {loop.var_name}):
                raise ScheduleError(
                    f"{what}: iterations of loop '{loop.var_name}' would all write the same part of "
                    f"{buf.name_hint or 'a buffer'} in block '{block.name_str}'"
                )


def _set_kind(func: FuncOp, loop_name: str, kind: str, thread: str | None = None) -> None:
    loop = find_loop(func, loop_name)
    loop.properties["kind"] = StringAttr(kind)
    if thread is None:
        loop.properties.pop("thread", None)
    else:
        loop.properties["thread"] = StringAttr(thread)


@primitive
def parallel(func: FuncOp, loop: str) -> None:
    """Run a loop's iterations on several cores: `tir.for i in range(n) parallel`.
    Refused on loops that iterate a reduce variable (no cross-thread reduction)."""
    target = find_loop(func, loop)
    _refuse_reduce(func, target, "parallel")
    _refuse_shared_writes(target, "parallel")
    _set_kind(func, loop, "parallel")


@primitive
def vectorize(func: FuncOp, loop: str) -> None:
    """Mark an innermost loop with a static extent for SIMD: `... vectorized`.
    Refused on loops with inner loops, symbolic extents or reduce variables."""
    target = find_loop(func, loop)
    if any(isinstance(op, ForOp) for op in target.body.walk()):
        raise ScheduleError(f"vectorize: loop '{loop}' is not innermost")
    if not target.extent_expr.is_const():
        raise ScheduleError(f"vectorize: loop '{loop}' has a symbolic extent '{target.extent_expr}' (split it first)")
    _refuse_reduce(func, target, "vectorize")
    _set_kind(func, loop, "vectorized")


@primitive
def unroll(func: FuncOp, loop: str) -> None:
    """Mark a loop with a static extent for full unrolling: `... unrolled`."""
    target = find_loop(func, loop)
    if not target.extent_expr.is_const():
        raise ScheduleError(f"unroll: loop '{loop}' has a symbolic extent '{target.extent_expr}'")
    _set_kind(func, loop, "unrolled")


@primitive
def bind(func: FuncOp, loop: str, thread: str) -> None:
    """Bind a loop to a GPU thread axis: `tir.for i in range(n) thread("blockIdx.x")`.
    Refused for unknown axes, reduce loops, and an axis already bound above."""
    if thread not in THREAD_AXES:
        raise ScheduleError(f"bind: unknown thread axis '{thread}' (expected one of {', '.join(THREAD_AXES)})")
    target = find_loop(func, loop)
    _refuse_reduce(func, target, "bind")
    _refuse_shared_writes(target, "bind")
    for outer in enclosing_loops(target):
        if outer.thread is not None and outer.thread.data == thread:
            raise ScheduleError(f"bind: '{thread}' is already bound to enclosing loop '{outer.var_name}'")
    _set_kind(func, loop, "thread", thread)


@primitive
def annotate(func: FuncOp, target: str, key: str, value: int | str) -> None:
    """Attach `key = value` to a loop's or block's annotations (schedule hints).

    After annotate(target="i", key="pragma_unroll", value=4):
        tir.for i in range(n) annotations {pragma_unroll = 4 : i64} { ... }
    """
    op: ForOp | BlockOp
    try:
        op = find_loop(func, target)
    except ScheduleError:
        op = find_block(func, target)
    old = dict(op.annotations.data) if op.annotations is not None else {}
    old[key] = IntegerAttr(value, i64) if isinstance(value, int) else StringAttr(value)
    op.properties["annotations"] = DictionaryAttr(old)


_ = DimAttr
