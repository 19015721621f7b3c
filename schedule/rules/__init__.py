"""Default CPU schedules without tuning (TVM's DLight idea): rules that recognize
each tir.func's work by its block structure and schedule it with the recorded
primitives of `tensorforge.schedule.Schedule`.

    from tensorforge.schedule.rules import apply_default_schedule
    traces = apply_default_schedule(module)          # every tir.func, in place
    print(traces["matmul"].text())                    # the primitives applied

Rules, tried per function in this order:
- matmul.py: a reduction block `C[.., i, j] += A[.., i, k] * B[.., k, j]` (matmul,
  batched matmul, dense): multi-level tiling with a register tile, packed B,
  hoisted init, parallel outer tiles; a spatial epilogue (bias, activation)
  moves under the tile loop.
- conv.py: a reduction block of a product over a sliding window (conv2d NCHW
  or NHWC): output-channel vector tiles with a register tile.
- reduction.py: other reductions (softmax, layer_norm, reduce_*, pooling):
  producers computed per row of their consumer, rows in parallel, and the
  reduction vectorized along its contiguous axis (rfactor) or the spatial one.
- injective.py: everything spatial: vectorized innermost loop, fused parallel
  outer loops.

A rule never fails: when a primitive refuses, the function and the trace are
rolled back and a simpler rule runs (in the end: the unscheduled function).
"""

from __future__ import annotations

import os

from xdsl.dialects.builtin import ModuleOp

from tensorforge.dialects.tirops.ops import BlockOp, FuncOp
from tensorforge.schedule.rules import conv, injective, matmul, reduction
from tensorforge.schedule.rules.common import FAILED, LOG, Config, attempt, func_blocks, is_reduction, perfect_loops
from tensorforge.schedule.schedule import Schedule
from tensorforge.schedule.trace import Trace

__all__ = ["LOG", "apply_default_schedule", "schedule_func"]


def apply_default_schedule(
    module: ModuleOp, cpu_threads: int | None = None, min_parallel_points: int | None = None
) -> dict[str, Trace]:
    """Schedule every tir.func of `module` in place; returns each function's trace.
    `min_parallel_points`: see common.MIN_PARALLEL_POINTS (None: that default)."""
    cfg = Config(threads=cpu_threads or os.cpu_count() or 1)
    if min_parallel_points is not None:
        cfg.min_parallel_points = min_parallel_points
    names = [op.sym_name.data for op in module.body.block.ops if isinstance(op, FuncOp)]
    traces: dict[str, Trace] = {}
    for name in names:
        sch = Schedule(module, func=name)
        schedule_func(sch, cfg)
        traces[name] = sch.trace
    return traces


def schedule_func(sch: Schedule, cfg: Config) -> None:
    """Apply the rules to the function `sch` works on (never raises ScheduleError)."""
    if attempt(sch, lambda: _schedule(sch, cfg), LOG) is not FAILED:
        return
    # the whole plan failed (a bug or an unforeseen structure): elementwise rules only
    attempt(sch, lambda: _spatial_only(sch, cfg), LOG)


def _schedule(sch: Schedule, cfg: Config) -> None:
    done: set[str] = set()
    for name in _block_names(sch):
        block = _current(sch, name)
        if name in done or block is None or not is_reduction(block):
            continue
        for rule in (matmul, conv):
            if rule.matches(sch.func(), name):
                got = attempt(sch, lambda rule=rule, name=name: rule.schedule(sch, name, cfg), LOG)
                if got is not FAILED:
                    done |= set(got or ())  # type: ignore[arg-type]
                    break
    got = attempt(sch, lambda: reduction.schedule_all(sch, cfg, done), LOG)
    if got is not FAILED:
        done |= set(got or ())  # type: ignore[arg-type]
    _spatial_rest(sch, cfg, done)


def _spatial_rest(sch: Schedule, cfg: Config, done: set[str]) -> None:
    for name in _block_names(sch):
        block = _current(sch, name)  # looked up again: a rolled-back attempt replaces the function
        if name in done or block is None or is_reduction(block) or perfect_loops(block) is None:
            continue
        attempt(sch, lambda name=name: injective.schedule(sch, name, cfg), LOG)


def _spatial_only(sch: Schedule, cfg: Config) -> None:
    _spatial_rest(sch, cfg, set())


def _block_names(sch: Schedule) -> list[str]:
    return [b.name_str for b in func_blocks(sch.func())]


def _current(sch: Schedule, name: str) -> BlockOp | None:
    return next((b for b in func_blocks(sch.func()) if b.name_str == name), None)
