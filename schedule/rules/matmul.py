"""Matmul, batched matmul and dense: multi-level tiling for caches and registers.

Recognized: one reduction block over one reduce variable k whose body is
`C[.., i, j] = C[.., i, j] + A[.., i, k] * B[.., k, j]` (operands possibly cast,
any order of A/B dimensions, broadcast batch indices as constants); j is the
output's contiguous dimension, i the spatial variable only A uses.

    i -> i_o, i_m, i_i (MR)    j -> j_c, j_o, j_i (NR)    k -> k_o, k_i (KC)
    order: batch.., i_o, j_c, k_o, j_o, i_m, k_i, i_i, j_i

    tir.for b_i_o_j_c_fused in range(..) parallel {       (one tile of C per iteration)
      <init of C over the tile, vectorized>                 (decompose_reduction)
      tir.for k_o {  tir.for j_o {  tir.for i_m {  tir.for k_i {
        tir.for i_i in range(MR) unrolled {               (register tile: MR x NR
          tir.for j_i in range(NR) vectorized {             accumulators stay in
            C += A * B_packed ...                           registers across k_i)
      <epilogue (bias, activation) of the tile, vectorized> (reverse_compute_at)

B is copied once per call into panels `B_packed[j floordiv NR, k, j mod NR]`
(cache_read + transform_layout) so the micro-kernel streams it contiguously;
this is also what makes dense (`W[j, k]`) vectorize along j. Tile sizes divide
static extents where they can (no predicated tails in the micro-kernel);
symbolic extents get tails.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects import arith
from xdsl.ir import SSAValue

from tensorforge.dialects.tirops.ops import BlockOp, FuncOp, LoadOp
from tensorforge.schedule.dataflow import is_argument, readers
from tensorforge.schedule.ir_utils import find_block
from tensorforge.schedule.rules import injective
from tensorforge.schedule.rules.common import (
    FAILED,
    LOG,
    Config,
    Failed,
    apply_quietly,
    attempt,
    block_named,
    body_loads,
    body_stores,
    divisor_at_most,
    elem_bytes,
    index_exprs,
    is_reduction,
    iter_dom,
    largest_divisor,
    loop_of,
    perfect_loops,
    plain_var,
    points,
    static,
    worth_parallel,
)
from tensorforge.schedule.schedule import Schedule

ACCUMULATORS = 16
"""Vector registers given to the register tile (of 32 on AVX-512)."""
NR_VECTORS = (2, 1)
"""Register tile widths tried, in vectors (of 64 bytes), first dividing one wins. Two vectors
(an 8 x 32 f32 tile) measured 10% faster than four (4 x 64) on the W2/W4 models (dense
64x784x1024, 128x256x1024, 128x1024x256: 5-20% per kernel) and even at 1024^3; the KC x NR
panel is half as wide, so K up to 256 needs no split."""
L1_PANEL_BYTES = 32 * 1024
"""A KC x NR panel of packed B should stay in L1 while the i_m loop reuses it."""
L2_PANEL_BYTES = 256 * 1024
"""A KC x NC block of packed B per tile should stay in L2."""
ROWS_PER_TILE = 64
"""MC: rows of A per tile (the A block MC x KC stays in L2)."""
PACK_MIN_ROWS = 16
"""Pack B only when enough rows of A reuse each packed panel."""
KC_SLACK = 1
"""K is split into KC blocks when longer than KC_SLACK * KC (measured: splitting as soon as
the KC x NR panel overflows L1 wins, e.g. 67 -> 100 GFLOP/s at 256^3)."""

_CASTS = (arith.ExtFOp, arith.TruncFOp, arith.SIToFPOp, arith.UIToFPOp, arith.ExtSIOp, arith.ExtUIOp, arith.TruncIOp)
_MULS = (arith.MulfOp, arith.MuliOp)
_ADDS = (arith.AddfOp, arith.AddiOp)


@dataclass
class Gemm:
    block: str
    out: SSAValue
    a: LoadOp
    b: LoadOp
    i: str
    j: str
    k: str
    batch: list[str]
    loops: dict[str, str]
    """Iteration variable -> its loop."""


def matches(func: FuncOp, block: str) -> bool:
    return analyze(find_block(func, block)) is not None


def analyze(block: BlockOp) -> Gemm | None:
    """The matmul structure of `block`, or None."""
    if not is_reduction(block) or block.predicates.data or perfect_loops(block) is None:
        return None
    reduce = [n for n, kind, _, _ in block.iters if kind == "reduce"]
    loops = {n: loop_of(block, n) for n, _, _, _ in block.iters}
    if len(reduce) != 1 or any(v is None for v in loops.values()) or len(set(loops.values())) != len(loops):
        return None
    stores = body_stores(block)
    if len(stores) != 1 or stores[0].dyn_indices:
        return None
    store = stores[0]
    out_idx = [plain_var(e) for e in index_exprs(store)]
    spatial = [n for n, kind, _, _ in block.iters if kind == "spatial"]
    if not out_idx or None in out_idx or sorted(out_idx) != sorted(spatial):  # type: ignore[type-var]
        return None
    operands = _product_operands(store, block)
    if operands is None:
        return None
    a, b = operands
    k, j = reduce[0], out_idx[-1]
    assert j is not None
    if j in _vars(a) and j not in _vars(b):
        a, b = b, a
    if j in _vars(a) or j not in _vars(b) or k not in _vars(a) or k not in _vars(b):
        return None
    only_a = [v for v in _vars(a) if v not in _vars(b) and v != k and v in spatial]
    if not only_a:
        return None
    # several: the row is the output dimension next to j; the others are (broadcast) batch
    i = out_idx[-2] if len(out_idx) > 1 and out_idx[-2] in only_a else only_a[-1]
    batch = [v for v in out_idx if v not in (i, j)]
    return Gemm(block.name_str, store.buffer, a, b, i, j, k, batch, loops)  # type: ignore[arg-type]


def _vars(load: LoadOp) -> list[str]:
    return [v for e in index_exprs(load) if (v := plain_var(e)) is not None]


def _product_operands(store: object, block: BlockOp) -> tuple[LoadOp, LoadOp] | None:
    """(A, B) loads when the stored value is `C + x * y` with x, y (cast) loads
    whose indices are iteration variables or constants."""
    add = store.value.owner  # type: ignore[attr-defined]
    if not isinstance(add, _ADDS):
        return None
    loads = body_loads(block)
    if len(loads) != 3:
        return None
    own = [ld for ld in loads if ld.buffer == store.buffer]  # type: ignore[attr-defined]
    if len(own) != 1 or own[0].indices != store.indices:  # type: ignore[attr-defined]
        return None
    mul = next((v.owner for v in add.operands if v.owner is not own[0]), None)
    if not isinstance(mul, _MULS) or own[0].result not in add.operands:
        return None
    srcs = [_through_casts(v.owner) for v in mul.operands]
    if not all(isinstance(s, LoadOp) for s in srcs) or srcs[0] is srcs[1]:
        return None
    for s in srcs:
        if s.dyn_indices or not all(e.is_const() or e.is_symbol() for e in index_exprs(s)):  # type: ignore[union-attr]
            return None
    return srcs[0], srcs[1]  # type: ignore[return-value]


def _through_casts(op: object) -> object:
    while isinstance(op, _CASTS):
        op = op.operands[0].owner
    return op


# -- tile sizes -----------------------------------------------------------------------------
@dataclass
class Tiles:
    mr: int
    nr: int
    kc: int | None
    """None: no split of k."""
    mc_blocks: int
    """i_m extent (MC = MR * mc_blocks)."""
    nc_blocks: int
    """j_o extent (NC = NR * nc_blocks)."""
    pack: bool


def choose_tiles(g: Gemm, block: BlockOp, threads: int = 1) -> Tiles:
    lanes = max(64 // elem_bytes(g.out), 1)
    m, n, k = (static(iter_dom(block, v)) for v in (g.i, g.j, g.k))
    nr = _pick_nr(n, lanes)
    mr = max(1, min(8, ACCUMULATORS * lanes // nr))
    if m is not None:
        mr = divisor_at_most(m, mr)
    kc_target = max(64, L1_PANEL_BYTES // (nr * elem_bytes(g.out)))
    kc = None
    if k is not None and k > KC_SLACK * kc_target:
        d = divisor_at_most(k, kc_target)
        kc = d if d >= kc_target // 2 else None
    mc_target = max(1, ROWS_PER_TILE // mr)
    mc_blocks = divisor_at_most(m // mr, mc_target) if m is not None else mc_target
    nc_target = max(1, L2_PANEL_BYTES // ((kc or k or kc_target) * elem_bytes(g.out) * nr))
    if n is not None and n % nr == 0:
        nc_blocks = divisor_at_most(n // nr, nc_target)
    else:
        nc_blocks = min(nc_target, -(-n // nr)) if n is not None else nc_target
    if m is not None and m % mr:
        mc_blocks = min(mc_blocks, -(-m // mr))
    if m is not None and n is not None and n % nr == 0:
        mc_blocks, nc_blocks = _enough_chunks(m // mr, n // nr, mc_blocks, nc_blocks, _batch_points(g, block), threads)
    b_contiguous = plain_var(index_exprs(g.b)[-1]) == g.j
    rows = m if m is not None else PACK_MIN_ROWS
    pack = not b_contiguous or (rows >= PACK_MIN_ROWS and (n is None or n > nr))
    return Tiles(mr, nr, kc, mc_blocks, nc_blocks, pack)


def _batch_points(g: Gemm, block: BlockOp) -> int:
    total = 1
    for v in g.batch:
        total *= static(iter_dom(block, v)) or 64
    return total


def _enough_chunks(m_tiles: int, n_tiles: int, mc: int, nc: int, batch: int, threads: int) -> tuple[int, int]:
    """Shrink the tile blocks until there are 2 parallel chunks per thread (or none can shrink)."""
    want = 2 * threads
    while batch * (m_tiles // mc) * (n_tiles // nc) < want:
        if mc > 1:
            mc = divisor_at_most(m_tiles, mc - 1)
        elif nc > 1:
            nc = divisor_at_most(n_tiles, nc - 1)
        else:
            break
    return mc, nc


def _pick_nr(n: int | None, lanes: int) -> int:
    options = (*(v * lanes for v in NR_VECTORS), lanes // 2, lanes // 4)
    if n is None:
        return 2 * lanes
    if n <= 2 * lanes and n & (n - 1) == 0:
        return n
    return largest_divisor(n, [o for o in options if o >= 1]) or 2 * lanes


# -- the schedule ------------------------------------------------------------------------------
def schedule(sch: Schedule, block: str, cfg: Config) -> list[str]:
    """Tile the matmul block and its epilogue; returns the blocks it scheduled."""
    blk = block_named(sch, block)
    g = analyze(blk)
    if g is None:
        raise Failed(f"block '{block}' is not a matmul")
    t = choose_tiles(g, blk, cfg.threads)
    i_o, i_m, i_i = sch.split(g.loops[g.i], [None, t.mc_blocks, t.mr])
    j_c, j_o, j_i = sch.split(g.loops[g.j], [None, t.nc_blocks, t.nr])
    k_loops = sch.split(g.loops[g.k], [None, t.kc]) if t.kc is not None else [g.loops[g.k]]
    k_o, k_i = k_loops[0], k_loops[-1]
    batch = [g.loops[v] for v in g.batch]
    order = [*batch, i_o, j_c, *([k_o] if len(k_loops) > 1 else []), j_o, i_m, k_i, i_i, j_i]
    sch.reorder(order)
    packed = _pack(sch, g, block, t.nr, cfg) if t.pack else None
    if t.mr > 1:
        apply_quietly(sch, "unroll", loop=i_i)
    if not apply_quietly(sch, "vectorize", loop=j_i):
        raise Failed(f"matmul '{block}': inner loop '{j_i}' does not vectorize")
    outer = [*batch, i_o, j_c]
    moved = [c for c in _epilogues(sch, g) if attempt(sch, lambda c=c: _fuse_epilogue(sch, c, j_c), LOG) is not FAILED]
    init = sch.decompose_reduction(block, k_o)
    _vectorize_init(sch, init)
    if worth_parallel(cfg, _macs(g, blk)):
        injective.parallelize(sch, outer, cfg)
    return [block, init, *([packed] if packed else []), *moved]


def _macs(g: Gemm, block: BlockOp) -> int | None:
    """Multiply-adds of the whole matmul divided by 16 (so MIN_PARALLEL_POINTS compares
    against vector operations), None when symbolic."""
    total = points([iter_dom(block, v) for v in [*g.batch, g.i, g.j, g.k]])
    return None if total is None else total // 16


def _vectorize_init(sch: Schedule, init: str) -> None:
    loops = sch.get_loops(init)
    if loops:
        apply_quietly(sch, "vectorize", loop=loops[-1])


def _pack(sch: Schedule, g: Gemm, block: str, nr: int, cfg: Config) -> str:
    """Copy B into NR-wide panels: B_packed[.., j floordiv NR, k, j mod NR]."""
    blk = block_named(sch, block)
    b_index = next(k for k, buf in enumerate(blk.reads) if buf == g.b.buffer)
    idx = index_exprs(g.b)
    names = [f"d{d}" for d in range(len(idx))]
    dj = next(d for d, e in enumerate(idx) if plain_var(e) == g.j)
    dk = next(d for d, e in enumerate(idx) if plain_var(e) == g.k)
    rest = [names[d] for d in range(len(idx)) if d not in (dj, dk)]
    one_panel = static(iter_dom(block_named(sch, block), g.j)) == nr
    if one_panel:  # a transpose is enough (and j floordiv NR would be constant: not one-to-one)
        outs = [*rest, names[dk], names[dj]]
    else:
        outs = [*rest, f"{names[dj]} floordiv {nr}", names[dk], f"{names[dj]} mod {nr}"]
    copy = sch.cache_read(block, b_index, "global")
    sch.transform_layout(copy, 0, f"lambda {', '.join(names)}: ({', '.join(outs)})")
    loops = sch.get_loops(copy)
    if loops:
        injective.vectorize_innermost(sch, loops[-1])
        if worth_parallel(cfg, points([iter_dom(block_named(sch, copy), n) for n, _, _, _ in block_named(sch, copy).iters])):
            apply_quietly(sch, "parallel", loop=loops[0])
    return copy


def _epilogues(sch: Schedule, g: Gemm) -> list[str]:
    """Spatial blocks reading the matmul's output, when that output is an intermediate."""
    func = sch.func()
    blk = find_block(func, g.block)
    out = blk.writes[0]
    if is_argument(func, out):
        return []
    return [c.name_str for c in readers(func, out, but=blk) if not is_reduction(c)]


def _fuse_epilogue(sch: Schedule, consumer: str, anchor: str) -> None:
    """Move the epilogue under the tile loop and vectorize its inner loop."""
    sch.reverse_compute_at(consumer, anchor)
    loops = sch.get_loops(consumer)
    inner = loops[loops.index(anchor) + 1 :] if anchor in loops else []
    if inner:
        injective.vectorize_innermost(sch, inner[-1])

