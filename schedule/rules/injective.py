"""Elementwise and injective nests (every iteration variable spatial): split the
innermost loop by a vector width and vectorize the inner part, fuse the loops
above it and run them in parallel.

    tir.for ax0 in range(n) {                     tir.for ax0_ax1_0_fused in range(n*16) parallel {
      tir.for ax1 in range(1024) {       ->          tir.for ax1_1 in range(64) vectorized {
        tir.block "out" (...) ...                       tir.block "out" (...) ...

The innermost loop is the output's contiguous dimension (lowerings iterate
output dimensions in order), so the vector body stores contiguously. Its inner
extent divides the loop's extent where possible: LLVM vectorizes an innermost
loop of static extent with no predicate inside into straight-line vector code.
"""

from __future__ import annotations

from tensorforge.dialects.tirops.ops import BlockOp
from tensorforge.schedule.rules.common import (
    Config,
    Failed,
    apply_quietly,
    block_named,
    is_reduction,
    loop_extent,
    perfect_loops,
    points,
    vector_split,
    worth_parallel,
)
from tensorforge.schedule.schedule import Schedule


def matches(block: BlockOp) -> bool:
    return not is_reduction(block) and perfect_loops(block) is not None and bool(perfect_loops(block))


def schedule(sch: Schedule, block: str, cfg: Config, parallel: bool = True) -> None:
    """Vectorize the innermost loop of the perfect nest around `block` and
    parallelize the fused loops above it."""
    loops = perfect_loops(block_named(sch, block))
    if not loops:
        raise Failed(f"block '{block}' is not alone in a perfect loop nest")
    names = [lp.var_name for lp in loops]
    extents = [lp.extent_expr for lp in loops]
    outer = vectorize_innermost(sch, names[-1])
    outer_loops = [*names[:-1], *outer]
    if not parallel or not worth_parallel(cfg, points(extents)):
        return
    parallelize(sch, outer_loops, cfg)


def vectorize_innermost(sch: Schedule, loop: str) -> list[str]:
    """Split `loop` for vectorization and vectorize its inner part; returns the
    loops left above the vector loop (the outer part of the split, if any)."""
    width, need_split = vector_split(loop_extent(sch, loop))
    if width is None:
        return [loop]
    if not need_split:
        apply_quietly(sch, "vectorize", loop=loop)
        return []
    outer, inner = sch.split(loop, [None, width])
    apply_quietly(sch, "vectorize", loop=inner)
    return [outer]


def parallelize(sch: Schedule, loops: list[str], cfg: Config) -> str | None:
    """Fuse consecutive perfectly nested `loops` (outermost first) and mark the
    result parallel; returns the parallel loop. Stops fusing before a loop
    whose fusion the nest refuses, and skips parallelism when the fused extent
    is 1."""
    if not loops:
        return None
    target = loops[0]
    if len(loops) > 1:
        fused = _fuse_prefix(sch, loops, cfg)
        target = fused or loops[0]
    extent = loop_extent(sch, target)
    if extent.is_const() and extent.value() < 2:
        return None
    return target if apply_quietly(sch, "parallel", loop=target) else None


def _fuse_prefix(sch: Schedule, loops: list[str], cfg: Config) -> str | None:
    """Fuse the shortest prefix of `loops` that gives enough parallel iterations
    (at least 4 per thread when extents are static), else all of them."""
    want = 4 * cfg.threads
    total = 1
    for k, name in enumerate(loops):
        e = loop_extent(sch, name)
        if not e.is_const():
            total = None
            break
        total *= e.value()
        if total >= want:
            prefix = loops[: k + 1]
            return sch.fuse(prefix) if len(prefix) > 1 else prefix[0]
    return sch.fuse(loops)
