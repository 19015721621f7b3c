"""Graph ops of the 'reduce' family (being filled in)."""

from __future__ import annotations

from xdsl.ir import Operation

REDUCE_OPS: list[type[Operation]] = []
