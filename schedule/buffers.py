"""Buffer primitives: cache_read, cache_write, set_scope, storage_align,
transform_layout.

Buffers are named by position in a block's read or write list
(`buffer_index`). The copy blocks these primitives add are one perfect loop
nest around one block each, so the interpreter evaluates them as one grid.
Each primitive checks everything before it rewrites anything: a refusal
leaves the IR untouched.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import ArrayAttr, DenseArrayBase, FunctionType, ModuleOp, i64
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import Rewriter

from tensorforge.dialects.graphops.types import DimAttr
from tensorforge.dialects.symbolic import Expr, SymbolicError, parse_expr
from tensorforge.dialects.tirops.ops import AllocOp, BlockOp, ForOp, FuncOp, LoadOp, StoreOp
from tensorforge.dialects.tirops.types import SCOPES, BufferType
from tensorforge.schedule.affine import AffineError, one_to_one, provably_le, relax
from tensorforge.schedule.block_info import (
    accesses,
    add_alloc,
    buf_type,
    buffer_name,
    extents_of,
    foreign_access,
    has_dynamic,
    index_of,
    is_argument,
    is_vector,
    mirror_loops,
    nest,
    outermost,
    pick_buffer,
    redirect,
    reduction_info,
    users,
)
from tensorforge.schedule.ir_utils import ScheduleError, block_names, enclosing_loops, find_block, fresh_name
from tensorforge.schedule.registry import primitive


def _check_scope(scope: str, what: str) -> None:
    if scope not in SCOPES:
        raise ScheduleError(f"{what}: unknown scope '{scope}' (expected one of {', '.join(SCOPES)})")


def _fresh_block(func: FuncOp, base: str) -> str:
    taken = block_names(func)
    name, k = base, 1
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    return name


def _copy_block(
    name: str, iters: list[tuple[str, str, Expr, Expr]], src: SSAValue, dst: SSAValue, idx: list[Expr], preds: Sequence[tuple[Expr, Expr]] = ()
) -> BlockOp:
    """`dst[idx] = src[idx]` as a block."""
    load = LoadOp(src, idx)
    store = StoreOp(load.result, dst, idx)
    point = [(e, Expr.const(1)) for e in idx]
    return BlockOp.make(name, iters, [src], [point], [dst], [point], [load, store], None, list(preds))


# -- cache_read ----------------------------------------------------------------------------
@primitive
def cache_read(func: FuncOp, block: str, buffer_index: int, scope: str) -> str:
    """Copy what a block reads of one buffer into a new buffer in `scope`, in a
    new block placed before the block's outermost loop; the block reads the copy.

    Before:                                   After cache_read(block="B", buffer_index=0, scope="shared"):
        tir.for i in range(n) {                   %A_shared = tir.alloc : !tir.buffer<[n], f32, shared>
          tir.block "B" (vi = spatial(n, i))      tir.for ax0 in range(n) {
              reads(%A[vi]) writes(%B[vi]) {        tir.block "A_shared" (v_ax0 = spatial(n, ax0))
            %a = tir.load %A[vi] : f32                  reads(%A[v_ax0]) writes(%A_shared[v_ax0]) {...}
            ...                                   tir.for i in range(n) {
                                                    tir.block "B" ... reads(%A_shared[vi]) ... {
                                                      %a = tir.load %A_shared[vi] : f32

    The cache has the buffer's shape; the copied box is the range of the
    block's loads over its loops (the whole dimension where a load is not
    affine, is data-dependent, or the box is not provably inside the buffer).
    Refused when the block itself writes the buffer, or anything else under
    its outermost loop stores to it (the copy would be stale).
    """
    what = "cache_read"
    _check_scope(scope, what)
    target = find_block(func, block)
    buf = pick_buffer(target, buffer_index, "read", what)
    bname = buffer_name(func, buf)
    loads, stores = accesses(target, buf)
    if stores or buf in list(target.writes):
        raise ScheduleError(f"{what}: block '{block}' also writes %{bname}; a cache of it would go stale")
    root = outermost(target)
    writer = foreign_access(buf, root, target, stores_only=True)
    if writer is not None:
        where = f"loop '{root.var_name}'" if isinstance(root, ForOp) else f"block '{block}'"
        raise ScheduleError(f"{what}: %{bname} is written inside {where} that holds block '{block}'; a cache made before it would go stale")
    t = buf_type(buf)
    box = _read_box(func, target, loads, t)
    name = _fresh_block(func, f"{bname}_{scope}")
    cache = add_alloc(func, BufferType(t.dims, t.element_type, scope), name)
    taken: set[str] = set()
    loops, iters, idx = [], [], []
    for d, (lo, ext) in enumerate(box):
        lv = fresh_name(func, f"ax{d}", taken)
        taken.add(lv)
        iv = fresh_name(func, f"v_{lv}", taken)
        taken.add(iv)
        loops.append(ForOp(lv, ext))
        iters.append((iv, "spatial", t.dims[d], Expr.sym(lv) + lo))
        idx.append(Expr.sym(iv))
    copy = nest(loops, _copy_block(name, iters, buf, cache, idx))
    parent = root.parent_block()
    assert parent is not None
    parent.insert_op_before(copy, root)
    redirect(buf, cache, target)
    return name


def _read_box(func: FuncOp, block: BlockOp, loads: list[LoadOp], t: BufferType) -> list[tuple[Expr, Expr]]:
    """(start, extent) per dimension covering every load of the block."""
    loops = enclosing_loops(block)
    ranges = extents_of(loops)
    bindings = {n: b for n, _, _, b in block.iters}
    known = set(ranges) | func.symbols()
    box = []
    for d, dim in enumerate(t.dims):
        spans = [_span(op, d, bindings, ranges, known) for op in loads]
        box.append(_union(spans, dim))
    return box


def _span(op: LoadOp, d: int, bindings: dict[str, Expr], ranges: dict[str, Expr], known: set[str]) -> tuple[Expr, Expr] | None:
    if has_dynamic(op) or is_vector(op):
        return None
    e = index_of(op)[d].substitute(bindings)
    if e.free_symbols() - known:  # names bound inside the block (nested loops): no bound known here
        return None
    return relax(e, ranges)


def _union(spans: list[tuple[Expr, Expr] | None], dim: Expr) -> tuple[Expr, Expr]:
    full = (Expr.const(0), dim)
    if not spans or any(s is None for s in spans):
        return full
    los = [s[0] for s in spans]  # type: ignore[index]
    his = [s[1] for s in spans]  # type: ignore[index]
    lo = next((a for a in los if all(provably_le(a, b) for b in los)), None)
    hi = next((a for a in his if all(provably_le(b, a) for b in his)), None)
    if lo is None or hi is None or not provably_le(Expr.const(0), lo) or not provably_le(hi + 1, dim):
        return full
    return lo, hi - lo + 1


# -- cache_write ---------------------------------------------------------------------------
@primitive
def cache_write(func: FuncOp, block: str, buffer_index: int, scope: str) -> str:
    """Make a block write one of its buffers into a new buffer in `scope`, and
    copy the result back in a new block placed after the block's outermost loop.

    Before:                                   After cache_write(block="C", buffer_index=0, scope="local"):
        tir.for i in range(n) {                   %C_local = tir.alloc : !tir.buffer<[n], f32, local>
          tir.for k in range(8) {                 tir.for i in range(n) {
            tir.block "C" (vi = spatial(n, i),      tir.for k in range(8) {
                vk = reduce(8, k)) ...                tir.block "C" ... writes(%C_local[vi]) init {..C_local..} {..C_local..}
                writes(%C[vi]) init {..} {..}     tir.for i_1 in range(n) {
                                                    tir.block "C_local" (vi_1 = spatial(n, i_1))
                                                        reads(%C_local[vi_1]) writes(%C[vi_1]) {...}

    The copy-back block repeats the loops that the written index depends on
    (with the block's predicates), so it copies exactly the elements the block
    wrote. Refused when the written index is data-dependent, differs between
    stores, or is only stored conditionally; when anything else under the
    outermost loop touches the buffer; and when the block reads the buffer
    other than as a checked reduction (init first, then updates in place).
    """
    what = "cache_write"
    _check_scope(scope, what)
    target = find_block(func, block)
    buf = pick_buffer(target, buffer_index, "write", what)
    bname = buffer_name(func, buf)
    loads, stores = accesses(target, buf)
    idx = _written_index(target, bname, stores, func.symbols(), what)
    root = outermost(target)
    other = foreign_access(buf, root, target)
    if other is not None:
        raise ScheduleError(f"{what}: %{bname} is also accessed outside block '{block}' inside loop '{_var(root)}'; the copy-back would reorder those accesses")
    if loads:
        if not target.init.blocks:
            raise ScheduleError(f"{what}: block '{block}' reads %{bname} without an init that writes it first; the cache would not hold the values read")
        red = reduction_info(func, target, what)
        if buf not in red.outputs:
            raise ScheduleError(f"{what}: block '{block}' reads %{bname} without an init that writes it first; the cache would not hold the values read")
    iter_names = [n for n, _, _, _ in target.iters]
    used = [it for it in target.iters if it[0] in {s for e in idx for s in e.free_symbols()}]
    loops = enclosing_loops(target)
    keep = {s for _, _, _, b in used for s in b.free_symbols()} | ({s for e in idx for s in e.free_symbols()} & set(extents_of(loops)))
    taken: set[str] = set()
    mirror = mirror_loops(func, target, loops, keep, f"{what} of block '{block}'", taken)
    name = _fresh_block(func, f"{bname}_{scope}")
    rename = dict(mirror.rename)
    iters = []
    for n, _, dom, b in used:
        new = fresh_name(func, n, taken | set(iter_names))
        taken.add(new)
        rename[n] = Expr.sym(new)
        iters.append((new, "spatial", dom, b.substitute(mirror.rename)))
    new_idx = [e.substitute(rename) for e in idx]
    t = buf_type(buf)
    cache = add_alloc(func, BufferType(t.dims, t.element_type, scope), name)
    copy = nest(mirror.loops, _copy_block(name, iters, cache, buf, new_idx, mirror.predicates))
    parent = root.parent_block()
    assert parent is not None
    parent.insert_op_after(copy, root)
    redirect(buf, cache, target)
    return name


def _var(op: Operation) -> str:
    return op.var_name if isinstance(op, ForOp) else "-"


def _written_index(block: BlockOp, bname: str, stores: list[StoreOp], symbols: set[str], what: str) -> list[Expr]:
    name = block.name_str
    if not stores:
        raise ScheduleError(f"{what}: block '{name}' never stores to %{bname}")
    idx = index_of(stores[0])
    for s in stores:
        if has_dynamic(s) or is_vector(s):
            raise ScheduleError(f"{what}: block '{name}' stores to %{bname} at a data-dependent or vector index")
        if index_of(s) != idx:
            raise ScheduleError(f"{what}: block '{name}' stores to %{bname} at different indices")
    if not any(s.parent_block() is block.body.block for s in stores):
        raise ScheduleError(f"{what}: block '{name}' stores to %{bname} only conditionally (or only in its init)")
    visible = {n for n, _, _, _ in block.iters} | set(extents_of(enclosing_loops(block))) | symbols
    stray = {v for e in idx for v in e.free_symbols()} - visible
    if stray:
        raise ScheduleError(f"{what}: block '{name}' stores to %{bname} at an index using {', '.join(sorted(stray))}, bound inside the block")
    return idx


# -- set_scope -------------------------------------------------------------------------------
def _allocated(func: FuncOp, block: str, buffer_index: int, what: str) -> tuple[BlockOp, SSAValue, str]:
    target = find_block(func, block)
    buf = pick_buffer(target, buffer_index, "write", what)
    bname = buffer_name(func, buf)
    if is_argument(func, buf) or not isinstance(buf.owner, AllocOp):
        raise ScheduleError(f"{what}: %{bname} written by block '{block}' is a function argument, not a tir.alloc buffer")
    return target, buf, bname


@primitive
def set_scope(func: FuncOp, block: str, buffer_index: int, scope: str) -> None:
    """Change the memory scope of an allocated buffer the block writes.

    Before: %T = tir.alloc : !tir.buffer<[n], f32>
    After set_scope(block="T", buffer_index=0, scope="shared"):
            %T = tir.alloc : !tir.buffer<[n], f32, shared>
    Refused for function arguments (their scope belongs to the caller).
    """
    _check_scope(scope, "set_scope")
    _, buf, _ = _allocated(func, block, buffer_index, "set_scope")
    Rewriter.replace_value_with_new_type(buf, buf_type(buf).with_scope(scope))


# -- storage_align ------------------------------------------------------------------------------
ALIGN_ATTR = "storage_align"


@primitive
def storage_align(func: FuncOp, block: str, buffer_index: int, axis: int, factor: int, offset: int) -> None:
    """Pad an allocated buffer's strides so that stride[axis] % factor == offset
    (TVM's storage_align, e.g. to avoid shared-memory bank conflicts).

    Before: %T = tir.alloc : !tir.buffer<[16, 16], f32, shared>
    After storage_align(block="T", buffer_index=0, axis=0, factor=32, offset=1):
            %T = tir.alloc {storage_align = [array<i64: 0, 32, 1>]} : !tir.buffer<[16, 16], f32, shared, [33, 1]>

    Strides are computed from the innermost axis out, each aligned axis
    rounded up (TVM's rule); the alignments are kept on the alloc so that a
    later call on another axis recomputes all of them. The interpreter
    ignores strides; the buffer type records them.
    """
    what = "storage_align"
    _, buf, bname = _allocated(func, block, buffer_index, what)
    t = buf_type(buf)
    alloc = buf.owner
    assert isinstance(alloc, AllocOp)
    if not all(isinstance(v, int) for v in (axis, factor, offset)):
        raise ScheduleError(f"{what}: axis, factor and offset must be integers")
    if not -t.rank <= axis < t.rank:
        raise ScheduleError(f"{what}: axis {axis} out of range for rank-{t.rank} buffer %{bname}")
    if factor <= 0 or not 0 <= offset < factor:
        raise ScheduleError(f"{what}: need factor > 0 and 0 <= offset < factor, got factor={factor}, offset={offset}")
    aligns = _aligns(alloc)
    if t.strides.data and not aligns:
        raise ScheduleError(f"{what}: %{bname} has explicit strides that storage_align did not set")
    aligns[axis % t.rank] = (factor, offset)
    strides = _aligned_strides(t.dims, aligns)
    alloc.attributes[ALIGN_ATTR] = ArrayAttr([DenseArrayBase.from_list(i64, [a, f, o]) for a, (f, o) in sorted(aligns.items())])
    Rewriter.replace_value_with_new_type(buf, BufferType(t.dims, t.element_type, t.scope.data, strides))


def _aligns(alloc: AllocOp) -> dict[int, tuple[int, int]]:
    attr = alloc.attributes.get(ALIGN_ATTR)
    if not isinstance(attr, ArrayAttr):
        return {}
    out = {}
    for entry in attr.data:
        if isinstance(entry, DenseArrayBase):
            a, f, o = (int(v) for v in entry.get_values())
            out[a] = (f, o)
    return out


def _aligned_strides(dims: tuple[Expr, ...], aligns: dict[int, tuple[int, int]]) -> list[Expr]:
    strides: list[Expr] = [Expr.const(0)] * len(dims)
    stride = Expr.const(1)
    for i in reversed(range(len(dims))):
        if i in aligns:
            f, o = aligns[i]
            stride = stride + (Expr.const(f + o) - stride.mod(f)).mod(f)
        strides[i] = stride
        stride = stride * dims[i]
    return strides


# -- transform_layout -----------------------------------------------------------------------------
@primitive
def transform_layout(  # type: ignore[type-arg]
    func: FuncOp, block: str, buffer_index: int, index_map: str | list, buffer_kind: str = "write", allow_arguments: bool = False
) -> None:
    """Store a buffer in a new layout: element x of the old buffer lives at
    index_map(x) of the new one, and every load, store and region of the
    buffer in the function is rewritten.

    Before:                                     After transform_layout(block="T", buffer_index=0,
        %T = tir.alloc : !tir.buffer<[n, 8], f32>     index_map="lambda i, j: (j floordiv 4, i, j mod 4)"):
        ... tir.store %x, %T[vi, vj]                %T = tir.alloc : !tir.buffer<[2, n, 4], f32>
        ... tir.load %T[vi, vj] : f32               ... tir.store %x, %T[vj floordiv 4, vi, vj mod 4]

    index_map: "lambda i, j: (e0, e1, ...)" with index expressions (floordiv,
    ceildiv, mod, + - *; also // and %), or the structured form
    [["i", "j"], ["e0", "e1", ...]]. The map must be provably one-to-one on
    the buffer's shape (permutations, splits `floordiv`/`mod`, fusions
    `i*8+j`); the new shape is the image's bounding box (a split that does
    not divide leaves unused padding). The block picks the buffer from its
    write list (buffer_kind="write") or read list ("read"). A function
    argument changes the function's signature, so it needs
    allow_arguments=True, and is refused anyway when a graph.call_tir calls
    the function with tensors or when no argument shape would bind a symbol.
    Refused for data-dependent or vector accesses and for buffers with
    explicit strides.
    """
    what = "transform_layout"
    target = find_block(func, block)
    buf = pick_buffer(target, buffer_index, buffer_kind, what)
    bname = buffer_name(func, buf)
    t = buf_type(buf)
    params, exprs = _parse_index_map(index_map, t.rank, func.symbols(), what)
    try:
        new_dims = one_to_one(exprs, dict(zip(params, t.dims, strict=True)))
    except AffineError as e:
        raise ScheduleError(f"{what}: index map of %{bname} is not provably one-to-one on its shape [{', '.join(map(str, t.dims))}]: {e}") from None
    if t.strides.data:
        raise ScheduleError(f"{what}: %{bname} has explicit strides (storage_align); transform its layout first")
    new_type = BufferType(new_dims, t.element_type, t.scope.data)
    _check_accesses(buf, bname, what)
    if is_argument(func, buf):
        if not allow_arguments:
            raise ScheduleError(f"{what}: %{bname} is an argument of @{func.sym_name.data}; changing its layout changes the signature (pass allow_arguments=True)")
        _check_argument(func, buf, bname, new_type, what)
    env_of = lambda idx: dict(zip(params, idx, strict=True))  # noqa: E731
    for op in _unique(users(buf)):
        if isinstance(op, LoadOp | StoreOp):
            op.properties["indices"] = ArrayAttr([DimAttr(e.substitute(env_of(index_of(op)))) for e in exprs])
        elif isinstance(op, BlockOp):
            _map_regions(op, buf, params, exprs, new_dims)
    new = Rewriter.replace_value_with_new_type(buf, new_type)
    if is_argument(func, new):
        inputs = [a.type for a in func.body.block.args]
        func.properties["function_type"] = FunctionType.from_lists(inputs, [])


def _unique(ops: list[Operation]) -> list[Operation]:
    seen: set[int] = set()
    return [op for op in ops if not (id(op) in seen or seen.add(id(op)))]  # type: ignore[func-returns-value]


def _parse_index_map(spec: str | list, rank: int, symbols: set[str], what: str) -> tuple[list[str], list[Expr]]:  # type: ignore[type-arg]
    if isinstance(spec, str):
        params, texts = _split_lambda(spec, what)
    elif isinstance(spec, list | tuple) and len(spec) == 2 and all(isinstance(x, list | tuple) for x in spec):
        params, texts = [str(p) for p in spec[0]], [str(e) for e in spec[1]]
    else:
        raise ScheduleError(f"{what}: index_map must be 'lambda i, j: (...)' or [[params], [exprs]], got {spec!r}")
    if len(params) != rank or len(set(params)) != len(params) or not all(p.isidentifier() for p in params):
        raise ScheduleError(f"{what}: index map needs {rank} distinct parameter names, got {params}")
    if set(params) & symbols:
        raise ScheduleError(f"{what}: index map parameter(s) {', '.join(sorted(set(params) & symbols))} shadow function symbols")
    exprs = []
    for text in texts:
        try:
            e = parse_expr(text.replace("//", " floordiv ").replace("%", " mod "))
        except SymbolicError as err:
            raise ScheduleError(f"{what}: cannot parse index map output '{text}': {err}") from None
        unknown = e.free_symbols() - set(params) - symbols
        if unknown:
            raise ScheduleError(f"{what}: index map output '{text}' uses unknown name(s) {', '.join(sorted(unknown))}")
        exprs.append(e)
    if not exprs:
        raise ScheduleError(f"{what}: index map has no outputs")
    return params, exprs


def _split_lambda(text: str, what: str) -> tuple[list[str], list[str]]:
    body = text.strip()
    if not body.startswith("lambda"):
        raise ScheduleError(f"{what}: index map '{text}' must start with 'lambda'")
    head, sep, body = body[len("lambda"):].partition(":")
    if not sep:
        raise ScheduleError(f"{what}: index map '{text}' has no ':'")
    params = [p.strip() for p in head.split(",") if p.strip()]
    body = body.strip()
    if body.startswith("(") and _closing(body, 0) == len(body) - 1:
        body = body[1:-1]
    return params, [p.strip() for p in _top_level_split(body) if p.strip()]


def _closing(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return -1


def _top_level_split(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    return [*parts, cur]


def _check_accesses(buf: SSAValue, bname: str, what: str) -> None:
    for op in users(buf):
        if isinstance(op, LoadOp | StoreOp):
            if has_dynamic(op) or is_vector(op):
                raise ScheduleError(f"{what}: %{bname} has a data-dependent or vector access ({op.name}) that cannot be rewritten")
            continue
        if not isinstance(op, BlockOp):
            raise ScheduleError(f"{what}: %{bname} is used by {op.name}, which cannot be rewritten")


def _check_argument(func: FuncOp, buf: SSAValue, bname: str, new_type: BufferType, what: str) -> None:
    module = func.parent_op()
    if isinstance(module, ModuleOp):
        from tensorforge.dialects.graphops.call_tir import CallTirOp

        for op in module.walk():
            if isinstance(op, CallTirOp) and op.callee.root_reference.data == func.sym_name.data:
                raise ScheduleError(f"{what}: %{bname} is an argument of @{func.sym_name.data}, which graph.call_tir calls with tensors of the old layout")
    args = list(func.body.block.args)
    types = [new_type if a is buf else a.type for a in args]
    plain = {next(iter(d.free_symbols())) for t in types for d in t.dims if d.is_symbol()}  # type: ignore[attr-defined]
    lost = func.symbols() - plain
    if lost:
        raise ScheduleError(f"{what}: after the change no argument shape binds symbol(s) {', '.join(sorted(lost))}")


def _map_regions(op: BlockOp, buf: SSAValue, params: list[str], exprs: list[Expr], new_dims: list[Expr]) -> None:
    for key, bufs in (("read_regions", op.reads), ("write_regions", op.writes)):
        regions = BlockOp.regions_of(op.properties[key])  # type: ignore[arg-type]
        out = []
        for b, region in zip(bufs, regions, strict=True):
            if b is buf:
                region = _map_region(region, params, exprs, new_dims)
            out.append(ArrayAttr([DimAttr(x) for pair in region for x in pair]))
        op.properties[key] = ArrayAttr(out)


def _map_region(region: list[tuple[Expr, Expr]], params: list[str], exprs: list[Expr], new_dims: list[Expr]) -> list[tuple[Expr, Expr]]:
    """Points map exactly; an output that depends on a ranged dimension covers its whole new extent."""
    env = {p: start for p, (start, _) in zip(params, region, strict=True)}
    ranged = {p for p, (_, ext) in zip(params, region, strict=True) if ext != 1}
    out = []
    for e, dim in zip(exprs, new_dims, strict=True):
        if e.free_symbols() & ranged:
            out.append((Expr.const(0), dim))
        else:
            out.append((e.substitute(env), Expr.const(1)))
    return out

