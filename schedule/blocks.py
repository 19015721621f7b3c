"""Block primitives: get_producers, get_consumers, compute_inline,
reverse_compute_inline (here), compute_at and reverse_compute_at
(schedule/compute_at.py).

Blocks are the handles (by name). The primitives rely on two facts that the
te builder and every primitive maintain, and refuse anything they cannot
check: a block's loops and predicates enumerate its iteration domain (a
predicate only cuts iterations outside it; compute_at narrows a producer to
the elements its consumers read), and no block reads an element of an
intermediate buffer that no block wrote.
"""

from __future__ import annotations

from xdsl.dialects.builtin import VectorType
from xdsl.ir import SSAValue

from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.ops import BlockOp, FuncOp, LoadOp, StoreOp
from tensorforge.schedule.dataflow import (
    Region,
    add_region,
    all_blocks,
    bijective_reads,
    buf_name,
    check_self_contained,
    check_visible,
    drop_alloc_if_unused,
    is_argument,
    loads_of,
    only_output,
    read_bufs,
    readers,
    regions,
    remove_with_empty_loops,
    runs_before,
    set_buffers,
    span,
    spatial_only,
    store_vars,
    stores_in,
    substituted,
    whole,
    writers,
    written_bufs,
)
from tensorforge.schedule.ir_utils import ScheduleError, find_block, substitute_loop_vars
from tensorforge.schedule.registry import primitive


@primitive
def get_producers(func: FuncOp, block: str) -> list[str]:
    """Blocks that run before `block` and write a buffer it reads (declared or
    loaded), in program order. The IR is unchanged.

        tir.for i in range(n) { tir.block "t" (v = spatial(n, i)) reads(%x[v]) writes(%t[v]) {..} }
        tir.for j in range(n) { tir.block "out" (w = spatial(n, j)) reads(%t[w], %y[w]) writes(%out[w]) {..} }
        get_producers(block="out") -> ["t"]
    """
    target = find_block(func, block)
    reads = set(read_bufs(target))
    return [b.name_str for b in all_blocks(func) if b is not target and runs_before(b, target) and reads & set(written_bufs(b))]


@primitive
def get_consumers(func: FuncOp, block: str) -> list[str]:
    """Blocks that run after `block` and read a buffer it writes, in program order.
    The IR is unchanged; with the function shown for get_producers:

        get_consumers(block="t") -> ["out"]
    """
    target = find_block(func, block)
    writes = set(written_bufs(target))
    return [b.name_str for b in all_blocks(func) if b is not target and runs_before(target, b) and writes & set(read_bufs(b))]


def read_regions_full(block: BlockOp) -> list[tuple[SSAValue, Region]]:
    """Declared read regions, plus the whole buffer for any loaded but undeclared one."""
    reads, _ = regions(block)
    for buf in read_bufs(block):
        if buf not in block.reads:
            reads.append((buf, whole(buf)))
    return reads


# -- compute_inline ------------------------------------------------------------------------
@primitive
def compute_inline(func: FuncOp, block: str) -> None:
    """Inline a spatial block that stores one intermediate buffer as f(reads)
    into every block that reads it; the block, its loops and the buffer go.

    Before:                                       After compute_inline(block="t"):
        %t = tir.alloc : !tir.buffer<[n], f32>        tir.for i_1 in range(n) {
        tir.for i in range(n) {                         tir.block "out" (w = spatial(n, i_1))
          tir.block "t" (v = spatial(n, i))                 reads(%x[w], %y[w]) writes(%out[w]) {
              reads(%x[v]) writes(%t[v]) {                %0 = tir.load %x[w] : f32
            %0 = tir.load %x[v] : f32                     %1 = math.exp %0 : f32
            %1 = math.exp %0 : f32                        %3 = tir.load %y[w] : f32
            tir.store %1, %t[v] }}                        %4 = arith.addf %1, %3 : f32
        tir.for i_1 in range(n) {                         tir.store %4, %out[w] }}
          tir.block "out" (w = spatial(n, i_1))
              reads(%t[w], %y[w]) writes(%out[w]) {
            %2 = tir.load %t[w] : f32
            %3 = tir.load %y[w] : f32
            %4 = arith.addf %2, %3 : f32
            tir.store %4, %out[w] }}

    Each load %t[e] becomes the block's body with its iteration variables
    replaced by e. Refused for reductions, blocks writing a function argument
    (an output), bodies reading their own output, stores that do not name one
    iteration variable per dimension, data-dependent loads of the buffer, and
    when a block between producer and consumer overwrites what the producer reads.
    """
    prim = "compute_inline"
    p = find_block(func, block)
    spatial_only(p, prim)
    buf = only_output(p, prim)
    name = buf_name(func, buf)
    if is_argument(func, buf):
        raise ScheduleError(f"{prim}: block '{block}' writes the function argument {name} (an output)")
    stores = stores_in(p)
    if len(stores) != 1 or stores[0].parent_op() is not p:
        raise ScheduleError(f"{prim}: block '{block}' must store once, at the top level of its body (found {len(stores)} stores)")
    if loads_of(p, buf):
        raise ScheduleError(f"{prim}: block '{block}' reads its own output {name}")
    var_at = store_vars(func, p, buf, prim, full=True)
    check_self_contained(func, p, prim)
    others = [w.name_str for w in writers(func, buf) if w is not p]
    if others:
        raise ScheduleError(f"{prim}: {name} is also written by block '{others[0]}'")
    consumers = readers(func, buf, but=p)
    for c in consumers:
        _check_inline_consumer(func, p, buf, c)
    for c in consumers:
        _inline_into(p, buf, var_at, stores[0], c)
    remove_with_empty_loops(p)
    p.erase()
    drop_alloc_if_unused(buf)


def _check_inline_consumer(func: FuncOp, p: BlockOp, buf: SSAValue, c: BlockOp) -> None:
    prim, name = "compute_inline", buf_name(func, buf)
    if not runs_before(p, c):
        raise ScheduleError(f"{prim}: block '{c.name_str}' reads {name} before block '{p.name_str}' writes it")
    if any(load.dyn_indices for load in loads_of(c, buf)):
        raise ScheduleError(f"{prim}: block '{c.name_str}' reads {name} at a data-dependent index")
    if any(isinstance(load.result.type, VectorType) for load in loads_of(c, buf)):
        raise ScheduleError(f"{prim}: block '{c.name_str}' loads vectors from {name}")
    needs = set(read_bufs(p))
    for q in span(p, c):
        clash = [b for b in written_bufs(q) if b in needs]
        if q is not p and clash:
            raise ScheduleError(
                f"{prim}: block '{q.name_str}' writes {buf_name(func, clash[0])}, which block '{p.name_str}' reads, "
                f"between '{p.name_str}' and its consumer '{c.name_str}'"
            )
    check_visible(func, p, c, prim, f"before block '{c.name_str}'")


def _inline_into(p: BlockOp, buf: SSAValue, var_at: list[str], store: StoreOp, c: BlockOp) -> None:
    reads, writes = regions(c)
    pos = next((k for k, (b, _) in enumerate(reads) if b == buf), len(reads))
    inlined: list[tuple[SSAValue, Region]] = []
    p_reads = read_regions_full(p)
    for load in loads_of(c, buf):
        env = {v: load.indices.data[d].data for d, v in enumerate(var_at)}
        mapping: dict[SSAValue, SSAValue] = {}
        where = load.parent_block()
        assert where is not None
        for op in list(p.body.block.ops):
            if op is store:
                continue
            new = op.clone(value_mapper=mapping)
            substitute_loop_vars(new, env)
            where.insert_op_before(new, load)
        load.result.replace_all_uses_with(mapping.get(store.value, store.value))
        load.detach()
        load.erase()
        for b, r in p_reads:
            add_region(inlined, b, substituted(r, env))
    new_reads = reads[:pos]
    for b, r in [*inlined, *reads[pos + 1 :]]:
        add_region(new_reads, b, r)
    set_buffers(c, new_reads, writes)


# -- reverse_compute_inline -------------------------------------------------------------------
@primitive
def reverse_compute_inline(func: FuncOp, block: str) -> None:
    """Inline a spatial block into its single producer: the producer stores
    the block's result instead of the intermediate, which goes away.

    Before:                                       After reverse_compute_inline(block="out"):
        tir.for i in range(n) {                       tir.for i in range(n) {
          tir.block "t" (v = spatial(n, i))             tir.block "t" (v = spatial(n, i))
              reads(%x[v]) writes(%t[v]) {                  reads(%x[v], %y[v]) writes(%out[v]) {
            %0 = tir.load %x[v] : f32                     %0 = tir.load %x[v] : f32
            %1 = math.exp %0 : f32                        %1 = math.exp %0 : f32
            tir.store %1, %t[v] }}                        %3 = tir.load %y[v] : f32
        tir.for i_1 in range(n) {                         %4 = arith.addf %1, %3 : f32
          tir.block "out" (w = spatial(n, i_1))           tir.store %4, %out[v] }}
              reads(%t[w], %y[w]) writes(%out[w]) {
            %2 = tir.load %t[w] : f32
            %3 = tir.load %y[w] : f32
            %4 = arith.addf %2, %3 : f32
            tir.store %4, %out[w] }}

    Refused when the block reads other positions of the producer's buffer
    (or the same position through other variables), when the producer is a
    reduction, and when the intermediate is an output or read elsewhere.
    """
    prim = "reverse_compute_inline"
    c = find_block(func, block)
    spatial_only(c, prim)
    out = only_output(c, prim)
    stores = stores_in(c)
    if len(stores) != 1 or stores[0].parent_op() is not c:
        raise ScheduleError(f"{prim}: block '{block}' must store once, at the top level of its body (found {len(stores)} stores)")
    if loads_of(c, out):
        raise ScheduleError(f"{prim}: block '{block}' reads its own output {buf_name(func, out)}")
    check_self_contained(func, c, prim)
    p, buf = _single_producer(func, c, prim)
    var_c = bijective_reads(func, c, buf, prim)
    var_p = store_vars(func, p, buf, prim, full=True)
    _check_reverse_inline_deps(func, p, c, buf, out)
    check_visible(func, c, p, prim, f"before block '{p.name_str}'")
    _reverse_inline(p, c, buf, var_p, var_c)


def _single_producer(func: FuncOp, c: BlockOp, prim: str) -> tuple[BlockOp, SSAValue]:
    reads = set(read_bufs(c))
    producers = [b for b in all_blocks(func) if b is not c and runs_before(b, c) and reads & set(written_bufs(b))]
    if len(producers) != 1:
        names = ", ".join(f"'{b.name_str}'" for b in producers) or "none"
        raise ScheduleError(f"{prim}: block '{c.name_str}' must have exactly one producer block (found {names})")
    p = producers[0]
    spatial_only(p, prim, role="producer")
    buf = only_output(p, prim)
    name = buf_name(func, buf)
    if is_argument(func, buf):
        raise ScheduleError(f"{prim}: producer '{p.name_str}' writes the function argument {name} (an output)")
    stores = stores_in(p)
    if len(stores) != 1 or stores[0].parent_op() is not p:
        raise ScheduleError(f"{prim}: producer '{p.name_str}' must store once, at the top level of its body")
    if loads_of(p, buf):
        raise ScheduleError(f"{prim}: producer '{p.name_str}' reads its own output {name}")
    check_self_contained(func, p, prim)
    for other in writers(func, buf) + readers(func, buf):
        if other is not p and other is not c:
            raise ScheduleError(f"{prim}: {name} is also accessed by block '{other.name_str}'")
    return p, buf


def _check_reverse_inline_deps(func: FuncOp, p: BlockOp, c: BlockOp, buf: SSAValue, out: SSAValue) -> None:
    prim = "reverse_compute_inline"
    needs = set(read_bufs(c)) - {buf}
    for q in span(p, c):
        if q is c:
            continue
        clash = [b for b in written_bufs(q) if b in needs]
        touches = out in set(written_bufs(q)) | set(read_bufs(q))
        if clash or touches:
            what = f"writes {buf_name(func, clash[0])}, which block '{c.name_str}' reads" if clash else f"accesses {buf_name(func, out)}"
            raise ScheduleError(f"{prim}: block '{q.name_str}' {what}, between '{p.name_str}' and '{c.name_str}'")


def _reverse_inline(p: BlockOp, c: BlockOp, buf: SSAValue, var_p: list[str], var_c: list[str]) -> None:
    env = {vc: Expr.sym(vp) for vc, vp in zip(var_c, var_p, strict=True)}
    reads = read_regions_full(p)
    for b, r in read_regions_full(c):
        if b != buf:
            add_region(reads, b, substituted(r, env))
    _, c_writes = regions(c)
    writes = [(b, substituted(r, env)) for b, r in c_writes]
    (p_store,) = stores_in(p)
    mapping: dict[SSAValue, SSAValue] = {load.result: p_store.value for load in loads_of(c, buf)}
    for op in list(c.body.block.ops):
        if isinstance(op, LoadOp) and op.buffer == buf:
            continue
        new = op.clone(value_mapper=mapping)
        substitute_loop_vars(new, env)
        p.body.block.insert_op_before(new, p_store)
    p_store.detach()
    p_store.erase()
    set_buffers(p, reads, writes)
    remove_with_empty_loops(c)
    c.erase()
    drop_alloc_if_unused(buf)


from tensorforge.schedule import compute_at as _compute_at  # noqa: E402  (registers compute_at, reverse_compute_at)

_ = _compute_at
