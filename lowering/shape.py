"""Lowerings of the shape graph ops (being filled in)."""

from __future__ import annotations
