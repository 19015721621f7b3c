"""Interval arithmetic on index `Expr`s for the block primitives' region analysis.

Every name in an index expression is non-negative: function symbols are sizes
and loop variables run over `[0, extent)`. `bound` gives an enclosing
interval `[lo, hi]` of an expression while some loop variables ("ranged",
with their extents) vary and the others stay fixed, so compute_at can ask
"which elements of B does the consumer read in one iteration of loop L" as
expressions of the loop variables at and above L.

Bounds are conservative: min/max whose order cannot be proved are relaxed to
the side that keeps the interval's width free of loop variables, which only
widens the interval (compute_at then computes a few extra elements; block
predicates keep them inside the iteration domain).
"""

from __future__ import annotations

from collections.abc import Mapping

from tensorforge.dialects.symbolic import Expr, OpAtom

Ranges = Mapping[str, Expr]
"""Loop variable -> extent; the variable takes the values 0 .. extent-1."""


def _mentions(e: Expr | OpAtom, names: Ranges) -> bool:
    free = e.free_symbols() if isinstance(e, Expr) else set().union(*(a.free_symbols() for a in e.args))
    return bool(free & set(names))


def bound(e: Expr, ranged: Ranges, fixed: Ranges | None = None) -> tuple[Expr, Expr] | None:
    """An interval [lo, hi] holding `e` for every value of the `ranged` variables.

    `fixed` gives the ranges of the remaining loop variables; they only serve to
    prove the order of min/max arguments. None when `e` is not monotone in a
    recognizable way (a product with an atom of unknown sign, a division by a
    non-constant)."""
    fixed = fixed or {}
    lo = hi = Expr.const(0)
    for mono, coeff in e.terms.items():
        term = Expr({mono: coeff})
        if not any(_mentions(Expr.sym(a) if isinstance(a, str) else a, ranged) for a, _ in mono):
            lo, hi = lo + term, hi + term
            continue
        if all(isinstance(a, str) for a, _ in mono):
            top = Expr.const(coeff)
            for atom, power in mono:
                assert isinstance(atom, str)
                base = ranged[atom] - 1 if atom in ranged else Expr.sym(atom)
                for _ in range(power):
                    top = top * base
            lo, hi = (lo, hi + top) if coeff > 0 else (lo + top, hi)
            continue
        if len(mono) != 1 or mono[0][1] != 1:
            return None
        atom = mono[0][0]
        assert isinstance(atom, OpAtom)
        inner = _atom_bound(atom, ranged, fixed)
        if inner is None:
            return None
        a, b = inner
        lo, hi = (lo + a * coeff, hi + b * coeff) if coeff > 0 else (lo + b * coeff, hi + a * coeff)
    return lo, hi


def _atom_bound(atom: OpAtom, ranged: Ranges, fixed: Ranges) -> tuple[Expr, Expr] | None:
    lhs, rhs = atom.args
    if atom.op in ("max", "min"):
        x, y = bound(lhs, ranged, fixed), bound(rhs, ranged, fixed)
        if x is None or y is None:
            return None
        return _minmax_bound(atom.op, x, y, {**fixed, **ranged})
    if _mentions(rhs, ranged) or not rhs.is_const() or rhs.value() <= 0:
        return None
    k = rhs.value()
    if atom.op == "mod":
        return Expr.const(0), Expr.const(k - 1)
    inner = bound(lhs, ranged, fixed)
    if inner is None:
        return None
    a, b = inner
    if atom.op == "floordiv":
        return a.floordiv(k), b.floordiv(k)
    return a.ceildiv(k), b.ceildiv(k)


def _minmax_bound(op: str, x: tuple[Expr, Expr], y: tuple[Expr, Expr], ranges: Ranges) -> tuple[Expr, Expr]:
    """max(a, b) lies in [max(a_lo, b_lo), max(a_hi, b_hi)]; where an order is not
    provable, a lower bound of max (upper bound of min) may use either side alone."""
    if op == "max":
        lo = ordered("max", x[0], y[0], ranges) or _pick(x[0], y[0])
        hi = ordered("max", x[1], y[1], ranges) or x[1].max(y[1])
        return lo, hi
    lo = ordered("min", x[0], y[0], ranges) or x[0].min(y[0])
    hi = ordered("min", x[1], y[1], ranges) or _pick(x[1], y[1])
    return lo, hi


def _pick(a: Expr, b: Expr) -> Expr:
    """Of two valid one-sided bounds, the one that follows the loop variables
    (a clamp constant would make the interval's width vary)."""
    return b if a.is_const() and not b.is_const() else a


def ordered(op: str, a: Expr, b: Expr, ranges: Ranges) -> Expr | None:
    """max(a, b) (or min) when one side provably dominates for every value of the loop variables in `ranges`."""
    if provably_le(a, b, ranges):
        return b if op == "max" else a
    if provably_le(b, a, ranges):
        return a if op == "max" else b
    return None


def provably_le(a: Expr, b: Expr, ranges: Ranges) -> bool:
    """a <= b for every value of the loop variables in `ranges` and all sizes >= 0."""
    diff = bound(b - a, ranges)
    return diff is not None and provably_nonneg(diff[0])


def provably_nonneg(e: Expr) -> bool:
    """e >= 0 for all non-negative values of its names (atoms are bounded by
    their defining inequalities, e.g. k*(x ceildiv k) >= x)."""
    total = Expr.const(0)
    for mono, coeff in e.terms.items():
        if all(isinstance(a, str) for a, _ in mono):
            total = total + Expr({mono: coeff})
            continue
        if len(mono) != 1 or mono[0][1] != 1:
            return False
        atom = mono[0][0]
        assert isinstance(atom, OpAtom)
        low = _atom_low(atom, coeff)
        if low is None:
            return False
        total = total + low
    if any(coeff < 0 for mono, coeff in total.terms.items() if mono):
        return False
    return total.const_part() >= 0


def _atom_low(atom: OpAtom, coeff: int) -> Expr | None:
    """A polynomial lower bound of coeff*atom (None when not known)."""
    lhs, rhs = atom.args
    if atom.op == "mod":
        if coeff > 0:
            return Expr.const(0)
        return rhs * coeff + (-coeff) if rhs.is_const() and rhs.value() > 0 else None
    if atom.op in ("max", "min"):
        if (atom.op == "max") == (coeff > 0):
            return lhs * coeff
        return None
    if not rhs.is_const() or rhs.value() <= 0 or coeff % rhs.value() != 0:
        return None
    k = rhs.value()
    q = coeff // k
    if atom.op == "ceildiv":  # x <= k*(x ceildiv k) <= x + k - 1
        return lhs * q if coeff > 0 else (lhs + (k - 1)) * q
    return (lhs - (k - 1)) * q if coeff > 0 else lhs * q  # x - k + 1 <= k*(x floordiv k) <= x


def linear_in(e: Expr, ranged: Ranges) -> tuple[Expr, dict[str, int]] | None:
    """e = fixed + sum(c_x * x) over ranged x with constant c_x, or None."""
    fixed = Expr.const(0)
    coeffs: dict[str, int] = {}
    for mono, coeff in e.terms.items():
        term = Expr({mono: coeff})
        mentioned = [a for a, _ in mono if _mentions(Expr.sym(a) if isinstance(a, str) else a, ranged)]
        if not mentioned:
            fixed = fixed + term
            continue
        if len(mono) != 1 or mono[0][1] != 1 or not isinstance(mono[0][0], str):
            return None
        coeffs[mono[0][0]] = coeff
    return fixed, coeffs


def exact_interval(coeffs: dict[str, int], ranged: Ranges) -> Expr | None:
    """The width of {sum c_x * x} when that set is a whole interval [0, width)
    (positive coefficients forming a mixed radix without gaps), else None."""
    reach = Expr.const(0)  # the set so far is [0, reach]
    for name, c in sorted(coeffs.items(), key=lambda item: item[1]):
        if c <= 0 or not provably_nonneg(reach + 1 - c):
            return None
        reach = reach + (ranged[name] - 1) * c
    return reach + 1
