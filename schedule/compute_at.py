"""compute_at and reverse_compute_at: move a producer under a loop of its
consumers (or a consumer under a loop of its producer), computing per
iteration of that loop only the elements involved.

Region analysis works on index `Expr`s (schedule/regions.py): a consumer's
load indices, with its iteration variables replaced by their bindings, are
bounded while the loops below the target loop vary; what remains is a
function of the loop variables at and above it. New loops run over that
region; block predicates keep them inside the iteration domain.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import ArrayAttr, VectorType
from xdsl.ir import Operation, SSAValue

from tensorforge.dialects.graphops.types import DimAttr
from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.ops import BlockOp, ForOp, FuncOp, LoadOp
from tensorforge.dialects.tirops.syntax import SSA_PREFIX
from tensorforge.schedule.dataflow import (
    bijective_reads,
    buf_name,
    check_self_contained,
    check_visible,
    is_argument,
    loads_of,
    read_bufs,
    readers,
    remove_with_empty_loops,
    runs_before,
    span,
    spatial_only,
    store_vars,
    writers,
    written_bufs,
)
from tensorforge.schedule.ir_utils import ScheduleError, enclosing_loops, find_block, find_loop, fresh_name
from tensorforge.schedule.regions import Ranges, bound, exact_interval, linear_in, ordered, provably_le, provably_nonneg
from tensorforge.schedule.registry import primitive


@dataclass
class _Axis:
    """One iteration variable of the moved block: a new loop of `extent` (none
    when 1) and the binding `start + loop`; predicates `-binding < 1` (when
    `lower`) and `binding < upper` keep it inside the domain."""

    var: str
    start: Expr
    extent: Expr
    base: str
    lower: bool = False
    upper: Expr | None = None


@primitive
def compute_at(func: FuncOp, block: str, loop: str) -> None:
    """Move a producer under a loop of its consumers, computing per iteration
    only the region the consumers under that loop read.

    Before:                                        After compute_at(block="t", loop="i_0"):
        tir.for i in range(n) {                        tir.for i_0 in range(n ceildiv 4) {
          tir.block "t" (v = spatial(n, i)) ... }        tir.for i in range(4) {
        tir.for i_0 in range(n ceildiv 4) {                tir.block "t" (v = spatial(n, i_0*4+i))
          tir.for i_1 in range(4) {                            where(i_0*4+i < n) ... }
            tir.block "out" (w = spatial(n, i_0*4+i_1))  tir.for i_1 in range(4) {
                where(i_0*4+i_1 < n) reads(%t[w]) ...        tir.block "out" ... }}

    Reductions move with full loops over their reduce variables. Refused when
    the loop is not an ancestor of a consumer, when the output is also read
    outside the loop (or is a function argument), when the loop comes first
    or already encloses the block, and when a block in between writes what
    the producer reads.
    """
    prim = "compute_at"
    p, target = find_block(func, block), find_loop(func, loop)
    buf, var_at = _producer_facts(func, p, target, prim)
    consumers = readers(func, buf, but=p)
    under = [c for c in consumers if target.is_ancestor(c)]
    if not under:
        raise ScheduleError(f"{prim}: loop '{loop}' is not an ancestor of a consumer of block '{block}'")
    for c in consumers:
        if not target.is_ancestor(c):
            raise ScheduleError(f"{prim}: block '{c.name_str}' reads {buf_name(func, buf)} outside loop '{loop}'")
    if not runs_before(p, target):
        raise ScheduleError(f"{prim}: block '{block}' does not come before loop '{loop}'")
    needs = set(read_bufs(p)) - {buf}
    for q in span(p, target):
        clash = [b for b in written_bufs(q) if b in needs]
        if q is not p and clash:
            raise ScheduleError(f"{prim}: block '{q.name_str}' writes {buf_name(func, clash[0])}, which block '{block}' reads, between '{block}' and loop '{loop}'")
    anchor = next(op for op in target.body.block.ops if any(op.is_ancestor(c) for c in under))
    check_visible(func, p, anchor, prim, f"before loop '{loop}'")
    fixed = _ranges([*enclosing_loops(target), target])
    axes = _needed_axes(func, p, buf, var_at, under, target, fixed)
    if any(k == "reduce" for _, k, _, _ in p.iters):
        _check_no_concurrent_overlap(func, p, buf, axes, [*enclosing_loops(target), target], fixed)
    _move(func, p, axes, [], target, anchor)


def _check_no_concurrent_overlap(func: FuncOp, p: BlockOp, buf: SSAValue, axes: list[_Axis], loops: list[ForOp], fixed: Ranges) -> None:
    """A reduction recomputed by concurrent iterations (parallel, thread-bound or
    vectorized loops) must get disjoint parts of the buffer in each: overlapping
    ones would initialize and accumulate the same elements at the same time."""
    for loop in loops:
        if loop.kind.data in ("serial", "unrolled"):
            continue
        x = Expr.sym(loop.var_name)
        step = [a.start.substitute({loop.var_name: x + 1}) - a.start for a in axes]
        if not any(provably_le(a.extent, d, fixed) for a, d in zip(axes, step, strict=True)):
            raise ScheduleError(
                f"compute_at: iterations of the {loop.kind.data} loop '{loop.var_name}' would compute overlapping parts of {buf_name(func, buf)} "
                f"with the reduction '{p.name_str}' at the same time"
            )


def _producer_facts(func: FuncOp, p: BlockOp, target: ForOp, prim: str) -> tuple[SSAValue, list[str]]:
    if target.is_ancestor(p):
        raise ScheduleError(f"{prim}: loop '{target.var_name}' already encloses block '{p.name_str}'")
    writes = written_bufs(p)
    if len(writes) != 1:
        raise ScheduleError(f"{prim}: block '{p.name_str}' writes {len(writes)} buffers; it must write exactly one")
    buf = writes[0]
    if is_argument(func, buf):
        raise ScheduleError(
            f"{prim}: block '{p.name_str}' writes the function argument {buf_name(func, buf)} (an output): computing only what consumers read would leave the rest unwritten"
        )
    others = [w.name_str for w in writers(func, buf) if w is not p]
    if others:
        raise ScheduleError(f"{prim}: {buf_name(func, buf)} is also written by block '{others[0]}'")
    var_at = store_vars(func, p, buf, prim)
    check_self_contained(func, p, prim)
    return buf, var_at


def _ranges(loops: list[ForOp]) -> dict[str, Expr]:
    return {lp.var_name: lp.extent_expr for lp in loops}


def _needed_axes(func: FuncOp, p: BlockOp, buf: SSAValue, var_at: list[str], under: list[BlockOp], target: ForOp, fixed: Ranges) -> list[_Axis]:
    """Per dimension of `buf`, the interval the consumers under `target` read in one iteration."""
    dims = buf.type.dims  # type: ignore[attr-defined]
    lo: list[Expr | None] = [None] * len(dims)
    hi: list[Expr | None] = [None] * len(dims)
    for c in under:
        loops = enclosing_loops(c)
        ranged = _ranges(loops[loops.index(target) + 1 :])
        env = {n: b for n, _, _, b in c.iters}
        sites = [([d.data for d in load.indices], _lanes(load)) for load in loads_of(c, buf)]
        for idx, lanes in sites or [([Expr.sym(f"{SSA_PREFIX}0")] * len(dims), 1)]:
            for d, e in enumerate(idx):
                b = _index_bound(e.substitute(env), dims[d], ranged, fixed)
                if b is not None and d == len(idx) - 1:
                    b = (b[0], b[1] + (lanes - 1))
                if b is None:
                    raise ScheduleError(f"compute_at: cannot bound index '{e}' of {buf_name(func, buf)} in block '{c.name_str}' over the loops below '{target.var_name}'")
                lo[d] = b[0] if lo[d] is None else ordered("min", lo[d], b[0], fixed) or lo[d].min(b[0])  # type: ignore[union-attr]
                hi[d] = b[1] if hi[d] is None else ordered("max", hi[d], b[1], fixed) or hi[d].max(b[1])  # type: ignore[union-attr]
    loop_names = {op.var_name for op in func.walk() if isinstance(op, ForOp)}
    doms = {n: dom for n, _, dom, _ in p.iters}
    axes = []
    for d, v in enumerate(var_at):
        start, last = lo[d], hi[d]
        assert start is not None and last is not None
        extent = last - start + 1
        if extent.free_symbols() & loop_names:  # a varying width: take its largest value
            widest = bound(extent, fixed)
            extent = widest[1] if widest is not None else extent
            last = start + extent - 1
        if extent.free_symbols() & loop_names:
            raise ScheduleError(
                f"compute_at: the region of {buf_name(func, buf)} read per iteration of loop '{target.var_name}' has extent '{extent}' in dimension {d}, which depends on loop variables"
            )
        axes.append(_Axis(v, start, extent, _old_loop(p, v, f"ax{d}"), *_clips(start, last, doms[v], fixed)))
    return axes


def _lanes(load: LoadOp) -> int:
    """Elements a load reads along its last index (vector loads read several)."""
    t = load.result.type
    return t.get_shape()[0] if isinstance(t, VectorType) else 1


def _index_bound(e: Expr, dim: Expr, ranged: Ranges, fixed: Ranges) -> tuple[Expr, Expr] | None:
    if any(n.startswith(SSA_PREFIX) for n in e.free_symbols()):
        return Expr.const(0), dim - 1
    return bound(e, ranged, fixed)


def _clips(start: Expr, last: Expr, dom: Expr, fixed: Ranges) -> tuple[bool, Expr | None]:
    """Which of 0 <= v and v < dom the interval [start, last] does not already guarantee."""
    low = bound(start, fixed)
    lower = low is None or not provably_nonneg(low[0])
    return lower, None if provably_le(last, dom - 1, fixed) else dom


def _old_loop(block: BlockOp, var: str, default: str) -> str:
    """The loop variable the block's variable was bound to, reused as the new loop's name."""
    binding = {n: b for n, _, _, b in block.iters}[var]
    return next(iter(binding.free_symbols())) if binding.is_symbol() else default


def _move(func: FuncOp, block: BlockOp, axes: list[_Axis], extra: list[tuple[Expr, Expr]], target: ForOp, anchor: Operation | None) -> None:
    """Rebuild `block` under `target` (before `anchor`, or at the end) with the
    given axes; iteration variables without an axis get a loop over their domain."""
    remove_with_empty_loops(block)
    taken = {n for n, _, _, _ in block.iters}
    by_var = {a.var: a for a in axes}
    full = [_Axis(n, Expr.const(0), dom, _old_loop(block, n, f"k{i}")) for i, (n, _, dom, _) in enumerate(block.iters) if n not in by_var]
    headers: list[tuple[str, Expr]] = []
    bindings: dict[str, Expr] = {}
    preds = list(extra)
    for axis in [*axes, *full]:
        value = axis.start
        if axis.extent != 1:
            name = fresh_name(func, axis.base, taken)
            taken.add(name)
            headers.append((name, axis.extent))
            value = value + Expr.sym(name)
        bindings[axis.var] = value
        if axis.lower:
            preds.append((-value, Expr.const(1)))
        if axis.upper is not None:
            preds.append((value, axis.upper))
    block.properties["iter_bindings"] = ArrayAttr([DimAttr(bindings[n]) for n, _, _, _ in block.iters])
    block.properties["predicates"] = ArrayAttr([DimAttr(x) for pair in preds for x in pair])
    nest: Operation = block
    for name, extent in reversed(headers):
        nest = ForOp(name, extent, [nest])
    if anchor is None:
        target.body.block.add_op(nest)
    else:
        target.body.block.insert_op_before(nest, anchor)


# -- reverse_compute_at ---------------------------------------------------------------------------
@primitive
def reverse_compute_at(func: FuncOp, block: str, loop: str) -> None:
    """Move a consumer under a loop of its producer, computing per iteration
    the elements whose inputs that iteration has just produced.

    Before:                                        After reverse_compute_at(block="out", loop="i"):
        tir.for i in range(n) {                        tir.for i in range(n) {
          tir.for k in range(8) {                        tir.for k in range(8) {
            tir.block "C" (vi = spatial(n, i),             tir.block "C" ... }
                vk = reduce(8, k)) ... }}                tir.block "out" (w = spatial(n, i))
        tir.for i_1 in range(n) {                            reads(%C[w]) ... }
          tir.block "out" (w = spatial(n, i_1))
              reads(%C[w]) ... }

    The consumer must be spatial and read its producer's buffer at one
    position naming one iteration variable per dimension; the producer must
    finish its elements within one iteration (no reduce loop at or above
    the loop) and write an exactly known box per iteration. Refused also
    when the loop is not an ancestor of a producer, and when a block in
    between touches what the consumer reads or writes.
    """
    prim = "reverse_compute_at"
    c, target = find_block(func, block), find_loop(func, loop)
    if target.is_ancestor(c):
        raise ScheduleError(f"{prim}: loop '{loop}' already encloses block '{block}'")
    spatial_only(c, prim)
    check_self_contained(func, c, prim)
    needs = set(read_bufs(c))
    producers = [q for q in target.walk() if isinstance(q, BlockOp) and needs & set(written_bufs(q))]
    if len(producers) != 1:
        found = ", ".join(f"'{q.name_str}'" for q in producers)
        raise ScheduleError(f"{prim}: loop '{loop}' must enclose exactly one producer of block '{block}'" + (f" (found {found})" if found else ""))
    p = producers[0]
    writes = written_bufs(p)
    if len(writes) != 1:
        raise ScheduleError(f"{prim}: producer '{p.name_str}' writes {len(writes)} buffers; it must write exactly one")
    buf = writes[0]
    others = [w.name_str for w in writers(func, buf) if w is not p]
    if others:
        raise ScheduleError(f"{prim}: {buf_name(func, buf)} is also written by block '{others[0]}'")
    if not runs_before(target, c):
        raise ScheduleError(f"{prim}: block '{block}' does not come after loop '{loop}'")
    var_c = bijective_reads(func, c, buf, prim, cover=False)
    var_p = store_vars(func, p, buf, prim)
    _check_rca_deps(func, p, c, buf, target)
    check_visible(func, c, target, prim, f"before loop '{loop}'")
    fixed = _ranges([*enclosing_loops(target), target])
    axes, extra = _produced_axes(func, p, c, buf, var_p, var_c, target, fixed)
    _move(func, c, axes, extra, target, None)


def _check_rca_deps(func: FuncOp, p: BlockOp, c: BlockOp, buf: SSAValue, target: ForOp) -> None:
    needs = set(read_bufs(c))
    outs = set(written_bufs(c))
    for q in span(target, c):
        if q is c:
            continue
        clash = [b for b in written_bufs(q) if b in needs and not (q is p and b == buf)]
        touched = [b for b in [*written_bufs(q), *read_bufs(q)] if b in outs]
        if clash or touched:
            what = f"writes {buf_name(func, clash[0])}, which block '{c.name_str}' reads" if clash else f"accesses {buf_name(func, touched[0])}, which block '{c.name_str}' writes"
            raise ScheduleError(f"reverse_compute_at: block '{q.name_str}' {what}, between loop '{target.var_name}' and '{c.name_str}'")


def _produced_axes(
    func: FuncOp, p: BlockOp, c: BlockOp, buf: SSAValue, var_p: list[str], var_c: list[str], target: ForOp, fixed: Ranges
) -> tuple[list[_Axis], list[tuple[Expr, Expr]]]:
    """The exact box of `buf` that `p` writes per iteration of `target`, as axes of `c`."""
    prim, name = "reverse_compute_at", buf_name(func, buf)
    loops = enclosing_loops(p)
    ranged = _ranges(loops[loops.index(target) + 1 :])
    binding = {n: b for n, _, _, b in p.iters}
    p_doms = {n: dom for n, _, dom, _ in p.iters}
    c_doms = {n: dom for n, _, dom, _ in c.iters}
    for n, kind, _, b in p.iters:
        if kind == "reduce" and not b.free_symbols() <= set(ranged) | func.symbols():
            raise ScheduleError(f"{prim}: producer '{p.name_str}' still reduces over '{n}' at or above loop '{target.var_name}', so {name} is not final after one iteration")
    seen: set[str] = set()
    axes = []
    for d, (vp, vc) in enumerate(zip(var_p, var_c, strict=True)):
        lin = linear_in(binding[vp], ranged)
        width = None if lin is None or seen & set(lin[1]) else exact_interval(lin[1], ranged)
        if lin is None or width is None:
            raise ScheduleError(f"{prim}: cannot tell exactly which elements of {name} producer '{p.name_str}' writes per iteration of loop '{target.var_name}' (binding '{binding[vp]}')")
        seen |= set(lin[1])
        if c_doms[vc] != p_doms[vp]:
            raise ScheduleError(f"{prim}: the domain of '{vc}' in block '{c.name_str}' ({c_doms[vc]}) differs from that of '{vp}' in producer '{p.name_str}' ({p_doms[vp]})")
        start = lin[0]
        axes.append(_Axis(vc, start, width, _old_loop(c, vc, f"ax{d}"), *_clips(start, start + width - 1, c_doms[vc], fixed)))
    extra = []
    for lhs, rhs in p.predicate_pairs:
        if not (lhs.free_symbols() | rhs.free_symbols()) & set(ranged):
            extra.append((lhs, rhs))
            continue
        if not any((lhs == binding[v] and rhs == p_doms[v]) or (lhs == -binding[v] and rhs == 1) for v in var_p):
            raise ScheduleError(f"{prim}: predicate '{lhs} < {rhs}' of producer '{p.name_str}' is not a bound of its iteration domain")
    return axes, extra
