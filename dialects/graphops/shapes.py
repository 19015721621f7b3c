"""Shape arithmetic shared by the graph ops' `infer` methods."""

from __future__ import annotations

from collections.abc import Sequence

from tensorforge.dialects.graphops.base import fail
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr, product


def broadcast_dims(*shapes: Sequence[Expr]) -> list[Expr]:
    """numpy broadcasting; symbolic dims are assumed not to be 1 unless equal.

    A provable mismatch (3 vs 4) is an error; `n` vs `m` picks `n` and leaves
    the check to run time.
    """
    rank = max((len(s) for s in shapes), default=0)
    out: list[Expr] = []
    for i in range(rank):
        dims = [s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0]
        out.append(_broadcast_one(dims, i - rank, shapes))
    return out


def _broadcast_one(dims: list[Expr], axis: int, shapes: Sequence[Sequence[Expr]]) -> Expr:
    not_one = [d for d in dims if d != 1]
    if not not_one:
        return Expr.const(1)
    for i, a in enumerate(not_one):
        for b in not_one[i + 1 :]:
            if a.provably_ne(b):
                raise fail(f"shapes {_fmt_shapes(shapes)} do not broadcast: dim {axis} is {a} vs {b}")
    static = [d for d in not_one if d.is_const()]
    return static[0] if static else not_one[0]


def _fmt_shapes(shapes: Sequence[Sequence[Expr]]) -> str:
    return " and ".join("[" + ", ".join(str(d) for d in s) + "]" for s in shapes)


def normalize_axis(axis: int, rank: int, what: str = "axis") -> int:
    if not -rank <= axis < max(rank, 1):
        raise fail(f"{what} {axis} is out of range for rank {rank}")
    return axis % rank if rank else 0


def normalize_axes(axes: Sequence[int], rank: int, what: str = "axes") -> list[int]:
    out = [normalize_axis(a, rank, "axis") for a in axes]
    if len(set(out)) != len(out):
        raise fail(f"{what} {list(axes)} has repeated entries for rank {rank}")
    return out


def same_dim(a: Expr, b: Expr, what: str) -> Expr:
    """Two dims that must agree; a provable mismatch is an error."""
    if a.provably_ne(b):
        raise fail(f"{what}: {a} vs {b}")
    return a if a.is_const() or not b.is_const() else b


def numel(t: TensorType) -> Expr:
    return product(t.dims)


def need_rank(t: TensorType, ranks: Sequence[int] | int, what: str) -> None:
    allowed = [ranks] if isinstance(ranks, int) else list(ranks)
    if t.rank not in allowed:
        raise fail(f"{what} must have rank {' or '.join(map(str, allowed))}, got {t.rank} ({t})")


def need_same_element(types: Sequence[TensorType], what: str) -> None:
    elts = {t.element_type for t in types}
    if len(elts) > 1:
        raise fail(f"{what} must have the same element type, got {', '.join(str(t.element_type) for t in types)}")
