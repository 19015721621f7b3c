"""Graph ops of the 'nn' family (being filled in)."""

from __future__ import annotations

from xdsl.ir import Operation

NN_OPS: list[type[Operation]] = []
