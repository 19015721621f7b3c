"""Schedule primitives on tensorir with replayable traces (TVM's tir.Schedule)."""

from tensorforge.schedule.ir_utils import ScheduleError
from tensorforge.schedule.schedule import Schedule
from tensorforge.schedule.trace import Trace

__all__ = ["Schedule", "ScheduleError", "Trace"]
