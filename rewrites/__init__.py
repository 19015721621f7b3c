"""Declarative rewrite patterns (pattern.py), tables (table.py) and the graph
dialect's canonicalization tables (canonical.py).

`TABLES` names the tables that tools list (`python -m tensorforge.rewrites
--list canonicalize`); other modules add theirs with `register_table`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tensorforge.rewrites.table import Table


def _canonicalize() -> Table:
    from tensorforge.rewrites.canonical import CANONICALIZE

    return CANONICALIZE


TABLES: dict[str, Callable[[], Table]] = {"canonicalize": _canonicalize}


def register_table(name: str, factory: Callable[[], Table]) -> None:
    TABLES[name] = factory


def get_table(name: str) -> Table:
    if name not in TABLES:
        raise KeyError(f"unknown pattern table '{name}' (known: {', '.join(sorted(TABLES))})")
    return TABLES[name]()
