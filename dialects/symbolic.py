"""Symbolic dimension expressions: integer polynomials over named dims.

Shapes in tensorforge mix static sizes with names bound at call time (`n`) and
expressions of them (`n*4`, `n+m`, `(h-3) floordiv 2+1`). An `Expr` is kept in a
canonical polynomial form so that equal sizes compare equal however they were
built; non-polynomial parts (floordiv, mod, max, min) that cannot be simplified
become opaque atoms of that polynomial.

The text syntax follows MLIR's affine expressions: `+ - *`, `floordiv`,
`ceildiv`, `mod`, `max(a, b)`, `min(a, b)` and parentheses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NoReturn, Protocol

# A monomial is a sorted tuple of (atom, power); an atom is a name or an OpAtom.
Monomial = tuple[tuple["str | OpAtom", int], ...]


class SymbolicError(ValueError):
    """A symbolic expression is malformed or cannot be evaluated."""


@dataclass(frozen=True)
class OpAtom:
    """An irreducible application like `n floordiv 2` or `max(n, m)`."""

    op: str  # "floordiv" | "ceildiv" | "mod" | "max" | "min"
    args: tuple[Expr, ...]

    def sort_key(self) -> str:
        return str(self)

    def __str__(self) -> str:
        if self.op in ("max", "min"):
            return f"{self.op}({', '.join(str(a) for a in self.args)})"
        lhs, rhs = self.args
        return f"{_paren(lhs)} {self.op} {_paren(rhs)}"


def _atom_key(atom: str | OpAtom) -> tuple[int, str]:
    return (0, atom) if isinstance(atom, str) else (1, atom.sort_key())


def _paren(e: Expr) -> str:
    text = str(e)
    if e.is_const() and e.value() >= 0:
        return text
    if len(e.terms) == 1 and _is_plain_monomial(e):
        return text
    return f"({text})"


def _is_plain_monomial(e: Expr) -> bool:
    """A single name: safe without parentheses as an operand of floordiv/mod."""
    (mono, coeff), = e.terms.items()
    return coeff == 1 and len(mono) == 1 and isinstance(mono[0][0], str) and mono[0][1] == 1


class Expr:
    """An immutable integer polynomial in symbolic atoms.

    `terms` maps monomials to non-zero coefficients in order of first
    appearance, so `n+m` prints as written; equality ignores that order.
    """

    __slots__ = ("_hash", "terms")

    def __init__(self, terms: Mapping[Monomial, int] | None = None) -> None:
        self.terms: dict[Monomial, int] = {
            k: v for k, v in (terms or {}).items() if v != 0
        }
        self._hash = hash(frozenset(self.terms.items()))

    # -- construction -----------------------------------------------------
    @staticmethod
    def const(value: int) -> Expr:
        return Expr({(): int(value)})

    @staticmethod
    def sym(name: str) -> Expr:
        return Expr({((name, 1),): 1})

    @staticmethod
    def lift(value: ExprLike) -> Expr:
        if isinstance(value, Expr):
            return value
        if isinstance(value, bool):
            raise SymbolicError(f"not a dimension: {value!r}")
        if isinstance(value, int):
            return Expr.const(value)
        if isinstance(value, str):
            return parse_expr(value)
        raise SymbolicError(f"not a dimension: {value!r}")

    @staticmethod
    def _atom(atom: OpAtom) -> Expr:
        return Expr({((atom, 1),): 1})

    # -- queries ----------------------------------------------------------
    def is_const(self) -> bool:
        return all(mono == () for mono in self.terms)

    def value(self) -> int:
        if not self.is_const():
            raise SymbolicError(f"'{self}' is not a constant")
        return self.terms.get((), 0)

    def is_symbol(self) -> bool:
        if len(self.terms) != 1:
            return False
        (mono, coeff), = self.terms.items()
        return coeff == 1 and len(mono) == 1 and isinstance(mono[0][0], str) and mono[0][1] == 1

    def free_symbols(self) -> set[str]:
        out: set[str] = set()
        for mono in self.terms:
            for atom, _ in mono:
                if isinstance(atom, str):
                    out.add(atom)
                    continue
                for arg in atom.args:
                    out |= arg.free_symbols()
        return out

    def const_part(self) -> int:
        return self.terms.get((), 0)

    # -- arithmetic -------------------------------------------------------
    def __add__(self, other: ExprLike) -> Expr:
        terms = dict(self.terms)
        for mono, coeff in Expr.lift(other).terms.items():
            terms[mono] = terms.get(mono, 0) + coeff
        return Expr(terms)

    __radd__ = __add__

    def __neg__(self) -> Expr:
        return Expr({m: -c for m, c in self.terms.items()})

    def __sub__(self, other: ExprLike) -> Expr:
        return self + (-Expr.lift(other))

    def __rsub__(self, other: ExprLike) -> Expr:
        return Expr.lift(other) - self

    def __mul__(self, other: ExprLike) -> Expr:
        rhs = Expr.lift(other)
        terms: dict[Monomial, int] = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in rhs.terms.items():
                mono = _mono_mul(m1, m2)
                terms[mono] = terms.get(mono, 0) + c1 * c2
        return Expr(terms)

    __rmul__ = __mul__

    def floordiv(self, other: ExprLike) -> Expr:
        rhs = Expr.lift(other)
        if rhs.is_const():
            d = rhs.value()
            if d == 0:
                raise SymbolicError(f"division of '{self}' by zero")
            if self.is_const():
                return Expr.const(self.value() // d)
            if all(c % d == 0 for c in self.terms.values()):
                return Expr({m: c // d for m, c in self.terms.items()})
        quotient = _divide_exact(self, rhs)
        if quotient is not None:
            return quotient
        return Expr._atom(OpAtom("floordiv", (self, rhs)))

    def __floordiv__(self, other: ExprLike) -> Expr:
        return self.floordiv(other)

    def ceildiv(self, other: ExprLike) -> Expr:
        rhs = Expr.lift(other)
        if self.is_const() and rhs.is_const():
            return Expr.const(-((-self.value()) // rhs.value()))
        exact = _divide_exact(self, rhs)
        if exact is not None:
            return exact
        if rhs.is_const() and all(c % rhs.value() == 0 for c in self.terms.values()):
            return self.floordiv(rhs)
        return Expr._atom(OpAtom("ceildiv", (self, rhs)))

    def mod(self, other: ExprLike) -> Expr:
        rhs = Expr.lift(other)
        if self.is_const() and rhs.is_const():
            if rhs.value() == 0:
                raise SymbolicError(f"'{self}' mod zero")
            return Expr.const(self.value() % rhs.value())
        if _divide_exact(self, rhs) is not None:
            return Expr.const(0)
        if rhs.is_const() and all(c % rhs.value() == 0 for c in self.terms.values()):
            return Expr.const(0)
        return Expr._atom(OpAtom("mod", (self, rhs)))

    def __mod__(self, other: ExprLike) -> Expr:
        return self.mod(other)

    def max(self, other: ExprLike) -> Expr:
        return _minmax("max", self, Expr.lift(other))

    def min(self, other: ExprLike) -> Expr:
        return _minmax("min", self, Expr.lift(other))

    # -- evaluation -------------------------------------------------------
    def evaluate(self, env: Mapping[str, int]) -> int:
        total = 0
        for mono, coeff in self.terms.items():
            prod = coeff
            for atom, power in mono:
                prod *= _eval_atom(atom, env) ** power
            total += prod
        return total

    def substitute(self, env: Mapping[str, Expr]) -> Expr:
        total = Expr.const(0)
        for mono, coeff in self.terms.items():
            prod = Expr.const(coeff)
            for atom, power in mono:
                for _ in range(power):
                    prod = prod * _subst_atom(atom, env)
            total = total + prod
        return total

    # -- comparison -------------------------------------------------------
    def provably_ne(self, other: ExprLike) -> bool:
        """True when the two sizes differ for every binding of the symbols."""
        diff = self - Expr.lift(other)
        return diff.is_const() and diff.value() != 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int) and not isinstance(other, bool):
            other = Expr.const(other)
        if not isinstance(other, Expr):
            return NotImplemented
        return self.terms == other.terms

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"Expr({str(self)!r})"

    def __str__(self) -> str:
        if not self.terms:
            return "0"
        if len(self.terms) == 1:
            (mono, coeff), = self.terms.items()
            if coeff == 1 and len(mono) == 1 and mono[0][1] == 1 and isinstance(mono[0][0], OpAtom):
                return str(mono[0][0])
        text = ""
        for i, (mono, coeff) in enumerate(self.terms.items()):
            term = _format_term(mono, abs(coeff))
            if i == 0:
                text = term if coeff > 0 else f"-{term}"
                continue
            text += ("+" if coeff > 0 else "-") + term
        return text


ExprLike = Expr | int | str


def _mono_mul(m1: Monomial, m2: Monomial) -> Monomial:
    powers: dict[str | OpAtom, int] = {}
    for atom, power in (*m1, *m2):
        powers[atom] = powers.get(atom, 0) + power
    return tuple(sorted(powers.items(), key=lambda item: _atom_key(item[0])))


def _divide_exact(num: Expr, den: Expr) -> Expr | None:
    """`num / den` when `den` is a single monomial dividing every term."""
    if len(den.terms) != 1:
        return None
    (dmono, dcoeff), = den.terms.items()
    if not dmono:
        return None
    dpowers = dict(dmono)
    out: dict[Monomial, int] = {}
    for mono, coeff in num.terms.items():
        powers = dict(mono)
        if coeff % dcoeff != 0:
            return None
        for atom, power in dpowers.items():
            if powers.get(atom, 0) < power:
                return None
            powers[atom] -= power
        key = tuple(sorted(((a, p) for a, p in powers.items() if p), key=lambda i: _atom_key(i[0])))
        out[key] = coeff // dcoeff
    return Expr(out)


def _minmax(op: str, lhs: Expr, rhs: Expr) -> Expr:
    pick: Callable[[int, int], int] = max if op == "max" else min
    if lhs == rhs:
        return lhs
    diff = lhs - rhs
    if diff.is_const():
        return lhs if pick(diff.value(), 0) == diff.value() else rhs
    return Expr._atom(OpAtom(op, (lhs, rhs)))


def _eval_atom(atom: str | OpAtom, env: Mapping[str, int]) -> int:
    if isinstance(atom, str):
        if atom not in env:
            raise SymbolicError(f"symbol '{atom}' is not bound")
        return int(env[atom])
    lhs, rhs = (a.evaluate(env) for a in atom.args)
    if atom.op in ("floordiv", "mod", "ceildiv") and rhs == 0:
        raise SymbolicError(f"division by zero in '{atom}'")
    if atom.op == "floordiv":
        return lhs // rhs
    if atom.op == "ceildiv":
        return -((-lhs) // rhs)
    if atom.op == "mod":
        return lhs % rhs
    return max(lhs, rhs) if atom.op == "max" else min(lhs, rhs)


def _subst_atom(atom: str | OpAtom, env: Mapping[str, Expr]) -> Expr:
    if isinstance(atom, str):
        return env.get(atom, Expr.sym(atom))
    lhs, rhs = (a.substitute(env) for a in atom.args)
    apply: dict[str, Callable[[Expr, Expr], Expr]] = {
        "floordiv": Expr.floordiv,
        "ceildiv": Expr.ceildiv,
        "mod": Expr.mod,
        "max": Expr.max,
        "min": Expr.min,
    }
    return apply[atom.op](lhs, rhs)


def _format_term(mono: Monomial, coeff: int) -> str:
    if not mono:
        return str(coeff)
    factors: list[str] = []
    for atom, power in mono:
        text = atom if isinstance(atom, str) else _format_opatom(atom)
        factors.extend([text] * power)
    if coeff != 1:
        factors.append(str(coeff))
    return "*".join(factors)


def _format_opatom(atom: OpAtom) -> str:
    text = str(atom)
    return text if atom.op in ("max", "min") else f"({text})"


# -- parsing ------------------------------------------------------------------
class TokenSource(Protocol):
    """What `ExprReader` needs from a lexer: ours for plain text, xDSL's in types."""

    def accept(self, tok: str) -> bool: ...
    def integer(self) -> int | None: ...
    def ident(self) -> str | None: ...
    def fail(self, msg: str) -> NoReturn: ...


class _TextSource:
    """A tiny tokenizer for standalone expression text (`n*4+1`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[str] = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch.isspace():
                i += 1
                continue
            if ch.isalnum() or ch in "_$.":
                j = i
                while j < len(text) and (text[j].isalnum() or text[j] in "_$."):
                    j += 1
                self.items.append(text[i:j])
                i = j
                continue
            if ch in "+-*(),":
                self.items.append(ch)
                i += 1
                continue
            self.fail(f"unexpected character '{ch}'")
        self.pos = 0

    def _peek(self) -> str | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def accept(self, tok: str) -> bool:
        if self._peek() != tok:
            return False
        self.pos += 1
        return True

    def integer(self) -> int | None:
        tok = self._peek()
        if tok is None or not tok.isdigit():
            return None
        self.pos += 1
        return int(tok)

    def ident(self) -> str | None:
        tok = self._peek()
        if tok is None or not (tok[0].isalpha() or tok[0] == "_"):
            return None
        self.pos += 1
        return tok

    def at_end(self) -> bool:
        return self._peek() is None

    def fail(self, msg: str) -> NoReturn:
        raise SymbolicError(f"{msg} in dimension '{self.text}'")


_KEYWORD_OPS: dict[str, Callable[[Expr, Expr], Expr]] = {
    "floordiv": Expr.floordiv,
    "ceildiv": Expr.ceildiv,
    "mod": Expr.mod,
}


class ExprReader:
    """Recursive descent: sum := term (+|- term)*; term := unary (*|floordiv|ceildiv|mod unary)*."""

    def __init__(self, src: TokenSource) -> None:
        self.src = src

    def read(self) -> Expr:
        lhs = self.read_term()
        while True:
            if self.src.accept("+"):
                lhs = lhs + self.read_term()
            elif self.src.accept("-"):
                lhs = lhs - self.read_term()
            else:
                return lhs

    def read_term(self) -> Expr:
        lhs = self.read_unary()
        while True:
            if self.src.accept("*"):
                lhs = lhs * self.read_unary()
                continue
            op = next((k for k in _KEYWORD_OPS if self.src.accept(k)), None)
            if op is None:
                return lhs
            lhs = _KEYWORD_OPS[op](lhs, self.read_unary())

    def read_unary(self) -> Expr:
        if self.src.accept("-"):
            return -self.read_unary()
        return self.read_atom()

    def read_atom(self) -> Expr:
        if self.src.accept("("):
            inner = self.read()
            self._expect(")")
            return inner
        value = self.src.integer()
        if value is not None:
            return Expr.const(value)
        name = self.src.ident()
        if name is None:
            self.src.fail("expected a dimension (integer, name or expression)")
        if name in ("max", "min") and self.src.accept("("):
            lhs = self.read()
            self._expect(",")
            rhs = self.read()
            self._expect(")")
            return lhs.max(rhs) if name == "max" else lhs.min(rhs)
        if name in _KEYWORD_OPS:
            self.src.fail(f"'{name}' needs a left operand")
        return Expr.sym(name)

    def _expect(self, tok: str) -> None:
        if not self.src.accept(tok):
            self.src.fail(f"expected '{tok}'")


def parse_expr(text: str) -> Expr:
    src = _TextSource(text)
    expr = ExprReader(src).read()
    if not src.at_end():
        src.fail("unexpected trailing text")
    return expr


def product(dims: Iterable[ExprLike]) -> Expr:
    total = Expr.const(1)
    for d in dims:
        total = total * Expr.lift(d)
    return total


def gcd_const(e: Expr) -> int:
    return math.gcd(*e.terms.values()) if e.terms else 0
