"""Pattern tables: rules indexed by root op class, composable with `+`, compiled
to ONE xDSL RewritePattern that dispatches on the root op and counts matches."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from xdsl.ir import Operation
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.transforms.dead_code_elimination import region_dce

from tensorforge.rewrites.pattern import Rule


class Table:
    """An ordered set of rules with unique names, indexed by root op class.

    Lookup walks the op's class hierarchy, so a rule rooted at a base class
    (e.g. every elementwise binary op) applies to all its subclasses.
    """

    def __init__(self, rules: Iterable[Rule] = (), name: str = "") -> None:
        self.name = name
        self.rules: list[Rule] = []
        self.index: dict[type[Operation], list[Rule]] = {}
        for rule in rules:
            self._add(rule)

    def _add(self, rule: Rule) -> None:
        if rule.name in self.names():
            raise ValueError(f"duplicate pattern name '{rule.name}'")
        self.rules.append(rule)
        for cls in rule.pattern.classes:
            self.index.setdefault(cls, []).append(rule)

    def __add__(self, other: Table) -> Table:
        name = "+".join(n for n in (self.name, other.name) if n)
        return Table([*self.rules, *other.rules], name)

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __contains__(self, name: object) -> bool:
        return name in self.names()

    def names(self) -> list[str]:
        return [r.name for r in self.rules]

    def rules_for(self, op: Operation) -> Iterator[Rule]:
        for cls in type(op).__mro__:
            yield from self.index.get(cls, ())

    def select(self, enable_only: Iterable[str] = (), disable: Iterable[str] = ()) -> Table:
        """A sub-table: only `enable_only` (when given), minus `disable`. Unknown names are errors."""
        only, off = set(enable_only), set(disable)
        unknown = sorted((only | off) - set(self.names()))
        if unknown:
            raise ValueError(f"unknown pattern name(s) {', '.join(unknown)} in table '{self.name}'")
        keep = [r for r in self.rules if (not only or r.name in only) and r.name not in off]
        return Table(keep, self.name)

    def listing(self) -> str:
        """One line per rule: `name  comment`, aligned."""
        width = max((len(n) for n in self.names()), default=0)
        return "\n".join(f"{r.name:<{width}}  {r.comment}" for r in self.rules)


@dataclass(eq=False)
class TableRewritePattern(RewritePattern):
    """The whole table as one RewritePattern: try the root op's rules in order,
    apply the first that rewrites, and count it in `stats`."""

    table: Table
    stats: Counter[str] = field(default_factory=Counter)

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        for rule in self.table.rules_for(op):
            m = rule.match(op)
            if m is None:
                continue
            done = rule.rewrite(m)
            if done is None:
                continue
            new_ops, value = done
            rewriter.replace(op, new_ops, [value])
            self.stats[rule.name] += 1
            return


def apply_table(module: Operation, table: Table, stats: Counter[str] | None = None) -> Counter[str]:
    """Rewrite `module` to a fixpoint with xDSL's greedy driver; dead ops are removed.
    Returns the match counts (added to `stats` when given)."""
    pattern = TableRewritePattern(table, stats if stats is not None else Counter())
    walker = PatternRewriteWalker(
        GreedyRewritePatternApplier([pattern]), apply_recursively=True, post_walk_func=region_dce
    )
    walker.rewrite_module(module)  # type: ignore[arg-type]
    return pattern.stats


def print_stats(stats: Counter[str], out: TextIO | None = None) -> None:
    """`pattern-name: count` lines, by name, for every pattern that fired."""
    stream = out if out is not None else sys.stderr
    for name in sorted(stats):
        print(f"{name}: {stats[name]}", file=stream)
