"""Lowerings of the index graph ops (being filled in)."""

from __future__ import annotations
