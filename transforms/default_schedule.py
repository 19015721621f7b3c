"""`tir-default-schedule`: schedule every tir.func with the default CPU rules.

The rules (schedule/rules) recognize matmul/dense, conv, reductions and
injective functions and apply tiling, packing, parallel and vectorized loops
without tuning, e.g.

    tir.for i in range(64) { tir.for j in range(64) { tir.block "C" ... } }
  becomes
    tir.for i.j.fused in range(4096) parallel { tir.for ... vectorized { ... } }

`threads` (0: the machine's cores) decides whether loops are parallelized;
`print-traces` prints each function's trace, which replays with
`tir-apply-schedule{trace=...}`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from tensorforge.errors import TensorforgeError


@dataclass(frozen=True)
class DefaultSchedulePass(ModulePass):
    """Apply the untuned default CPU schedules to every tir.func."""

    name = "tir-default-schedule"

    threads: int = 0
    """Worker threads to plan for (0: all cores; 1: no parallel loops)."""

    print_traces: bool = False
    """Print each function's schedule trace to stderr."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from tensorforge.schedule.rules import apply_default_schedule

        if self.threads < 0:
            raise TensorforgeError(f"tir-default-schedule: threads must be >= 0, got {self.threads}")
        traces = apply_default_schedule(op, cpu_threads=self.threads or None)
        if not self.print_traces:
            return
        for trace in traces.values():
            print(trace.text(), file=sys.stderr, end="")
