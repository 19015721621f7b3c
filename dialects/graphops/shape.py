"""Graph ops of the 'shape' family (being filled in)."""

from __future__ import annotations

from xdsl.ir import Operation

SHAPE_OPS: list[type[Operation]] = []
