"""`tir-apply-schedule{trace="file.sched"}`: replay a schedule trace on the module.

The trace is the text `Schedule.trace.text()` prints (see schedule/trace.py):
`func @name` lines select the tir.func, each other line is one primitive
call. The same file replays identically from Python (`Schedule.replay`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from tensorforge.errors import TensorforgeError


@dataclass(frozen=True)
class ApplySchedulePass(ModulePass):
    """Replay a recorded schedule trace from a file."""

    name = "tir-apply-schedule"

    trace: str = ""
    """Path of the trace file."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from tensorforge.schedule import Schedule, ScheduleError, Trace

        if not self.trace:
            raise TensorforgeError('tir-apply-schedule: give the trace file with trace="file.sched"')
        try:
            text = Path(self.trace).read_text()
        except OSError as e:
            raise TensorforgeError(f"tir-apply-schedule: cannot read '{self.trace}': {e.strerror}") from None
        try:
            parsed = Trace.parse(text)
            if not parsed.insts:
                return
            Schedule(op, func=parsed.insts[0].func).replay(parsed)
        except (ScheduleError, ValueError) as e:
            raise TensorforgeError(f"tir-apply-schedule: {e}") from None
