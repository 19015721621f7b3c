"""Static memory planning: place intermediate buffers in one workspace.

Each intermediate lives from the call that writes it to the last call that
reads it. Buffers are placed greedily, largest first, at the lowest offset
that does not overlap any already placed buffer alive at the same time (the
"greedy by size" planner of TFLite/TVM). Offsets are 64-byte aligned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ALIGN = 64


@dataclass(frozen=True)
class Interval:
    """One buffer: bytes needed and the [first, last] step it is alive."""

    key: int
    size: int
    first: int
    last: int


@dataclass
class Plan:
    offsets: dict[int, int]
    peak: int
    """Workspace bytes: the peak memory of intermediates."""
    naive: int
    """Bytes without reuse (every intermediate its own allocation)."""


def _align(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def plan_memory(buffers: Sequence[Interval]) -> Plan:
    placed: list[tuple[int, int, Interval]] = []  # (offset, end, buffer)
    offsets: dict[int, int] = {}
    for buf in sorted(buffers, key=lambda b: (-b.size, b.first, b.key)):
        size = _align(max(buf.size, 1))
        clashes = sorted((o, e) for o, e, other in placed if other.first <= buf.last and buf.first <= other.last)
        offset = 0
        for start, end in clashes:
            if offset + size <= start:
                break
            offset = max(offset, end)
        placed.append((offset, offset + size, buf))
        offsets[buf.key] = offset
    peak = max((e for _, e, _ in placed), default=0)
    naive = sum(_align(max(b.size, 1)) for b in buffers)
    return Plan(offsets, peak, naive)
