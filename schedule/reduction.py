"""Schedule primitives: reduction (being filled in)."""

from __future__ import annotations
