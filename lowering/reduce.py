"""Lowerings of the reduce graph ops (being filled in)."""

from __future__ import annotations
