"""Parsing of the pretty StableHLO forms that JAX prints.

Every op also parses in MLIR's generic form (`"stablehlo.add"(%a, %b) : ...`),
which is what we print. The pretty forms follow one pattern:

    [prefix] operands [, key = value]* [attr-dict] : types

where `types` is one type (every operand and the result share it), a list
(one per operand: `select`, `return`), `(operand types) -> result types` or
`type -> type` (chlo). Ops with other syntax (`slice`, `reduce`, `while`,
`convolution`, `custom_call`, `constant`, `compare`) override `parse`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    AnyFloat,
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    FunctionType,
    IntegerAttr,
    i64,
)
from xdsl.ir import Attribute, SSAValue
from xdsl.parser import Parser
from xdsl.utils.mlir_lexer import MLIRTokenKind

from tensorforge.dialects.graphops.types import numpy_dtype
from tensorforge.dialects.stablehloops.attrs import PrecisionAttr, parse_int_list

KeyParser = Callable[[Parser], dict[str, Attribute]]


def i64_array(values: list[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, values)


def array_key(prop: str) -> KeyParser:
    """`key = [1, 2]` -> array<i64> property."""
    return lambda p: {prop: i64_array(parse_int_list(p))}


def int_key(prop: str) -> KeyParser:
    return lambda p: {prop: IntegerAttr(p.parse_integer(), i64)}


def precision_key(p: Parser) -> dict[str, Attribute]:
    from xdsl.dialects.builtin import ArrayAttr

    words = p.parse_comma_separated_list(p.Delimiter.SQUARE, p.parse_identifier)
    return {"precision_config": ArrayAttr([PrecisionAttr.of(w) for w in words])}


def parse_operand_list(parser: Parser) -> tuple[list[Any], bool]:
    """Operands separated by commas; True when a comma after them was consumed."""
    operands: list[Any] = []
    while True:
        op = parser.parse_optional_unresolved_operand()
        if op is None:
            return operands, bool(operands)
        operands.append(op)
        if parser.parse_optional_punctuation(",") is None:
            return operands, False


def parse_keys(parser: Parser, keys: dict[str, KeyParser], comma_consumed: bool) -> dict[str, Attribute]:
    """`key = value` items (comma separated) until none is left."""
    props: dict[str, Attribute] = {}
    first = True
    while True:
        if not (first and comma_consumed) and not first and parser.parse_optional_punctuation(",") is None:
            return props
        if parser._current_token.kind != MLIRTokenKind.BARE_IDENT:
            if first and not comma_consumed:
                return props
            parser.raise_error("expected 'key = value'")
        key = parser._current_token.text
        if key not in keys:
            if first and not comma_consumed:
                return props
            parser.raise_error(f"unexpected '{key}' (expected one of {', '.join(keys)})")
        parser.parse_identifier()
        parser.parse_punctuation("=")
        props.update(keys[key](parser))
        first = False


def parse_trailing_types(parser: Parser) -> tuple[list[Attribute], list[Attribute] | None]:
    """After `:`: (operand types, result types or None when only one list was written)."""
    if parser._current_token.kind == MLIRTokenKind.L_PAREN:
        ft = parser.parse_function_type()
        assert isinstance(ft, FunctionType)
        return list(ft.inputs.data), list(ft.outputs.data)
    types: list[Attribute] = [parser.parse_type()]
    while parser.parse_optional_punctuation(",") is not None:
        types.append(parser.parse_type())
    if parser.parse_optional_punctuation("->") is None:
        return types, None
    if parser._current_token.kind == MLIRTokenKind.L_PAREN:
        return types, list(parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type))
    return types, [parser.parse_type()]


def resolve(parser: Parser, operands: list[Any], types: list[Attribute]) -> list[SSAValue]:
    if len(types) == 1 and len(operands) > 1:
        types = types * len(operands)
    if len(types) != len(operands):
        parser.raise_error(f"{len(operands)} operands but {len(types)} types")
    return [parser.resolve_operand(o, t) for o, t in zip(operands, types, strict=True)]


_HEX_TOKEN = re.compile(r"0x[0-9a-fA-F]+|[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|inf|nan)")


def fix_hex_dense(value: DenseIntOrFPElementsAttr, raw: str) -> DenseIntOrFPElementsAttr:
    """Re-read a float literal written with hex bit patterns (`dense<0xFF800000>` is -inf).

    xDSL 0.74 reads `0xFF800000` as the integer 4286578688; MLIR means the bits.
    """
    elt = value.get_element_type()
    if "0x" not in raw or '"' in raw or not isinstance(elt, AnyFloat):
        return value
    dtype = numpy_dtype(elt)
    bits = np.dtype(f"u{dtype.itemsize}")
    body = raw[raw.index("<") + 1: raw.rindex(">")] if ">" in raw else raw
    body = body.split(":")[0]
    vals = [np.array(int(t, 16), bits).view(dtype) if t.startswith("0x") else np.array(float(t), dtype)
            for t in _HEX_TOKEN.findall(body)]
    shape = tuple(value.get_shape())
    arr = np.array(vals, dtype)
    arr = np.full(shape, arr[0], dtype) if arr.size == 1 else arr.reshape(shape)
    return DenseIntOrFPElementsAttr(value.type, BytesAttr(np.ascontiguousarray(arr).tobytes()))
