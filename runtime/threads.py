"""libgomp's wait policy for the compiled code's parallel loops.

libgomp reads OMP_WAIT_POLICY once, when it is loaded. Its default spins idle
workers for a while after each parallel region; on machines shared with other
busy processes (more runnable threads than cores) a spinning worker takes the
core the next kernel needs, and every parallel region of a model can then wait
a scheduler time slice (measured here: a 64x1024 relu took 11 ms with spinning,
0.06 ms passive). So unless the user set OMP_WAIT_POLICY or GOMP_SPINCOUNT,
tensorforge's libgomp is loaded with the passive policy; the environment of the
process is left as it was (other OpenMP runtimes loaded later keep their defaults).
"""

from __future__ import annotations

import functools
import os

USER_KNOBS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


@functools.cache
def load_native_runtime() -> None:
    """Load LLVM's native target and libgomp (once), passive unless the user chose."""
    from tensorforge.codegen.llvm.jit import target_machine

    if any(k in os.environ for k in USER_KNOBS):
        target_machine()
        return
    os.environ["OMP_WAIT_POLICY"] = "passive"
    try:
        target_machine()
    finally:
        del os.environ["OMP_WAIT_POLICY"]
