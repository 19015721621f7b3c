"""Analyses and small rewrites shared by the buffer and reduction primitives.

Every primitive analyses first and rewrites after, so a refusal (a
ScheduleError) leaves the IR untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from xdsl.dialects.builtin import ArrayAttr, VectorType
from xdsl.ir import Operation, SSAValue

from tensorforge.dialects.graphops.types import DimAttr
from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.ops import AllocOp, BlockOp, ForOp, FuncOp, IndexOp, LoadOp, StoreOp
from tensorforge.dialects.tirops.syntax import SSA_PREFIX
from tensorforge.dialects.tirops.types import BufferType
from tensorforge.schedule.affine import AffineError, monotone_in, one_to_one, zero_at_zero
from tensorforge.schedule.ir_utils import ScheduleError, enclosing_loops, fresh_name


# -- buffers --------------------------------------------------------------------------
def buffer_name(func: FuncOp, buf: SSAValue) -> str:
    args: list[SSAValue] = list(func.body.block.args)
    if buf in args:
        return func.arg_name_list[args.index(buf)]
    return buf.name_hint or "buf"


def is_argument(func: FuncOp, buf: SSAValue) -> bool:
    return buf in list(func.body.block.args)


def pick_buffer(block: BlockOp, index: int, kind: str, what: str) -> SSAValue:
    """The block's `index`-th read (kind "read") or written ("write") buffer."""
    if kind not in ("read", "write"):
        raise ScheduleError(f"{what}: buffer kind must be 'read' or 'write', got '{kind}'")
    bufs = list(block.reads if kind == "read" else block.writes)
    if not isinstance(index, int) or not 0 <= index < len(bufs):
        raise ScheduleError(f"{what}: block '{block.name_str}' has {len(bufs)} {kind} buffer(s), no index {index}")
    return bufs[index]


def buf_type(buf: SSAValue) -> BufferType:
    t = buf.type
    assert isinstance(t, BufferType)
    return t


def add_alloc(func: FuncOp, t: BufferType, name: str) -> SSAValue:
    """A new tir.alloc at the top of the function, after the existing ones."""
    body = func.body.block
    alloc = AllocOp(t)
    alloc.result.name_hint = name
    first = next((op for op in body.ops if not isinstance(op, AllocOp)), None)
    if first is None:
        body.add_op(alloc)
    else:
        body.insert_op_before(alloc, first)
    return alloc.result


def inside(op: Operation, ancestor: Operation) -> bool:
    cur: Operation | None = op
    while cur is not None:
        if cur is ancestor:
            return True
        cur = cur.parent_op()
    return False


def users(buf: SSAValue) -> list[Operation]:
    return [use.operation for use in buf.uses]


def foreign_access(buf: SSAValue, root: Operation, block: BlockOp, stores_only: bool = False) -> Operation | None:
    """An op under `root`, outside `block`, that loads or stores (or only stores) `buf`."""
    for op in users(buf):
        if not inside(op, root) or inside(op, block):
            continue
        if isinstance(op, StoreOp) or (not stores_only and isinstance(op, LoadOp)):
            return op
    return None


def outermost(block: BlockOp) -> Operation:
    """The block's outermost enclosing loop, or the block itself at top level."""
    loops = enclosing_loops(block)
    return loops[0] if loops else block


def block_ops(block: BlockOp) -> Iterator[Operation]:
    for region in (block.init, block.body):
        for b in region.blocks:
            yield from b.walk()


def accesses(block: BlockOp, buf: SSAValue) -> tuple[list[LoadOp], list[StoreOp]]:
    loads = [op for op in block_ops(block) if isinstance(op, LoadOp) and op.buffer == buf]
    stores = [op for op in block_ops(block) if isinstance(op, StoreOp) and op.buffer == buf]
    return loads, stores


def index_of(op: LoadOp | StoreOp) -> list[Expr]:
    return [d.data for d in op.indices]


def has_dynamic(op: LoadOp | StoreOp) -> bool:
    return bool(op.dyn_indices) or any(s.startswith(SSA_PREFIX) for e in index_of(op) for s in e.free_symbols())


def is_vector(op: LoadOp | StoreOp) -> bool:
    t = op.result.type if isinstance(op, LoadOp) else op.value.type
    return isinstance(t, VectorType)


def redirect(buf: SSAValue, new: SSAValue, root: Operation) -> None:
    """Make every use of `buf` under `root` (root's own operands included) use `new`."""
    buf.replace_uses_with_if(new, lambda use: inside(use.operation, root))


# -- expression rewriting --------------------------------------------------------------
def _sub(attrs: Iterable[DimAttr], env: dict[str, Expr]) -> ArrayAttr[DimAttr]:
    return ArrayAttr([DimAttr(d.data.substitute(env)) for d in attrs])


def subst_block(block: BlockOp, env: dict[str, Expr]) -> None:
    """Substitute names in the block's regions, loads, stores and tir.index ops
    (not in its bindings or predicates, which live outside its variables)."""
    block.properties["read_regions"] = ArrayAttr([_sub(r, env) for r in block.read_regions])
    block.properties["write_regions"] = ArrayAttr([_sub(r, env) for r in block.write_regions])
    subst_ops(block_ops(block), env)


def subst_ops(ops: Iterator[Operation] | Sequence[Operation], env: dict[str, Expr]) -> None:
    for op in ops:
        if isinstance(op, LoadOp | StoreOp):
            op.properties["indices"] = _sub(op.indices, env)
        elif isinstance(op, IndexOp):
            op.properties["expr"] = DimAttr(op.expr.data.substitute(env))


def nest(loops: Sequence[ForOp], inner: Operation) -> Operation:
    """Put `inner` inside `loops` (outermost first); returns the outermost op."""
    op = inner
    for loop in reversed(loops):
        loop.body.block.add_op(op)
        op = loop
    return op


# -- iteration structure -----------------------------------------------------------------
def extents_of(loops: Sequence[ForOp]) -> dict[str, Expr]:
    return {lp.var_name: lp.extent_expr for lp in loops}


def binding_vars(block: BlockOp, kinds: tuple[str, ...]) -> set[str]:
    return {s for _, kind, _, b in block.iters if kind in kinds for s in b.free_symbols()}


def check_one_to_one(block: BlockOp, loops: Sequence[ForOp], what: str) -> None:
    """Distinct loop iterations run distinct block instances (so reordering
    the instances of one block cannot merge or repeat work)."""
    try:
        one_to_one([b for _, _, _, b in block.iters], extents_of(loops))
    except AffineError as e:
        raise ScheduleError(f"{what}: the bindings of block '{block.name_str}' are not provably one-to-one: {e}") from None


@dataclass
class MirrorNest:
    """A copy of some of a block's loops, for a new block over the same points."""

    loops: list[ForOp]
    rename: dict[str, Expr]
    predicates: list[tuple[Expr, Expr]] = field(default_factory=list)


def mirror_loops(
    func: FuncOp,
    block: BlockOp,
    loops: Sequence[ForOp],
    keep: set[str],
    what: str,
    taken: set[str],
    forced_zero: bool = False,
    suffix: str = "",
) -> MirrorNest:
    """Fresh copies of the loops in `keep` (others dropped: their variable
    becomes 0) and the block's predicates rewritten to match.

    A new block under these loops runs where the original ran for *some*
    values of the dropped loops. With `forced_zero` the caller knows the
    dropped loops were 0 at the points that matter (a reduction's init);
    otherwise each predicate must be monotone in the dropped loops so that
    "some value" is "the value 0". Empty dropped loops would make the
    original run nowhere: a `0 < extent` predicate keeps that."""
    out = MirrorNest([], {})
    dropped: set[str] = set()
    for loop in loops:
        var = loop.var_name
        if var not in keep:
            dropped.add(var)
            out.rename[var] = Expr.const(0)
            if not (loop.extent_expr.is_const() and loop.extent_expr.value() >= 1):
                out.predicates.append((Expr.const(0), loop.extent_expr))
            continue
        name = fresh_name(func, f"{var}{suffix}", taken)
        taken.add(name)
        out.rename[var] = Expr.sym(name)
        out.loops.append(ForOp(name, loop.extent_expr))
    for lhs, rhs in block.predicate_pairs:
        involved = (lhs.free_symbols() | rhs.free_symbols()) & dropped
        if involved and not forced_zero and (rhs.free_symbols() & dropped or not monotone_in(lhs, dropped)):
            raise ScheduleError(
                f"{what}: predicate '{lhs} < {rhs}' of block '{block.name_str}' is not monotone in loop(s) {', '.join(sorted(involved))}"
            )
        new = (lhs.substitute(out.rename), rhs.substitute(out.rename))
        if new[0].is_const() and new[1].is_const() and new[0].value() < new[1].value():
            continue
        out.predicates.append(new)
    return out


# -- reductions ----------------------------------------------------------------------------
@dataclass
class Reduction:
    """A reduction block whose init may be separated from its updates."""

    block: BlockOp
    loops: list[ForOp]
    spatial: list[tuple[str, Expr, Expr]]  # (iter var, domain, binding)
    reduce: list[tuple[str, Expr, Expr]]
    outputs: dict[SSAValue, list[Expr]]  # buffer stored by init -> its index
    reduce_loops: set[str]
    spatial_loops: set[str]


def reduction_info(func: FuncOp, block: BlockOp, what: str) -> Reduction:
    """Check that the block is a reduction in the form the primitives can
    rewrite exactly: an init; every buffer it initializes stored at one index
    of spatial variables only, one-to-one, and read by the updates only there;
    loop iterations one-to-one with block instances; no loop feeds both a
    spatial and a reduce variable; reduce bindings are 0 at the loops' start."""
    name = block.name_str
    if not block.init.blocks or not list(block.init.block.ops):
        raise ScheduleError(f"{what}: block '{name}' has no init (not a reduction, or its init was already decomposed)")
    loops = enclosing_loops(block)
    spatial = [(n, d, b) for n, k, d, b in block.iters if k == "spatial"]
    reduce = [(n, d, b) for n, k, d, b in block.iters if k == "reduce"]
    if not reduce:
        raise ScheduleError(f"{what}: block '{name}' has no reduce iteration variable")
    check_one_to_one(block, loops, what)
    reduce_loops = binding_vars(block, ("reduce",))
    spatial_loops = binding_vars(block, ("spatial",))
    both = reduce_loops & spatial_loops
    if both:
        raise ScheduleError(f"{what}: loop(s) {', '.join(sorted(both))} of block '{name}' feed both spatial and reduce variables")
    for n, _, b in reduce:
        if not zero_at_zero(b, reduce_loops):
            raise ScheduleError(f"{what}: reduce variable '{n}' of block '{name}' is not 0 at the first iteration ({b})")
    stored = [op for op in block.init.block.walk() if isinstance(op, StoreOp)]
    outputs: dict[SSAValue, list[Expr]] = {}
    for store in stored:
        outputs.setdefault(store.buffer, index_of(store))
    for buf, idx in outputs.items():
        _check_output(func, block, buf, idx, {n: d for n, d, _ in spatial}, what)
    init_is_closed(func, block, what)
    return Reduction(block, loops, spatial, reduce, outputs, reduce_loops, spatial_loops)


def init_is_closed(func: FuncOp, block: BlockOp, what: str) -> None:
    """The init may move to a new block: it must use only its own values and
    function-level buffers (arguments, top-level allocs)."""
    init = block.init.block
    top = func.body.block
    for op in init.walk():
        for v in op.operands:
            owner = v.owner
            if isinstance(owner, Operation) and _within(owner, init):
                continue
            if v in list(top.args) or (isinstance(owner, AllocOp) and owner.parent_block() is top):
                continue
            raise ScheduleError(f"{what}: the init of block '{block.name_str}' uses a value defined outside it")


def _within(op: Operation, block: object) -> bool:
    cur = op.parent_block()
    while cur is not None:
        if cur is block:
            return True
        parent = cur.parent_op()
        cur = parent.parent_block() if parent is not None else None
    return False


def _check_output(func: FuncOp, block: BlockOp, buf: SSAValue, idx: list[Expr], doms: dict[str, Expr], what: str) -> None:
    name, bname = block.name_str, buffer_name(func, buf)
    loads, stores = accesses(block, buf)
    for op in [*loads, *stores]:
        if has_dynamic(op) or is_vector(op) or index_of(op) != idx:
            raise ScheduleError(f"{what}: block '{name}' accesses its output %{bname} at [{', '.join(map(str, index_of(op)))}], not only at [{', '.join(map(str, idx))}]")
    free = {s for e in idx for s in e.free_symbols()}
    if free & set(binding_names(block, ("reduce",))) or free - set(doms) - func.symbols():
        raise ScheduleError(f"{what}: block '{name}' writes %{bname} at [{', '.join(map(str, idx))}], which is not an index of spatial variables only")
    try:
        one_to_one(idx, {n: d for n, d in doms.items() if n in free})
    except AffineError as e:
        raise ScheduleError(f"{what}: block '{name}' writes %{bname} at an index that is not provably one-to-one: {e}") from None
    if set(doms) - free:
        raise ScheduleError(f"{what}: block '{name}' writes %{bname} at [{', '.join(map(str, idx))}], which does not use spatial variable(s) {', '.join(sorted(set(doms) - free))}")


def binding_names(block: BlockOp, kinds: tuple[str, ...]) -> list[str]:
    return [n for n, k, _, _ in block.iters if k in kinds]
