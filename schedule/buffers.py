"""Schedule primitives: buffers (being filled in)."""

from __future__ import annotations
