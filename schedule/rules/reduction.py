"""Reductions: softmax, layer_norm, reduce_*, pooling and friends.

Row groups. A block that writes an output (the anchor) and the reductions that
produce its intermediates (softmax: max and sum of exp per row; layer_norm:
sum and squared deviations) are computed row by row: the anchor's leading
loops that index those intermediates are fused into one row loop, every
producer is moved under it (compute_at), and the row loop runs in parallel.

    tir.for ax0 in range(n) parallel {               (rows)
      tir.for k0_0 ... { "maxelem_rf" vectorized }   (rfactor: V partial maxima)
      tir.for k0_1 in range(V) { "maxelem" }         (combine the partials)
      ... "expsum" likewise ...
      tir.for ax1_0 ... { tir.for ax1_1 in range(64) vectorized { "softmax" } }

Inside a row, a reduction along the contiguous axis is vectorized through
rfactor (V partial results in a small buffer, their init hoisted by
decompose_reduction), since LLVM will not reorder a float reduction itself.
A reduction over other axes (column sums, pooling windows) instead moves its
reduce loops above the innermost spatial loop, which is vectorized.

Lone reductions (no group) get the same inner treatment with their outer
spatial loops fused and parallel.
"""

from __future__ import annotations

from xdsl.ir import SSAValue

from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.ops import BlockOp, FuncOp
from tensorforge.schedule.dataflow import is_argument, read_bufs, readers, written_bufs
from tensorforge.schedule.ir_utils import enclosing_loops, find_block
from tensorforge.schedule.rules import injective
from tensorforge.schedule.rules.common import (
    FAILED,
    Config,
    Failed,
    apply_quietly,
    attempt,
    block_named,
    body_loads,
    func_blocks,
    index_exprs,
    is_reduction,
    largest_divisor,
    loop_extent,
    loop_of,
    perfect_loops,
    points,
    static,
    vector_split,
    worth_parallel,
)
from tensorforge.schedule.schedule import Schedule

RF_WIDTHS = (64, 32, 16)
"""Partial results per row for rfactor (several vector accumulators hide the add latency)."""
MIN_RF_EXTENT = 32
"""Shorter static reductions stay scalar (or vectorize along a spatial axis)."""


def schedule_all(sch: Schedule, cfg: Config, done: set[str]) -> list[str]:
    """Schedule the row groups and lone reductions not in `done`; returns what it scheduled."""
    scheduled: list[str] = []
    for anchor in reversed([b.name_str for b in func_blocks(sch.func())]):
        if anchor in done or anchor in scheduled or not _exists(sch, anchor):
            continue
        group = _group(sch.func(), anchor, done | set(scheduled))
        if not group or not any(is_reduction(block_named(sch, b)) for b in [anchor, *group]):
            continue
        got = attempt(sch, lambda a=anchor, g=group: _row_group(sch, a, g, cfg))
        if got is not FAILED:
            scheduled += got  # type: ignore[operator]
    for name in [b.name_str for b in func_blocks(sch.func())]:
        if name in done or name in scheduled or not _exists(sch, name) or not is_reduction(block_named(sch, name)):
            continue
        got = attempt(sch, lambda n=name: _lone(sch, n, cfg))
        if got is not FAILED:
            scheduled += got  # type: ignore[operator]
    return scheduled


def _exists(sch: Schedule, name: str) -> bool:
    return any(b.name_str == name for b in func_blocks(sch.func()))


# -- row groups -------------------------------------------------------------------------------
def _group(func: FuncOp, anchor: str, taken: set[str]) -> list[str]:
    """Blocks (in program order) writing intermediates that `anchor` needs, directly or
    through each other, and read by nobody else: they can move under the anchor's rows."""
    a = find_block(func, anchor)
    if not any(is_argument(func, buf) for buf in written_bufs(a)):
        return []
    members: list[BlockOp] = []
    frontier = [a]
    while frontier:
        consumer = frontier.pop()
        for buf in read_bufs(consumer):
            if is_argument(func, buf):
                continue
            for p in _writers_before(func, buf, consumer):
                if p is a or p in members or p.name_str in taken:
                    continue
                members.append(p)
                frontier.append(p)
    inside = {id(a), *(id(m) for m in members)}
    for m in members:
        for buf in written_bufs(m):
            if any(id(r) not in inside for r in readers(func, buf)):
                return []
    order = {id(b): k for k, b in enumerate(func_blocks(func))}
    return [m.name_str for m in sorted(members, key=lambda b: order[id(b)])]


def _writers_before(func: FuncOp, buf: SSAValue, consumer: BlockOp) -> list[BlockOp]:
    blocks = func_blocks(func)
    pos = blocks.index(consumer)
    return [b for b in blocks[:pos] if buf in written_bufs(b)]


def _row_group(sch: Schedule, anchor: str, producers: list[str], cfg: Config) -> list[str]:
    func = sch.func()
    a = find_block(func, anchor)
    loops = perfect_loops(a)
    if not loops:
        raise Failed(f"anchor '{anchor}' is not alone in a perfect nest")
    prefix = _row_prefix(func, a, [lp.var_name for lp in loops])
    if not prefix:
        raise Failed(f"anchor '{anchor}': no leading loop indexes the intermediates")
    work = points([lp.extent_expr for lp in loops])
    row = prefix[-1]
    for p in reversed(producers):
        sch.compute_at(p, row)
    done = [anchor, *producers]
    for name in [anchor, *producers]:
        if is_reduction(block_named(sch, name)):
            done += _vectorize_reduction(sch, name, row)
        else:
            _vectorize_spatial(sch, name, row)
    # fused only now: reduction primitives refuse the div/mod bindings of fused loops
    rows = sch.fuse(prefix) if len(prefix) > 1 else row
    if worth_parallel(cfg, work):
        apply_quietly(sch, "parallel", loop=rows)
    return done


def _row_prefix(func: FuncOp, anchor: BlockOp, loops: list[str]) -> list[str]:
    """The anchor's leading spatial loops that every intermediate it reads is indexed by."""
    binding = {n: b for n, _, _, b in anchor.iters}
    spatial_loops = {loop_of(anchor, n) for n, kind, _, _ in anchor.iters if kind == "spatial"}
    used: set[str] | None = None
    for load in body_loads(anchor):
        if is_argument(func, load.buffer) or load.buffer in written_bufs(anchor):
            continue
        names = {s for e in index_exprs(load) for s in e.substitute(binding).free_symbols()}
        used = names if used is None else used & names
    prefix: list[str] = []
    for lp in loops:
        if used is None or lp not in used or lp not in spatial_loops:
            break
        prefix.append(lp)
    return prefix


def _loops_below(sch: Schedule, block: str, anchor: str | None) -> list[str]:
    loops = sch.get_loops(block)
    return loops[loops.index(anchor) + 1 :] if anchor in loops else loops


def _vectorize_spatial(sch: Schedule, block: str, anchor: str | None) -> None:
    below = _loops_below(sch, block, anchor)
    if below:
        injective.vectorize_innermost(sch, below[-1])


# -- vectorizing one reduction ---------------------------------------------------------------
def _vectorize_reduction(sch: Schedule, block: str, anchor: str | None) -> list[str]:
    """Vectorize a reduction under `anchor`: rfactor along a contiguous innermost
    reduce loop, else reduce loops above a contiguous innermost spatial loop.
    Returns the blocks it created."""
    below = _loops_below(sch, block, anchor)
    if not below:
        return []
    blk = block_named(sch, block)
    kinds = _loop_kinds(blk)
    inner = below[-1]
    if kinds.get(inner) == "reduce" and _contiguous(blk, inner) and _long(loop_extent(sch, inner)):
        got = attempt(sch, lambda: _rfactor(sch, block, inner))
        if got is not FAILED:
            return got  # type: ignore[return-value]
    spatial = [lp for lp in below if kinds.get(lp) == "spatial"]
    if spatial and _contiguous(blk, spatial[-1], unit=False):
        got = attempt(sch, lambda: _spatial_inner(sch, block, anchor, spatial[-1]))
        if got is not FAILED:
            return got  # type: ignore[return-value]
    return []


def _loop_kinds(block: BlockOp) -> dict[str, str]:
    out: dict[str, str] = {}
    for _, kind, _, b in block.iters:
        for s in b.free_symbols():
            out[s] = kind if out.get(s, kind) == kind else "mixed"
    return out


def _contiguous(block: BlockOp, loop: str, unit: bool = True) -> bool:
    """Some input load uses `loop` (through the bindings) only in its last index,
    with coefficient 1 (`unit`) or any constant stride: consecutive iterations
    touch neighbouring (or evenly spaced) elements."""
    binding = {n: b for n, _, _, b in block.iters}
    outs = set(block.writes)
    for load in body_loads(block):
        if load.buffer in outs or load.dyn_indices:
            continue
        idx = [e.substitute(binding) for e in index_exprs(load)]
        if any(loop in e.free_symbols() for e in idx[:-1]) or loop not in idx[-1].free_symbols():
            continue
        for stride in ((1,) if unit else (1, 2, 3, 4)):
            if loop not in (idx[-1] - _sym(loop) * stride).free_symbols():
                return True
    return False


def _sym(name: str) -> Expr:
    return Expr.sym(name)


def _long(extent: Expr) -> bool:
    n = static(extent)
    return n is None or n >= MIN_RF_EXTENT


def _rfactor(sch: Schedule, block: str, loop: str) -> list[str]:
    """k -> (k_o, k_i); partial results over k_i in a vectorized rf block."""
    n = static(loop_extent(sch, loop))
    width = (largest_divisor(n, RF_WIDTHS) if n is not None else None) or RF_WIDTHS[0]
    _, k_i = sch.split(loop, [None, width])
    rank = len(find_block(sch.func(), block).writes[0].type.dims)  # type: ignore[attr-defined]
    rf = sch.rfactor(k_i, rank)
    rf_block = block_named(sch, rf)
    rf_reduce = {s for _, kind, _, b in rf_block.iters if kind == "reduce" for s in b.free_symbols()}
    outermost = next(lp for lp in sch.get_loops(rf) if lp in rf_reduce)  # other reduce loops may sit above k_o
    init = sch.decompose_reduction(rf, outermost)
    init_loops = sch.get_loops(init)
    if init_loops:
        apply_quietly(sch, "vectorize", loop=init_loops[-1])
    if not apply_quietly(sch, "vectorize", loop=k_i):
        raise Failed(f"rfactor of '{block}': loop '{k_i}' does not vectorize")
    return [rf, init]


def _spatial_inner(sch: Schedule, block: str, anchor: str | None, spatial: str) -> list[str]:
    """Reduce loops above the (split) innermost spatial loop, which is vectorized;
    the init is hoisted out of the reduce loops."""
    width, need_split = vector_split(loop_extent(sch, spatial))
    if width is None:
        raise Failed(f"'{block}': spatial loop '{spatial}' too short to vectorize")
    inner = sch.split(spatial, [None, width])[1] if need_split else spatial
    kinds = _loop_kinds(block_named(sch, block))
    loops = _loops_below(sch, block, anchor)
    reduce = [lp for lp in loops if kinds.get(lp) == "reduce"]
    others = [lp for lp in loops if lp not in reduce and lp != inner]
    if not reduce:
        raise Failed(f"'{block}': no reduce loop under the anchor")
    sch.reorder([*others, *reduce, inner])
    init = sch.decompose_reduction(block, reduce[0])
    init_loops = sch.get_loops(init)
    if init_loops:
        apply_quietly(sch, "vectorize", loop=init_loops[-1])
    apply_quietly(sch, "vectorize", loop=inner)
    return [init]


# -- lone reductions ---------------------------------------------------------------------------
def _lone(sch: Schedule, block: str, cfg: Config) -> list[str]:
    """A reduction nest by itself: vectorize its inner loops, run its leading
    spatial loops (fused) in parallel."""
    blk = block_named(sch, block)
    loops = perfect_loops(blk)
    if loops is None:
        raise Failed(f"reduction '{block}' is not alone in a perfect nest")
    names = [lp.var_name for lp in loops]
    work = points([lp.extent_expr for lp in loops])
    kinds = _loop_kinds(blk)
    lead = []
    for lp in names:
        if kinds.get(lp) != "spatial":
            break
        lead.append(lp)
    inner_spatial_vector = bool(lead) and _prefers_spatial(blk, names, kinds)
    outer = lead[:-1] if inner_spatial_vector else lead
    created = _vectorize_reduction(sch, block, outer[-1] if outer else None)
    if outer and worth_parallel(cfg, work):
        rows = sch.fuse(outer) if len(outer) > 1 else outer[0]
        apply_quietly(sch, "parallel", loop=rows)
    return [block, *created]


def _prefers_spatial(block: BlockOp, names: list[str], kinds: dict[str, str]) -> bool:
    """Vectorize along the innermost spatial loop (reduce loops moved above it)
    rather than along the reduction: the reduction is short or not contiguous."""
    spatial = [lp for lp in names if kinds.get(lp) == "spatial"]
    reduce = [lp for lp in names if kinds.get(lp) == "reduce"]
    if not spatial or not reduce:
        return False
    innermost_reduce = reduce[-1]
    loops = {lp.var_name: lp.extent_expr for lp in enclosing_loops(block)}
    rf_ok = _contiguous(block, innermost_reduce) and _long(loops[innermost_reduce])
    return not rf_ok and _contiguous(block, spatial[-1], unit=False)
