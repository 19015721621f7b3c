"""Convolutions (conv2d NCHW and NHWC, any spatial rank): a direct schedule with
a register tile of P output pixels x NR output channels.

Recognized: one reduction block whose body is `C[..] += X[window] * W[..]`
(the input load possibly under a padding `select`), where W is indexed by
iteration variables only and X by window expressions; the output channel o is
the spatial variable W uses and X does not (groups == 1).

Vectorizing along the output width would read the input through the clamped
padding indices, which LLVM can only gather; vectorizing along o reads W
contiguously and the input as one broadcast scalar per pixel. So:
- the accumulator is laid out channels-last: NHWC already is; an NCHW output
  is accumulated in a channels-last copy (cache_write + transform_layout, or
  transform_layout of the intermediate when a bias/activation stage follows)
  and written back per tile;
- W is packed into NR-channel panels `W_packed[o floordiv NR, .., o mod NR]`;
- loops: n, o_o, h, p_o, (window), c, p_i (unrolled), o_i (vectorized), the
  reduction's init hoisted (decompose_reduction), outer loops fused and
  parallel, the write-back and any epilogue moved under the row loop.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects import arith
from xdsl.ir import SSAValue

from tensorforge.dialects.tirops.ops import BlockOp, FuncOp, LoadOp, StoreOp
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
from tensorforge.schedule.rules.matmul import _ADDS, _CASTS, _MULS, ACCUMULATORS
from tensorforge.schedule.schedule import Schedule

SHORT_K = 160
"""Reductions (window x input channels) up to this long use the wide register tile."""


@dataclass
class Conv:
    block: str
    out: SSAValue
    x: LoadOp
    w: LoadOp
    o: str
    p: str
    channel: str | None
    window: list[str]
    out_idx: list[str]
    loops: dict[str, str]


def matches(func: FuncOp, block: str) -> bool:
    return analyze(find_block(func, block)) is not None


def analyze(block: BlockOp) -> Conv | None:
    if not is_reduction(block) or block.predicates.data or perfect_loops(block) is None:
        return None
    loops = {n: loop_of(block, n) for n, _, _, _ in block.iters}
    if any(v is None for v in loops.values()) or len(set(loops.values())) != len(loops):
        return None
    stores = body_stores(block)
    if len(stores) != 1 or stores[0].dyn_indices:
        return None
    store = stores[0]
    out_idx = [plain_var(e) for e in index_exprs(store)]
    spatial = [n for n, kind, _, _ in block.iters if kind == "spatial"]
    reduce = [n for n, kind, _, _ in block.iters if kind == "reduce"]
    if not out_idx or not reduce or None in out_idx or sorted(out_idx) != sorted(spatial):  # type: ignore[type-var]
        return None
    srcs = _operands(store, block)
    if srcs is None:
        return None
    plain = [s for s in srcs if all(e.is_const() or e.is_symbol() for e in index_exprs(s))]
    window = [s for s in srcs if s not in plain]
    if len(plain) != 1 or len(window) != 1:
        return None
    w, x = plain[0], window[0]
    x_syms = {s for e in index_exprs(x) for s in e.free_symbols()}
    w_vars = [v for e in index_exprs(w) if (v := plain_var(e)) is not None]
    chans = [v for v in w_vars if v in spatial and v not in x_syms]
    if len(chans) != 1 or not set(reduce) <= set(w_vars):
        return None
    o = chans[0]
    pixels = [v for v in out_idx if v != o and v in x_syms]
    if not pixels:
        return None
    channel = next((v for e in index_exprs(x) if (v := plain_var(e)) in reduce), None)
    window_vars = [r for r in reduce if r != channel]
    return Conv(block.name_str, store.buffer, x, w, o, pixels[-1], channel, window_vars, out_idx, loops)  # type: ignore[arg-type]


def _operands(store: StoreOp, block: BlockOp) -> list[LoadOp] | None:
    """The two loads multiplied in `C = C + u * v` (through casts and a padding select)."""
    add = store.value.owner
    if not isinstance(add, _ADDS):
        return None
    own = [ld for ld in body_loads(block) if ld.buffer == store.buffer]
    if len(own) != 1 or own[0].indices != store.indices or own[0].result not in add.operands:
        return None
    mul = next((v.owner for v in add.operands if v.owner is not own[0]), None)
    if not isinstance(mul, _MULS):
        return None
    srcs = [_source(v.owner) for v in mul.operands]
    if not all(isinstance(s, LoadOp) and not s.dyn_indices for s in srcs) or srcs[0] is srcs[1]:
        return None
    return srcs  # type: ignore[return-value]


def _source(op: object) -> object:
    while True:
        if isinstance(op, _CASTS):
            op = op.operands[0].owner
        elif isinstance(op, arith.SelectOp):
            op = op.operands[1].owner
        else:
            return op


# -- the schedule ------------------------------------------------------------------------------
def schedule(sch: Schedule, block: str, cfg: Config) -> list[str]:
    blk = block_named(sch, block)
    c = analyze(blk)
    if c is None:
        raise Failed(f"block '{block}' is not a convolution")
    mr, nr = register_tile(blk, c)
    done = [block]
    writeback = _channels_last_accumulator(sch, c, block)
    done += _pack_weights(sch, c, block, nr, cfg)
    p_o, p_i = sch.split(c.loops[c.p], [None, mr])
    o_o, o_i = sch.split(c.loops[c.o], [None, nr])
    outer = [c.loops[v] for v in c.out_idx if v not in (c.o, c.p)]
    reduce = [c.loops[v] for v in [*c.window, *([c.channel] if c.channel else [])]]
    lead, rest = outer[:1], outer[1:]
    sch.reorder([*lead, o_o, *rest, p_o, *reduce, p_i, o_i])
    if mr > 1:
        apply_quietly(sch, "unroll", loop=p_i)
    if not apply_quietly(sch, "vectorize", loop=o_i):
        raise Failed(f"conv '{block}': channel loop '{o_i}' does not vectorize")
    outer_loops = [*lead, o_o, *rest]
    anchor = outer_loops[-1]
    consumers: list[str] = list(dict.fromkeys([*([writeback] if writeback else []), *_epilogues(sch, block)]))
    moved = [cn for cn in consumers if attempt(sch, lambda cn=cn: _under_tile(sch, cn, anchor), LOG) is not FAILED]
    init = sch.decompose_reduction(block, reduce[0])
    init_loops = sch.get_loops(init)
    if init_loops:
        apply_quietly(sch, "vectorize", loop=init_loops[-1])
    if cfg.threads > 1:
        injective.parallelize(sch, outer_loops, cfg)
    done += [init, *moved]
    for consumer in consumers:
        if consumer not in moved and attempt(sch, lambda cn=consumer: injective.schedule(sch, cn, cfg), LOG) is not FAILED:
            done.append(consumer)
    return done


def register_tile(blk: BlockOp, c: Conv) -> tuple[int, int]:
    """(MR pixels, NR output channels) of the register tile (MR x NR / lanes accumulators).

    Two vectors of channels (NR = 32 f32) by up to 8 pixels by default: the
    packed weight panel (K = window x Cin steps of NR values) then stays in L1
    for long reductions. Short reductions (K <= SHORT_K: the 7x7 stem, 1x1
    convs of 64-128 channels) take four vectors by 4 pixels instead: each
    input value broadcast feeds twice the FMAs and the wider panel still fits
    L1. Measured new/old in one run (ResNet-50 layers with bias+ReLU): stem
    0.83-0.91, 1x1 64->64 @56 0.90-0.92, 1x1 64->256 @56 0.96-0.97, 1x1
    128->512 @28 0.99-1.02; with K >= 256 the wide tile lost up to 2x."""
    lanes = max(64 // elem_bytes(c.out), 1)
    cout = static(iter_dom(blk, c.o))
    p_ext = static(iter_dom(blk, c.p))
    k = points([iter_dom(blk, v) for v in [*c.window, *([c.channel] if c.channel else [])]])
    wide = 4 * lanes
    if k is not None and k <= SHORT_K and cout is not None and cout % wide == 0 and p_ext is not None and p_ext % 4 == 0:
        return 4, wide
    nr = _pick(cout, (2 * lanes, 4 * lanes, lanes, lanes // 2))
    mr_max = max(1, min(8, ACCUMULATORS * lanes // nr))
    return (divisor_at_most(p_ext, mr_max) if p_ext is not None else mr_max), nr


def _pick(n: int | None, options: tuple[int, ...]) -> int:
    options = tuple(o for o in options if o >= 1)
    if n is None:
        return options[0]
    if n < min(options):
        return n
    return largest_divisor(n, options) or options[0]


def _channels_last_accumulator(sch: Schedule, c: Conv, block: str) -> str | None:
    """Make the accumulator channels-last; returns the write-back block (if one was made)."""
    d_o = c.out_idx.index(c.o)
    if d_o == len(c.out_idx) - 1:
        return None
    func = sch.func()
    writeback = None
    if is_argument(func, c.out):
        writeback = sch.cache_write(block, 0, "local")
    names = [f"d{d}" for d in range(len(c.out_idx))]
    order = [n for d, n in enumerate(names) if d != d_o] + [names[d_o]]
    sch.transform_layout(block, 0, f"lambda {', '.join(names)}: ({', '.join(order)})")
    return writeback


def _pack_weights(sch: Schedule, c: Conv, block: str, nr: int, cfg: Config) -> list[str]:
    blk = block_named(sch, block)
    index = next(k for k, buf in enumerate(blk.reads) if buf == c.w.buffer)
    idx = index_exprs(c.w)
    names = [f"d{d}" for d in range(len(idx))]
    d_o = next(d for d, e in enumerate(idx) if plain_var(e) == c.o)
    rest = [names[d] for d in range(len(idx)) if d != d_o]
    whole = static(iter_dom(block_named(sch, block), c.o)) == nr
    if whole and d_o == len(idx) - 1:
        return []  # already channels-last with one panel
    outs = [*rest, names[d_o]] if whole else [f"{names[d_o]} floordiv {nr}", *rest, f"{names[d_o]} mod {nr}"]
    copy = sch.cache_read(block, index, "global")
    sch.transform_layout(copy, 0, f"lambda {', '.join(names)}: ({', '.join(outs)})")
    loops = sch.get_loops(copy)
    if loops:
        extents = [d for _, _, d, _ in block_named(sch, copy).iters]
        injective.vectorize_innermost(sch, loops[-1])
        if worth_parallel(cfg, points(extents)):
            apply_quietly(sch, "parallel", loop=loops[0])
    return [copy]


def _epilogues(sch: Schedule, block: str) -> list[str]:
    func = sch.func()
    blk = find_block(func, block)
    out = blk.writes[0]
    if is_argument(func, out):
        return []
    return [r.name_str for r in readers(func, out, but=blk) if not is_reduction(r)]


def _under_tile(sch: Schedule, consumer: str, anchor: str) -> None:
    sch.reverse_compute_at(consumer, anchor)
    loops = sch.get_loops(consumer)
    inner = loops[loops.index(anchor) + 1 :]
    if inner:
        injective.vectorize_innermost(sch, inner[-1])
