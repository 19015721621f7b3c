"""`graph-canonicalize`: apply the canonicalization pattern tables (rewrites/canonical.py).

Options select patterns by name (`disable=mul-one,add-zero`, `enable-only=...`)
and `stats=true` prints `pattern-name: count` for each pattern that fired to
stderr. List the patterns with `python -m tensorforge.rewrites --list canonicalize`.

The tables are not hooked into xDSL's `canonicalize` (that would need a
HasCanonicalizationPatternsTrait on the shared GraphOp base); `canonicalize`
keeps doing folds, this pass does the algebra. Run both: `-p canonicalize,graph-canonicalize`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from tensorforge.rewrites.table import Table, apply_table, print_stats


def names(option: str) -> list[str]:
    return [n.strip() for n in option.split(",") if n.strip()]


@dataclass(frozen=True)
class GraphCanonicalizePass(ModulePass):
    """Rewrite graph ops to canonical forms with the canonicalize tables."""

    name = "graph-canonicalize"

    disable: str = ""
    """Comma-separated pattern names not to apply."""

    enable_only: str = ""
    """Comma-separated pattern names: apply only these (empty: all)."""

    stats: bool = False
    """Print `pattern-name: count` lines to stderr for the patterns that fired."""

    def table(self) -> Table:
        from tensorforge.rewrites.canonical import CANONICALIZE

        return CANONICALIZE.select(enable_only=names(self.enable_only), disable=names(self.disable))

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        counts = apply_table(op, self.table(), Counter())
        if self.stats:
            print_stats(counts)
