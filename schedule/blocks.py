"""Schedule primitives: blocks (being filled in)."""

from __future__ import annotations
