"""Reduction primitives: decompose_reduction, rfactor.

Both move a reduction's init away from its updates, which is exact only when
every output element is initialized once, before its first update, and by
nothing else; `reduction_info` (block_info.py) checks the block's structure
for that (one-to-one bindings, output index of spatial variables only, no
loop feeding spatial and reduce variables) before anything is rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith
from xdsl.dialects.builtin import DenseArrayBase, FloatAttr, IntegerAttr, IntegerType, i32
from xdsl.ir import Attribute, Operation, SSAValue

from tensorforge.dialects.graphops.types import is_float, is_unsigned
from tensorforge.dialects.symbolic import Expr
from tensorforge.dialects.tirops.ops import BlockOp, FuncOp, LoadOp, StoreOp
from tensorforge.dialects.tirops.types import BufferType
from tensorforge.schedule.block_info import (
    Reduction,
    accesses,
    add_alloc,
    buf_type,
    buffer_name,
    foreign_access,
    has_dynamic,
    index_of,
    inside,
    mirror_loops,
    nest,
    redirect,
    reduction_info,
    subst_block,
    subst_ops,
)
from tensorforge.schedule.ir_utils import (
    ScheduleError,
    block_names,
    blocks_under,
    enclosing_loops,
    find_block,
    find_loop,
    fresh_name,
    uses_var,
)
from tensorforge.schedule.registry import primitive


def _fresh_block(func: FuncOp, base: str) -> str:
    taken = block_names(func)
    name, k = base, 1
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    return name


def _move_init(block: BlockOp, env: dict[str, Expr]) -> list[Operation]:
    """Detach the init's ops (renamed by `env`) and drop the init region."""
    init = block.init.block
    ops = list(init.ops)
    for op in ops:
        op.detach()
    subst_ops([o for op in ops for o in op.walk()], env)
    block.init.detach_block(init)
    init.erase()
    return ops


def _init_reads(ops: Sequence[Operation]) -> tuple[list[SSAValue], list[list[tuple[Expr, Expr]]]]:
    """Read regions of moved init ops: the point when one index is used, else the whole buffer."""
    found: dict[SSAValue, list[LoadOp]] = {}
    for op in ops:
        for o in op.walk():
            if isinstance(o, LoadOp):
                found.setdefault(o.buffer, []).append(o)
    bufs, regions = [], []
    for buf, loads in found.items():
        idx = index_of(loads[0])
        exact = all(index_of(lp) == idx and not has_dynamic(lp) for lp in loads)
        bufs.append(buf)
        regions.append([(e, Expr.const(1)) for e in idx] if exact else [(Expr.const(0), d) for d in buf_type(buf).dims])
    return bufs, regions


def _check_init_inputs(func: FuncOp, red: Reduction, root: Operation, what: str) -> None:
    """The init's inputs must not change between its old and new place."""
    block = red.block
    for op in block.init.block.walk():
        if not isinstance(op, LoadOp) or op.buffer in red.outputs:
            continue
        name = buffer_name(func, op.buffer)
        if accesses(block, op.buffer)[1] or foreign_access(op.buffer, root, block, stores_only=True):
            raise ScheduleError(f"{what}: the init of block '{block.name_str}' reads %{name}, which is written inside the moved range")


# -- decompose_reduction -------------------------------------------------------------------
@primitive
def decompose_reduction(func: FuncOp, block: str, loop: str) -> str:
    """Split a reduction's init into its own block, placed before `loop`, over
    the spatial loops at and below `loop`; the reduction loses its init.

    Before:                                   After decompose_reduction(block="C", loop="k"):
        tir.for i in range(n) {                   tir.for i in range(n) {
          tir.for k in range(8) {                   tir.block "C_init" (vi_init = spatial(n, i))
            tir.block "C" (vi = spatial(n, i),          reads() writes(%C[vi_init]) {
                vk = reduce(8, k)) ...                %z = arith.constant 0.0 : f32
                init { C[vi] = 0 } { update }         tir.store %z, %C[vi_init]
                                                    }
                                                    tir.for k in range(8) {
                                                      tir.block "C" (...) { update }

    `loop` must enclose the block with no reduce loop above it (it may itself
    be the outermost reduce loop). Nothing else under `loop` may touch the
    reduction's output, and the init's inputs must not be written there.
    Returns the init block's name.
    """
    what = "decompose_reduction"
    target = find_block(func, block)
    at = find_loop(func, loop)
    loops = enclosing_loops(target)
    if at not in loops:
        raise ScheduleError(f"{what}: loop '{loop}' does not enclose block '{block}'")
    red = reduction_info(func, target, what)
    pos = loops.index(at)
    for outer in loops[:pos]:
        if outer.var_name in red.reduce_loops:
            raise ScheduleError(f"{what}: loop '{outer.var_name}' above '{loop}' iterates a reduce variable of block '{block}'; decompose at or above the outermost reduce loop")
    for buf in red.outputs:
        other = foreign_access(buf, at, target)
        if other is not None:
            raise ScheduleError(f"{what}: %{buffer_name(func, buf)} is also accessed by another block under loop '{loop}'")
    _check_init_inputs(func, red, at, what)
    below = loops[pos:]
    keep = {lp.var_name for lp in below} & red.spatial_loops
    taken: set[str] = set()
    mirror = mirror_loops(func, target, below, keep, what, taken, forced_zero=True, suffix="_init")
    name = _fresh_block(func, f"{block}_init")
    env = dict(mirror.rename)
    iters = []
    for n, dom, b in red.spatial:
        new = fresh_name(func, f"{n}_init", taken)
        taken.add(new)
        env[n] = Expr.sym(new)
        iters.append((new, "spatial", dom, b.substitute(mirror.rename)))
    env |= {n: Expr.const(0) for n, _, _ in red.reduce}
    writes = list(red.outputs)
    write_regions = [[(e.substitute(env), Expr.const(1)) for e in red.outputs[b]] for b in writes]
    ops = _move_init(target, env)
    reads, read_regions = _init_reads(ops)
    init_block = BlockOp.make(name, iters, reads, read_regions, writes, write_regions, ops, None, mirror.predicates)
    parent = at.parent_block()
    assert parent is not None
    parent.insert_op_before(nest(mirror.loops, init_block), at)
    return name


# -- rfactor -----------------------------------------------------------------------------------
@primitive
def rfactor(func: FuncOp, loop: str, factor_axis: int) -> str:
    """Factor a reduction over `loop` out into partial results (TVM's rfactor).

    Before:                                   After rfactor(loop="k_1", factor_axis=0):
        tir.for i in range(n) {                   %C_rf = tir.alloc : !tir.buffer<[4, n], f32>
          tir.for k_0 in range(2) {               tir.for i in range(n) {
            tir.for k_1 in range(4) {               tir.for k_0 in range(2) {
              tir.block "C" (vi = spatial(n, i),      tir.for k_1 in range(4) {
                  vk = reduce(8, k_0*4+k_1))            tir.block "C_rf" (vi = spatial(n, i), v_k_1 = spatial(4, k_1),
                  init { C[vi] = 0 }                        v_k_0 = reduce(2, k_0)) init { C_rf[v_k_1, vi] = -0.0 }
                  { C[vi] += A[vi, vk] }                    { C_rf[v_k_1, vi] += A[vi, v_k_0*4+v_k_1] }
                                                      tir.for k_1_1 in range(4) {
                                                        tir.block "C" (vi_1 = spatial(n, i), v_k_1_1 = reduce(4, k_1_1))
                                                            init { C[vi_1] = 0 } { C[vi_1] += C_rf[v_k_1_1, vi_1] }

    The rf block (returned) holds partial reductions with `loop` spatial; the
    final block, after the outermost reduce loop, keeps the original name and
    init and combines the partials. Partials start from the combiner's exact
    identity, so any init is kept. Refused unless `loop` iterates reduce
    variables of exactly one block, that block is a single-output reduction
    `C = C op x` with op add/mul/max/min, nothing else sits under its
    outermost reduce loop, and its predicates are monotone in the reduce
    loops other than `loop` (so every partial that is read was initialized).
    """
    what = "rfactor"
    target = _reduction_block(find_loop(func, loop), loop, what)
    block = target.name_str
    red = reduction_info(func, target, what)
    out, idx, combiner, self_first, identity = _check_rfactor(func, red, what)
    t = buf_type(out)
    outer = next(lp for lp in red.loops if lp.var_name in red.reduce_loops)
    if blocks_under(outer) != [target]:
        raise ScheduleError(f"{what}: loop '{outer.var_name}' holds other blocks besides '{block}'")
    if not isinstance(factor_axis, int) or not -(t.rank + 1) <= factor_axis <= t.rank:
        raise ScheduleError(f"{what}: factor_axis {factor_axis} out of range for a rank-{t.rank} output (allowed {-(t.rank + 1)}..{t.rank})")
    axis = factor_axis % (t.rank + 1)
    below = red.loops[red.loops.index(outer):]
    keep = ({lp.var_name for lp in below} & red.spatial_loops) | {loop}
    taken: set[str] = set()
    mirror = mirror_loops(func, target, below, keep, f"{what} of block '{block}'", taken)
    rf_iters, env_rf, rf_var = _rf_iters(func, red, loop, taken)
    wb_iters, env_wb, r_var = _wb_iters(func, red, loop, mirror.rename, taken)
    rf_idx = [*idx[:axis], rf_var, *idx[axis:]]
    wb_idx = [e.substitute(env_wb) for e in idx]
    wb_rf_idx = [*wb_idx[:axis], r_var, *wb_idx[axis:]]
    # rewrite: the buffer, the rf block, then the write-back block
    extent = next(lp.extent_expr for lp in red.loops if lp.var_name == loop)
    rf_type = BufferType([*t.dims[:axis], extent, *t.dims[axis:]], t.element_type, t.scope.data)
    rf_buf = add_alloc(func, rf_type, f"{buffer_name(func, out)}_rf")
    rf_name = _fresh_block(func, f"{block}_rf")
    init_ops = _move_init(target, env_wb)
    _to_rf_block(target, rf_name, rf_iters, env_rf, out, rf_buf, rf_idx, identity, t.element_type)
    wb = _write_back(block, wb_iters, out, rf_buf, wb_idx, wb_rf_idx, combiner, self_first, init_ops, mirror.predicates)
    parent = outer.parent_block()
    assert parent is not None
    parent.insert_op_after(nest(mirror.loops, wb), outer)
    return rf_name


def _check_rfactor(
    func: FuncOp, red: Reduction, what: str,
) -> tuple[SSAValue, list[Expr], Operation, bool, IntegerAttr | FloatAttr]:
    """The output, its index, the combiner op (and whether the output is its
    first operand), and the combiner's identity constant."""
    target, block = red.block, red.block.name_str
    if len(red.outputs) != 1 or len(target.writes) != 1 or target.writes[0] not in red.outputs:
        raise ScheduleError(f"{what}: block '{block}' is not a single-output reduction (it writes {len(target.writes)} buffer(s))")
    out, idx = next(iter(red.outputs.items()))
    if any(isinstance(op, StoreOp) and op.buffer != out for op in target.walk()):
        raise ScheduleError(f"{what}: block '{block}' stores to buffers other than its output")
    combiner, self_first = _combiner(func, target, out, what)
    elt = buf_type(out).element_type
    identity = _identity(combiner, elt)
    if identity is None:
        raise ScheduleError(f"{what}: block '{block}' combines with {combiner.name} on {elt}, which has no supported identity")
    return out, idx, combiner, self_first, identity


def _rf_iters(func: FuncOp, red: Reduction, loop: str, taken: set[str]) -> tuple[list[tuple[str, str, Expr, Expr]], dict[str, Expr], Expr]:
    """The rf block's iteration variables: the reduce variables bound to `loop`
    are replaced by one variable per loop in their bindings (`loop`'s spatial),
    so that the init runs once per partial. Also the substitution for the
    replaced variables and the partial's variable."""
    involved = [(n, b) for n, _, b in red.reduce if loop in b.free_symbols()]
    per_loop: dict[str, str] = {}
    for lp in red.loops:
        if any(lp.var_name in b.free_symbols() for _, b in involved):
            per_loop[lp.var_name] = fresh_name(func, f"v_{lp.var_name}", taken)
            taken.add(per_loop[lp.var_name])
    ext = {lp.var_name: lp.extent_expr for lp in red.loops}
    to_iter = {lv: Expr.sym(n) for lv, n in per_loop.items()}
    iters = [(n, "spatial", d, b) for n, d, b in red.spatial] + [(per_loop[loop], "spatial", ext[loop], Expr.sym(loop))]
    iters += [(n, "reduce", d, b) for n, d, b in red.reduce if loop not in b.free_symbols()]
    iters += [(v, "reduce", ext[lv], Expr.sym(lv)) for lv, v in per_loop.items() if lv != loop]
    return iters, {n: b.substitute(to_iter) for n, b in involved}, Expr.sym(per_loop[loop])


def _wb_iters(
    func: FuncOp, red: Reduction, loop: str, rename: dict[str, Expr], taken: set[str]
) -> tuple[list[tuple[str, str, Expr, Expr]], dict[str, Expr], Expr]:
    """The write-back block's iteration variables (the spatial ones renamed,
    one reduce variable over the partials), the renaming for the moved init
    (reduce variables are 0 there), and the partials' variable."""
    env = dict(rename)
    iters = []
    for n, dom, b in red.spatial:
        new = fresh_name(func, n, taken)
        taken.add(new)
        env[n] = Expr.sym(new)
        iters.append((new, "spatial", dom, b.substitute(rename)))
    env |= {n: Expr.const(0) for n, _, _ in red.reduce}
    r_var = fresh_name(func, f"v_{rename[loop]}", taken)
    taken.add(r_var)
    extent = next(lp.extent_expr for lp in red.loops if lp.var_name == loop)
    iters.append((r_var, "reduce", extent, rename[loop]))
    return iters, env, Expr.sym(r_var)


def _reduction_block(at: Operation, loop: str, what: str) -> BlockOp:
    blocks = [b for b in blocks_under(at) if uses_var(b, loop, ("reduce",))]
    if not blocks:
        raise ScheduleError(f"{what}: loop '{loop}' does not iterate a reduce variable of any block")
    if len(blocks) > 1:
        raise ScheduleError(f"{what}: loop '{loop}' iterates reduce variables of several blocks ({', '.join(b.name_str for b in blocks)})")
    return blocks[0]


COMBINER_OPS: tuple[type[Operation], ...] = (
    arith.AddfOp, arith.AddiOp, arith.MulfOp, arith.MuliOp,
    arith.MaximumfOp, arith.MaxnumfOp, arith.MaxSIOp, arith.MaxUIOp,
    arith.MinimumfOp, arith.MinnumfOp, arith.MinSIOp, arith.MinUIOp,
)


def _combiner(func: FuncOp, block: BlockOp, out: SSAValue, what: str) -> tuple[Operation, bool]:
    """The op of the block's `out = out <op> x` update, and whether `out` is its first operand."""
    name, bname = block.name_str, buffer_name(func, out)
    loads, stores = accesses(block, out)
    body = block.body.block
    updates = [s for s in stores if inside(s, block) and s.parent_block() is body]
    refuse = f"{what}: block '{name}' does not update %{bname} as '{bname} = {bname} <add|mul|max|min> x'"
    if len(updates) != 1 or len([s for s in stores if s.parent_block() is not block.init.block]) != 1:
        raise ScheduleError(refuse)
    producer = updates[0].value.owner
    if not isinstance(producer, COMBINER_OPS) or producer.parent_block() is not body:
        raise ScheduleError(refuse)
    body_loads = [lp for lp in loads if inside(lp, block) and lp.parent_block() is not block.init.block]
    for first, operand in enumerate(producer.operands):
        load = operand.owner
        if load in body_loads and len(body_loads) == 1 and len(list(operand.uses)) == 1:
            return producer, first == 0
    raise ScheduleError(refuse)


def _identity(op: Operation, elt: Attribute) -> IntegerAttr | FloatAttr | None:
    kind = type(op).__name__.removesuffix("Op").lower()
    if is_float(elt):
        # exact identities: -0.0 + x == x keeps the sign of zero; maxnum/minnum ignore NaN
        value = {"addf": -0.0, "mulf": 1.0, "maximumf": float("-inf"), "maxnumf": float("nan"),
                 "minimumf": float("inf"), "minnumf": float("nan")}.get(kind)
        return None if value is None else FloatAttr(value, elt)  # type: ignore[arg-type]
    if not isinstance(elt, IntegerType) or elt.width.data < 2:
        return None
    w = elt.width.data
    ones = (1 << w) - 1 if is_unsigned(elt) else -1
    value = {"addi": 0, "muli": 1, "maxsi": -(1 << (w - 1)), "minsi": (1 << (w - 1)) - 1, "maxui": 0, "minui": ones}.get(kind)
    if value is None or (is_unsigned(elt) and kind in ("maxsi", "minsi")):
        return None
    return IntegerAttr(value, elt)


def _to_rf_block(
    target: BlockOp, name: str, iters: list[tuple[str, str, Expr, Expr]], env: dict[str, Expr],
    out: SSAValue, rf_buf: SSAValue, rf_idx: list[Expr], identity: IntegerAttr | FloatAttr, elt: Attribute,
) -> None:
    """Turn the reduction block into the rf block, in place."""
    from xdsl.dialects.builtin import ArrayAttr, StringAttr

    from tensorforge.dialects.graphops.types import DimAttr

    subst_block(target, env)
    loads, stores = accesses(target, out)
    for op in [*loads, *stores]:
        op.properties["indices"] = ArrayAttr([DimAttr(e) for e in rf_idx])
    point = ArrayAttr([DimAttr(x) for e in rf_idx for x in (e, Expr.const(1))])
    for key, bufs in (("read_regions", target.reads), ("write_regions", target.writes)):
        regions = list(target.properties[key].data)  # type: ignore[attr-defined]
        target.properties[key] = ArrayAttr([point if b is out else r for b, r in zip(bufs, regions, strict=True)])
    redirect(out, rf_buf, target)
    _drop_unread(target, rf_buf)
    target.properties["block_name"] = StringAttr(name)
    target.properties["iter_names"] = ArrayAttr([StringAttr(n) for n, _, _, _ in iters])
    target.properties["iter_kinds"] = ArrayAttr([StringAttr(k) for _, k, _, _ in iters])
    target.properties["iter_doms"] = ArrayAttr([DimAttr(d) for _, _, d, _ in iters])
    target.properties["iter_bindings"] = ArrayAttr([DimAttr(b) for _, _, _, b in iters])
    from xdsl.ir import Block

    const = arith.ConstantOp(identity, elt)
    target.init.add_block(Block([const, StoreOp(const.result, rf_buf, rf_idx)]))


def _drop_unread(block: BlockOp, keep: SSAValue) -> None:
    """Drop read-list entries of buffers the block no longer loads (its moved init read them)."""
    from xdsl.dialects.builtin import ArrayAttr

    loaded = {op.buffer for op in block.walk() if isinstance(op, LoadOp)}
    pairs = [(b, r) for b, r in zip(block.reads, block.read_regions, strict=True) if b in loaded or b == keep]
    if len(pairs) == len(block.reads):
        return
    writes = list(block.writes)
    block.operands = [*(b for b, _ in pairs), *writes]
    block.properties["operandSegmentSizes"] = DenseArrayBase.from_list(i32, [len(pairs), len(writes)])
    block.properties["read_regions"] = ArrayAttr([r for _, r in pairs])


def _write_back(
    name: str, iters: list[tuple[str, str, Expr, Expr]], out: SSAValue, rf_buf: SSAValue, idx: list[Expr],
    rf_idx: list[Expr], combiner: Operation, self_first: bool, init_ops: list[Operation], preds: list[tuple[Expr, Expr]],
) -> BlockOp:
    """`out[idx] = out[idx] op rf[rf_idx]` over the rf axis, with the original init."""
    part = LoadOp(rf_buf, rf_idx)
    cur = LoadOp(out, idx)
    comb = combiner.clone()
    comb.operands = [cur.result, part.result] if self_first else [part.result, cur.result]
    store = StoreOp(comb.results[0], out, idx)
    reads, read_regions = _init_reads(init_ops)
    point = [(e, Expr.const(1)) for e in rf_idx]
    return BlockOp.make(
        name, iters, [rf_buf, *reads], [point, *read_regions], [out], [[(e, Expr.const(1)) for e in idx]],
        [part, cur, comb, store], init_ops, preds,
    )
