"""Lowerings of the nn graph ops (being filled in)."""

from __future__ import annotations
