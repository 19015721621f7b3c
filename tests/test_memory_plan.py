"""The memory planner never overlaps buffers alive at the same time, and reuses memory."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tensorforge.runtime.plan import ALIGN, Interval, plan_memory


@st.composite
def intervals(draw: st.DrawFn) -> list[Interval]:
    n = draw(st.integers(0, 12))
    out = []
    for k in range(n):
        first = draw(st.integers(0, 10))
        out.append(Interval(k, draw(st.integers(0, 5000)), first, first + draw(st.integers(0, 5))))
    return out


@given(intervals())
def test_no_overlap_in_time_and_space(bufs: list[Interval]) -> None:
    plan = plan_memory(bufs)
    for a in bufs:
        assert plan.offsets[a.key] % ALIGN == 0
        for b in bufs:
            if a.key >= b.key or a.last < b.first or b.last < a.first:
                continue
            a0, b0 = plan.offsets[a.key], plan.offsets[b.key]
            a1, b1 = a0 + max(a.size, 1), b0 + max(b.size, 1)
            assert a1 <= b0 or b1 <= a0, (a, b, plan.offsets)
    assert plan.peak <= plan.naive


def test_chain_reuses_two_buffers() -> None:
    # a chain x -> t0 -> t1 -> t2 -> t3: each intermediate dies after the next call
    bufs = [Interval(k, 4096, k, k + 1) for k in range(4)]
    plan = plan_memory(bufs)
    assert plan.peak == 2 * 4096 and plan.naive == 4 * 4096
