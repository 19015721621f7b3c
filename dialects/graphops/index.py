"""Graph ops of the 'index' family (being filled in)."""

from __future__ import annotations

from xdsl.ir import Operation

INDEX_OPS: list[type[Operation]] = []
