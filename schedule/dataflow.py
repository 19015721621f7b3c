"""Which blocks read and write which buffers, and in what order: the queries
behind the block primitives' legality checks, plus small IR edits they share.

Program order is the order of a walk of the function (a block before another
in the walk runs first unless both sit in a loop). `span` gives every block
that may run between two points of a schedule, conservatively: when both
points share an enclosing loop, all blocks under that loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from xdsl.dialects.builtin import ArrayAttr, DenseArrayBase, VectorType, i32
from xdsl.ir import BlockArgument, Operation, OpResult, SSAValue

from tensorforge.dialects.graphops.types import DimAttr
from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.ops import AllocOp, BlockOp, ForOp, FuncOp, IndexOp, LoadOp, StoreOp
from tensorforge.dialects.tirops.syntax import SSA_PREFIX
from tensorforge.dialects.tirops.types import BufferType
from tensorforge.schedule.ir_utils import ScheduleError

Region = list[tuple[Expr, Expr]]
"""(start, extent) per dimension of a buffer."""


# -- names ---------------------------------------------------------------------------
def buf_name(func: FuncOp, buf: SSAValue) -> str:
    if isinstance(buf, BlockArgument) and buf.block is func.body.block:
        return "%" + func.arg_name_list[buf.index]
    return "%" + (buf.name_hint or "?")


def is_argument(func: FuncOp, buf: SSAValue) -> bool:
    return isinstance(buf, BlockArgument) and buf.block is func.body.block


# -- accesses ------------------------------------------------------------------------
def _inner_ops(block: BlockOp) -> Iterable[Operation]:
    for region in (block.init, block.body):
        for b in region.blocks:
            for op in b.ops:
                yield from op.walk()


def loads_of(block: BlockOp, buf: SSAValue) -> list[LoadOp]:
    return [op for op in _inner_ops(block) if isinstance(op, LoadOp) and op.buffer == buf]


def stores_in(block: BlockOp) -> list[StoreOp]:
    return [op for op in _inner_ops(block) if isinstance(op, StoreOp)]


def read_bufs(block: BlockOp) -> list[SSAValue]:
    """Declared reads and loaded buffers, in order, without repeats."""
    out = list(dict.fromkeys([*block.reads, *(op.buffer for op in _inner_ops(block) if isinstance(op, LoadOp))]))
    return out


def written_bufs(block: BlockOp) -> list[SSAValue]:
    return list(dict.fromkeys([*block.writes, *(op.buffer for op in stores_in(block))]))


def all_blocks(func: FuncOp) -> list[BlockOp]:
    return [op for op in func.walk() if isinstance(op, BlockOp)]


def readers(func: FuncOp, buf: SSAValue, but: BlockOp | None = None) -> list[BlockOp]:
    return [b for b in all_blocks(func) if b is not but and buf in read_bufs(b)]


def writers(func: FuncOp, buf: SSAValue) -> list[BlockOp]:
    return [b for b in all_blocks(func) if buf in written_bufs(b)]


def regions(block: BlockOp) -> tuple[list[tuple[SSAValue, Region]], list[tuple[SSAValue, Region]]]:
    reads = list(zip(block.reads, BlockOp.regions_of(block.read_regions), strict=True))
    writes = list(zip(block.writes, BlockOp.regions_of(block.write_regions), strict=True))
    return reads, writes


def names_used(block: BlockOp) -> set[str]:
    """Names in the block's indices, tir.index expressions and regions."""
    exprs: list[Expr] = []
    for op in _inner_ops(block):
        if isinstance(op, LoadOp | StoreOp):
            exprs += [d.data for d in op.indices]
        elif isinstance(op, IndexOp):
            exprs.append(op.expr.data)
    reads, writes = regions(block)
    for _, reg in [*reads, *writes]:
        exprs += [x for pair in reg for x in pair]
    names: set[str] = set()
    for e in exprs:
        names |= {n for n in e.free_symbols() if not n.startswith(SSA_PREFIX)}
    return names


def check_self_contained(func: FuncOp, block: BlockOp, prim: str) -> None:
    """A block that moves or gets inlined may name only its iteration variables and symbols."""
    stray = sorted(names_used(block) - {n for n, _, _, _ in block.iters} - func.symbols())
    if stray:
        raise ScheduleError(f"{prim}: block '{block.name_str}' uses loop variable(s) {', '.join(stray)} directly, not through its iteration variables")
    nested = [op for op in _inner_ops(block) if isinstance(op, BlockOp | ForOp)]
    if nested:
        raise ScheduleError(f"{prim}: block '{block.name_str}' holds a nested {nested[0].name}")


def outside_values(block: BlockOp) -> list[SSAValue]:
    """Values the block uses that are defined outside it (buffers, constants)."""
    inside = {id(op) for op in block.walk()}
    out: list[SSAValue] = []
    for op in block.walk():
        for v in op.operands:
            owner = v.owner
            defined_in = owner if isinstance(owner, Operation) else owner.parent_op()
            if defined_in is None or id(defined_in) not in inside or (isinstance(v, BlockArgument) and defined_in is block):
                out.append(v)
    return list(dict.fromkeys(out))


def dominates(value: SSAValue, anchor: Operation) -> bool:
    """`value` is visible at `anchor` (and at anything nested in it)."""
    if isinstance(value, BlockArgument):
        holder = value.block
        return holder is not None and holder.is_ancestor(anchor)
    assert isinstance(value, OpResult)
    define = value.op
    holder = define.parent_block()
    cur: Operation | None = anchor
    while cur is not None:
        if cur.parent_block() is holder and holder is not None:
            return holder.get_operation_index(define) < holder.get_operation_index(cur)
        cur = cur.parent_op()
    return False


def check_visible(func: FuncOp, block: BlockOp, anchor: Operation, prim: str, where: str) -> None:
    for v in outside_values(block):
        if not dominates(v, anchor):
            what = buf_name(func, v) if isinstance(v.type, BufferType) else f"a value of type {v.type}"
            raise ScheduleError(f"{prim}: block '{block.name_str}' uses {what}, which is not defined {where}")


# -- block shapes the primitives rely on ---------------------------------------------------
def spatial_only(block: BlockOp, prim: str, role: str = "block") -> None:
    reduce = [n for n, k, _, _ in block.iters if k == "reduce"]
    if reduce or block.init.blocks:
        why = f"iteration variable '{reduce[0]}' is reduce" if reduce else "it has an init region"
        raise ScheduleError(f"{prim}: {role} '{block.name_str}' is a reduction ({why})")


def only_output(block: BlockOp, prim: str) -> SSAValue:
    writes = written_bufs(block)
    if len(writes) != 1:
        raise ScheduleError(f"{prim}: block '{block.name_str}' writes {len(writes)} buffers; it must write exactly one")
    return writes[0]


def store_vars(func: FuncOp, block: BlockOp, buf: SSAValue, prim: str, full: bool = False) -> list[str]:
    """The iteration variable at each dimension of the block's stores to `buf`:
    distinct spatial variables, every spatial variable once, the same at every
    store (so a store position names one iteration exactly). With `full`, each
    variable's domain must also be the whole dimension."""
    where = f"block '{block.name_str}'"
    stores = [s for s in stores_in(block) if s.buffer == buf]
    patterns = {tuple(d.data for d in s.indices) for s in stores}
    if len(patterns) != 1 or any(s.dyn_indices for s in stores):
        raise ScheduleError(f"{prim}: {where} stores {buf_name(func, buf)} at several or data-dependent positions")
    if any(isinstance(s.value.type, VectorType) for s in stores):
        raise ScheduleError(f"{prim}: {where} stores vectors into {buf_name(func, buf)}")
    idx = patterns.pop()
    spatial = {n: dom for n, k, dom, _ in block.iters if k == "spatial"}
    names = [next(iter(e.free_symbols())) if e.is_symbol() else None for e in idx]
    if any(n not in spatial for n in names) or len(set(names)) != len(names) or set(names) != set(spatial):
        text = ", ".join(str(e) for e in idx)
        raise ScheduleError(f"{prim}: {where} stores {buf_name(func, buf)}[{text}], which is not one distinct spatial iteration variable per dimension")
    if full:
        check_domains(func, block, buf, names, prim)  # type: ignore[arg-type]
    return names  # type: ignore[return-value]


def check_domains(func: FuncOp, block: BlockOp, buf: SSAValue, names: list[str], prim: str) -> None:
    doms = {n: dom for n, _, dom, _ in block.iters}
    dims = buf.type.dims  # type: ignore[attr-defined]
    for d, (name, dim) in enumerate(zip(names, dims, strict=True)):
        if doms[name] != dim:
            raise ScheduleError(f"{prim}: block '{block.name_str}': the domain of '{name}' ({doms[name]}) is not dimension {d} of {buf_name(func, buf)} ({dim})")


def bijective_reads(func: FuncOp, c: BlockOp, buf: SSAValue, prim: str, cover: bool = True) -> list[str]:
    """The block's spatial iteration variable at each dimension of its (identical)
    loads of `buf`; with `cover`, every iteration variable, over the whole dimension."""
    name = buf_name(func, buf)
    loads = loads_of(c, buf)
    patterns = {tuple(d.data for d in load.indices) for load in loads}
    if len(patterns) != 1 or any(load.dyn_indices for load in loads):
        raise ScheduleError(f"{prim}: block '{c.name_str}' reads other positions of {name} (it must read one position)")
    if any(load.parent_op() is not c for load in loads):
        raise ScheduleError(f"{prim}: block '{c.name_str}' reads {name} inside nested control flow")
    if any(isinstance(load.result.type, VectorType) for load in loads):
        raise ScheduleError(f"{prim}: block '{c.name_str}' loads vectors from {name}")
    idx = patterns.pop()
    names = [next(iter(e.free_symbols())) if e.is_symbol() else None for e in idx]
    mine = {n for n, _, _, _ in c.iters}
    if any(n not in mine for n in names) or len(set(names)) != len(names) or (cover and set(names) != mine):
        text = ", ".join(str(e) for e in idx)
        raise ScheduleError(f"{prim}: block '{c.name_str}' reads {name}[{text}], not one distinct iteration variable per dimension")
    if cover:
        check_domains(func, c, buf, names, prim)  # type: ignore[arg-type]
    return names  # type: ignore[return-value]


# -- order ---------------------------------------------------------------------------
def chain(op: Operation) -> list[Operation]:
    """`op` and its ancestors below the tir.func, outermost first."""
    out = [op]
    while True:
        parent = out[-1].parent_op()
        if parent is None or isinstance(parent, FuncOp):
            return list(reversed(out))
        out.append(parent)


def split_common(a: Operation, b: Operation) -> tuple[list[Operation], Operation | None, Operation | None]:
    """(common ancestors, a's ancestor and b's ancestor in their deepest common block)."""
    ca, cb = chain(a), chain(b)
    i = 0
    while i < min(len(ca), len(cb)) and ca[i] is cb[i]:
        i += 1
    return ca[:i], (ca[i] if i < len(ca) else None), (cb[i] if i < len(cb) else None)


def runs_before(a: Operation, b: Operation) -> bool:
    """a's statement comes before b's in their deepest common block."""
    _, ta, tb = split_common(a, b)
    if ta is None or tb is None:
        return False
    holder = ta.parent_block()
    assert holder is not None
    return holder.get_operation_index(ta) < holder.get_operation_index(tb)


def span(a: Operation, b: Operation) -> list[BlockOp]:
    """Blocks that may run between (an instance of) a and (an instance of) b,
    for a before b: everything from a's statement to b's statement in their
    common block, or everything under their outermost common loop."""
    common, ta, tb = split_common(a, b)
    loops = [op for op in common if isinstance(op, ForOp)]
    if loops:
        return blocks_in([loops[0]])
    if ta is None or tb is None:
        return blocks_in([common[-1]] if common else [])
    holder = ta.parent_block()
    assert holder is not None
    ops = list(holder.ops)
    i, j = ops.index(ta), ops.index(tb)
    return blocks_in(ops[i : j + 1])


def blocks_in(ops: Sequence[Operation]) -> list[BlockOp]:
    return [o for op in ops for o in op.walk() if isinstance(o, BlockOp)]


# -- edits ---------------------------------------------------------------------------
def set_buffers(block: BlockOp, reads: Sequence[tuple[SSAValue, Region]], writes: Sequence[tuple[SSAValue, Region]]) -> None:
    """Replace a block's read and write lists in place (the op keeps its identity)."""
    block.operands = [*(b for b, _ in reads), *(b for b, _ in writes)]
    block.properties["operandSegmentSizes"] = DenseArrayBase.from_list(i32, [len(reads), len(writes)])
    block.properties["read_regions"] = _regions_attr([r for _, r in reads])
    block.properties["write_regions"] = _regions_attr([r for _, r in writes])


def _regions_attr(rs: Sequence[Region]) -> ArrayAttr[ArrayAttr[DimAttr]]:
    return ArrayAttr([ArrayAttr([DimAttr(x) for pair in r for x in pair]) for r in rs])


def remove_with_empty_loops(block: BlockOp) -> None:
    """Detach `block` and erase the loops left empty around it."""
    parent = block.parent_op()
    block.detach()
    while isinstance(parent, ForOp) and not list(parent.body.block.ops):
        up = parent.parent_op()
        parent.detach()
        parent.erase()
        parent = up


def drop_alloc_if_unused(buf: SSAValue) -> None:
    if isinstance(buf, OpResult) and isinstance(buf.op, AllocOp) and not list(buf.uses):
        buf.op.detach()
        buf.op.erase()


def add_region(acc: list[tuple[SSAValue, Region]], buf: SSAValue, region: Region) -> None:
    """Merge `region` of `buf` into an access list (the union, or the whole buffer)."""
    for k, (b, old) in enumerate(acc):
        if b == buf:
            acc[k] = (b, union(old, region, buf))
            return
    acc.append((buf, region))


def union(r1: Region, r2: Region, buf: SSAValue) -> Region:
    t = buf.type
    assert isinstance(t, BufferType)
    out: Region = []
    for (s1, e1), (s2, e2), dim in zip(r1, r2, t.dims, strict=True):
        if (s1, e1) == (s2, e2):
            out.append((s1, e1))
            continue
        shift = s2 - s1
        if shift.is_const() and e1.is_const() and e2.is_const():
            lo = min(0, shift.value())
            hi = max(e1.value(), shift.value() + e2.value())
            out.append((s1 + lo, Expr.const(hi - lo)))
            continue
        out.append((Expr.const(0), dim))
    return out


def whole(buf: SSAValue) -> Region:
    t = buf.type
    assert isinstance(t, BufferType)
    return [(Expr.const(0), d) for d in t.dims]


def substituted(region: Region, env: dict[str, Expr]) -> Region:
    return [(s.substitute(env), e.substitute(env)) for s, e in region]
