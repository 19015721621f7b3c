"""Small proofs about index expressions that the buffer and reduction
primitives need before they rewrite anything:

- `relax`: the range of an affine expression over variables in [0, extent);
- `monotone_in`: whether an expression can only grow with some variables
  (so `exists v: e < b` is the same as `e[v := 0] < b`);
- `one_to_one`: whether a tuple of expressions over variables in boxes is a
  one-to-one map, the way TVM's iter-map detection proves it: every output
  is a mixed-radix sum of *pieces* `(x floordiv lower) mod extent`, and the
  pieces of each variable tile it exactly. This covers identity bindings,
  permutations, split (`i_0*16+i_1`), fuse (`f floordiv 4`, `f mod 4`) and
  layout maps like `(j floordiv 4, i, j mod 4)`.

Variables and function symbols are non-negative integers throughout.
"""

from __future__ import annotations

from dataclasses import dataclass

from tensorforge.dialects.symbolic import Expr, OpAtom


class AffineError(ValueError):
    """An expression is outside what these proofs handle; the message says how."""


# -- ranges --------------------------------------------------------------------------
def relax(e: Expr, extents: dict[str, Expr]) -> tuple[Expr, Expr] | None:
    """(min, max), both inclusive, of `e` with each variable v of `extents` in
    [0, extents[v]); None when `e` is not affine in those variables (a variable
    inside floordiv/mod/max/min, or a product of two variables)."""
    lo = hi = Expr.const(0)
    for mono, coeff in e.terms.items():
        term = Expr({mono: coeff})
        var = _single_var(mono, extents)
        if var is None:
            if _mentions(mono, extents):
                return None
            lo, hi = lo + term, hi + term
            continue
        span = term.substitute({var: extents[var] - 1})
        if coeff > 0:
            hi = hi + span
        else:
            lo = lo + span
    return lo, hi


def _single_var(mono: tuple, extents: dict[str, Expr]) -> str | None:
    """The one variable of `extents` a monomial is linear in (other factors
    plain symbols), else None."""
    found = [a for a, p in mono if isinstance(a, str) and a in extents]
    if len(found) != 1 or any(isinstance(a, OpAtom) for a, _ in mono):
        return None
    return found[0] if dict(mono)[found[0]] == 1 else None


def _mentions(mono: tuple, names: dict[str, Expr] | set[str]) -> bool:
    for atom, _ in mono:
        if isinstance(atom, str) and atom in names:
            return True
        if isinstance(atom, OpAtom) and any(arg.free_symbols() & set(names) for arg in atom.args):
            return True
    return False


def monotone_in(e: Expr, names: set[str]) -> bool:
    """True when `e` never decreases as any variable in `names` grows (every
    term using them is a positive multiple of non-negative names)."""
    for mono, coeff in e.terms.items():
        if not _mentions(mono, names):
            continue
        if coeff < 0 or any(isinstance(a, OpAtom) for a, _ in mono):
            return False
    return True


def provably_le(a: Expr, b: Expr) -> bool:
    """a <= b for every binding (their difference is a non-negative constant)."""
    d = b - a
    return d.is_const() and d.value() >= 0


# -- one-to-one maps --------------------------------------------------------------------
@dataclass(frozen=True)
class Piece:
    """`(var floordiv lower) mod extent`; `top` when it holds all of var's higher digits."""

    var: str
    lower: Expr
    extent: Expr
    top: bool


Sum = list[tuple[Piece, Expr]]  # pieces with their scales, in mixed-radix order


def one_to_one(outputs: list[Expr], extents: dict[str, Expr]) -> list[Expr]:
    """Prove that `outputs` (over variables in [0, extents[v])) is one-to-one
    and return each output's extent (its values lie in [0, extent)).
    Raises AffineError saying what could not be proven."""
    sums = [_radix(_decompose(e, extents), e) for e in outputs]
    pieces: dict[str, list[Piece]] = {}
    for s in sums:
        for piece, _ in s:
            pieces.setdefault(piece.var, []).append(piece)
    for var, ext in extents.items():
        _check_tiles(var, ext, pieces.get(var, []))
    return [_sum_extent(s) for s in sums]


def _check_tiles(var: str, ext: Expr, pieces: list[Piece]) -> None:
    if not pieces:
        if ext == 1:
            return
        raise AffineError(f"'{var}' does not appear (the map is not one-to-one)")
    lower = Expr.const(1)
    left = list(pieces)
    while left:
        nxt = next((p for p in left if p.lower == lower), None)
        if nxt is None:
            raise AffineError(f"the pieces of '{var}' do not tile it (missing digit at 'floordiv {lower}')")
        left.remove(nxt)
        if nxt.top:
            if left:
                raise AffineError(f"'{var}' is used more than once")
            return
        lower = lower * nxt.extent
    raise AffineError(f"the high digits of '{var}' (floordiv {lower}) are dropped")


def _sum_extent(s: Sum) -> Expr:
    if not s:
        return Expr.const(1)
    piece, scale = s[-1]
    return scale * piece.extent


def _decompose(e: Expr, extents: dict[str, Expr]) -> Sum:
    out: Sum = []
    for mono, coeff in e.terms.items():
        if not mono:
            raise AffineError(f"'{e}' has a constant offset {coeff}")
        if coeff < 0:
            raise AffineError(f"'{e}' has a negative term")
        carriers = [(a, p) for a, p in mono if _is_carrier(a, extents)]
        if len(carriers) != 1 or carriers[0][1] != 1:
            raise AffineError(f"'{e}' is not a sum of single-variable terms")
        factor = Expr.const(coeff)
        for atom, power in mono:
            if atom is not carriers[0][0]:
                factor = factor * Expr({((atom, power),): 1})
        out += [(p, s * factor) for p, s in _carrier(carriers[0][0], extents)]
    return out


def _is_carrier(atom: str | OpAtom, extents: dict[str, Expr]) -> bool:
    if isinstance(atom, str):
        return atom in extents
    return any(arg.free_symbols() & set(extents) for arg in atom.args)


def _carrier(atom: str | OpAtom, extents: dict[str, Expr]) -> Sum:
    if isinstance(atom, str):
        return [(Piece(atom, Expr.const(1), extents[atom], True), Expr.const(1))]
    if atom.op not in ("floordiv", "mod"):
        raise AffineError(f"'{atom}' ({atom.op} is not a split of a variable)")
    inner, den = atom.args
    if not den.is_const() or den.value() <= 0:
        raise AffineError(f"'{atom}' divides by a non-constant or non-positive value")
    c = den.value()
    ordered = _radix(_decompose(inner, extents), inner)
    return _floordiv(ordered, c, atom) if atom.op == "floordiv" else _mod(ordered, c, atom)


def _radix(s: Sum, e: Expr) -> Sum:
    """Order the pieces by scale, checking scale[k+1] == scale[k] * extent[k]."""
    left = list(s)
    ordered: Sum = []
    scale = Expr.const(1)
    while left:
        matching = [item for item in left if item[1] == scale]
        nxt = next((item for item in matching if item[0].extent == 1), matching[0] if matching else None)
        if nxt is None:
            raise AffineError(f"'{e}' is not a mixed-radix sum (no term with scale {scale})")
        left.remove(nxt)
        ordered.append(nxt)
        scale = scale * nxt[0].extent
    return ordered


def _floordiv(s: Sum, c: int, atom: OpAtom) -> Sum:
    for k, (_, scale) in enumerate(s):
        if scale == c:
            return [(p, sc.floordiv(c)) for p, sc in s[k:]]
    if len(s) == 1:
        p, _ = s[0]
        if p.top:
            return [(Piece(p.var, p.lower * c, p.extent.ceildiv(c), True), Expr.const(1))]
        if p.extent.is_const() and p.extent.value() % c == 0:
            return [(Piece(p.var, p.lower * c, Expr.const(p.extent.value() // c), False), Expr.const(1))]
    raise AffineError(f"'{atom}' does not split on a digit boundary")


def _mod(s: Sum, c: int, atom: OpAtom) -> Sum:
    for k, (_, scale) in enumerate(s):
        if scale == c:
            return s[:k]
    if len(s) == 1:
        p, _ = s[0]
        if p.extent.is_const() and p.extent.value() <= c:
            return s
        if p.top or (p.extent.is_const() and p.extent.value() % c == 0):
            return [(Piece(p.var, p.lower, Expr.const(c), False), Expr.const(1))]
    raise AffineError(f"'{atom}' does not split on a digit boundary")


def zero_at_zero(e: Expr, names: set[str]) -> bool:
    """e == 0 when every name in `names` is 0."""
    return e.substitute({n: Expr.const(0) for n in names}) == 0
