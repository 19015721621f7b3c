"""Parsing and printing helpers for tensorir's index expressions.

Index expressions are `Expr`s over names: function symbols (`n`), loop
variables (`i`) and block iteration variables (`vi`). A load/store index may
also be an SSA index value (`%idx`, for gathers); it is stored as the
placeholder symbol `__ssa<k>` naming the op's k-th dynamic index operand.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import SSAValue
from xdsl.parser import Parser
from xdsl.printer import Printer

from tensorforge.dialects.graphops.types import DimAttr, parse_dim
from tensorforge.dialects.symbolic import Expr

SSA_PREFIX = "__ssa"


def ssa_placeholder(k: int) -> Expr:
    return Expr.sym(f"{SSA_PREFIX}{k}")


def ssa_slot(e: Expr) -> int | None:
    """k when `e` is exactly the placeholder of dynamic operand k."""
    if not e.is_symbol():
        return None
    name = next(iter(e.free_symbols()))
    if not name.startswith(SSA_PREFIX):
        return None
    return int(name[len(SSA_PREFIX) :])


def parse_defined_operand(parser: Parser) -> SSAValue:
    """An operand that must already be defined (its type comes from the definition)."""
    unresolved = parser.parse_unresolved_operand()
    values = parser.ssa_values.get(unresolved.operand_name)
    if values is None or unresolved.index >= len(values):
        parser.raise_error(f"use of undefined value %{unresolved.operand_name}", unresolved.span)
    return values[unresolved.index]


def parse_optional_defined_operand(parser: Parser) -> SSAValue | None:
    from xdsl.utils.mlir_lexer import MLIRTokenKind

    if parser._current_token.kind != MLIRTokenKind.PERCENT_IDENT:  # pyright: ignore[reportPrivateUsage]
        return None
    return parse_defined_operand(parser)


def parse_indices(parser: Parser) -> tuple[list[DimAttr], list[SSAValue]]:
    """`[vi, %idx, n-1]`: exprs and SSA index values, in order."""
    dyn: list[SSAValue] = []

    def one() -> DimAttr:
        operand = parse_optional_defined_operand(parser)
        if operand is not None:
            dyn.append(operand)
            return DimAttr(ssa_placeholder(len(dyn) - 1))
        return DimAttr(parse_dim(parser))

    exprs = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, one)
    return exprs, dyn


def print_indices(printer: Printer, exprs: Sequence[DimAttr], dyn: Sequence[SSAValue]) -> None:
    printer.print_string("[")
    for i, e in enumerate(exprs):
        if i:
            printer.print_string(", ")
        slot = ssa_slot(e.data)
        if slot is None:
            printer.print_string(str(e.data))
            continue
        printer.print_ssa_value(dyn[slot])
    printer.print_string("]")


def fmt(e: Expr | DimAttr) -> str:
    return str(e.data if isinstance(e, DimAttr) else e)
