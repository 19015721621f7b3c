"""Property tests of schedule primitives on lowered workloads: random sequences
of primitives either apply (and never change the interpreter's result) or are
refused with a ScheduleError that leaves the IR untouched; every trace prints,
parses and replays on a fresh copy to the identical IR."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tensorforge.dialects.tirops.ops import BlockOp, ForOp, FuncOp
from tensorforge.ir import print_module
from tensorforge.schedule import Schedule, ScheduleError, Trace
from tests.tir_workloads import Workload, workloads

LOOP_PRIMITIVES = ["split", "fuse", "reorder", "parallel", "vectorize", "unroll", "bind", "annotate"]
BLOCK_PRIMITIVES = [
    "compute_inline", "reverse_compute_inline", "compute_at", "reverse_compute_at", "decompose_reduction",
    "cache_read", "cache_write", "rfactor", "set_scope", "storage_align", "transform_layout",
]


@functools.cache
def _workload(name: str) -> Workload:
    return workloads((name,))[0]


@functools.cache
def _reference(name: str) -> list[np.ndarray]:
    w = _workload(name)
    return w.run(w.fresh())


def _loops(func: FuncOp) -> list[ForOp]:
    return [op for op in func.walk() if isinstance(op, ForOp)]


def _blocks(func: FuncOp) -> list[BlockOp]:
    return [op for op in func.walk() if isinstance(op, BlockOp)]


def _request(draw: Any, func: FuncOp) -> tuple[str, dict[str, Any]]:
    """A random request: usually well-formed, sometimes not (both must be safe)."""
    loops = [lp.var_name for lp in _loops(func)] or ["nope"]
    blocks = [b.name_str for b in _blocks(func)] or ["nope"]
    kind = draw(st.sampled_from(LOOP_PRIMITIVES + BLOCK_PRIMITIVES))
    loop = draw(st.sampled_from(loops))
    block = draw(st.sampled_from(blocks))
    if kind == "split":
        return kind, {"loop": loop, "factors": [None, draw(st.integers(1, 5))]}
    if kind in ("fuse", "reorder"):
        pool = loops if len(loops) >= 2 else [*loops, "nope"]
        return kind, {"loops": draw(st.lists(st.sampled_from(pool), min_size=2, max_size=3, unique=True))}
    if kind == "bind":
        return kind, {"loop": loop, "thread": draw(st.sampled_from(["blockIdx.x", "threadIdx.x"]))}
    if kind == "annotate":
        return kind, {"target": loop, "key": "hint", "value": draw(st.integers(0, 9))}
    if kind in ("compute_inline", "reverse_compute_inline"):
        return kind, {"block": block}
    if kind == "decompose_reduction":
        return kind, {"block": block, "loop": loop}
    if kind in ("cache_read", "cache_write"):
        return kind, {"block": block, "buffer_index": 0, "scope": "local"}
    if kind == "rfactor":
        return kind, {"loop": loop, "factor_axis": 0}
    if kind in ("compute_at", "reverse_compute_at"):
        return kind, {"block": block, "loop": loop}
    if kind == "set_scope":
        return kind, {"block": block, "buffer_index": 0, "scope": draw(st.sampled_from(["shared", "local"]))}
    if kind == "storage_align":
        return kind, {"block": block, "buffer_index": 0, "axis": 0, "factor": draw(st.sampled_from([4, 8])), "offset": 1}
    if kind == "transform_layout":
        return kind, {"block": block, "buffer_index": 0, "index_map": draw(st.sampled_from(["lambda i, j: (j, i)", "lambda i, j: (i, j floordiv 2, j mod 2)"]))}
    return kind, {"loop": loop}


@pytest.mark.parametrize("name", ["matmul", "conv2d", "softmax", "layer_norm", "exp", "add", "chain"])
@given(data=st.data())
def test_random_schedules_preserve_results(name: str, data: st.DataObject) -> None:
    w = _workload(name)
    module = w.fresh()
    sch = Schedule(module)
    for _ in range(data.draw(st.integers(1, 6))):
        kind, args = _request(data.draw, sch.func())
        if kind not in _known():
            continue
        before = print_module(module)
        try:
            sch.apply(kind, **args)
        except ScheduleError as e:
            assert str(e), "a refusal must say why"
            assert print_module(module) == before, f"{kind}({args}) was refused but changed the IR"
    for got, want in zip(w.run(module), _reference(name), strict=True):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)
    replayed = w.fresh()
    Schedule(replayed).replay(Trace.parse(sch.trace.text()))
    assert print_module(replayed) == print_module(module)


def _known() -> set[str]:
    from tensorforge.schedule.registry import PRIMITIVES, load_all

    load_all()
    return set(PRIMITIVES)
