"""Base classes of the stablehlo and chlo ops: the pretty syntax (syntax.py) and shape helpers."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from xdsl.dialects.builtin import (
    DenseArrayBase,
    TensorType,
)
from xdsl.ir import Attribute, Region
from xdsl.irdl import (
    IRDLOperation,
    operand_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.stablehloops.syntax import (
    KeyParser,
    parse_keys,
    parse_operand_list,
    parse_trailing_types,
    resolve,
)


class HloOp(IRDLOperation):
    """Base: the generic pretty syntax of syntax.py; `keys` are the `key = value` items."""

    KEYS: ClassVar[dict[str, KeyParser]] = {}

    @classmethod
    def parse(cls, parser: Parser) -> HloOp:
        operands, comma = parse_operand_list(parser)
        props = parse_keys(parser, cls.KEYS, comma)
        return cls.finish(parser, operands, props)

    @classmethod
    def finish(cls, parser: Parser, operands: list[Any], props: dict[str, Attribute],
               regions: list[Region] | None = None) -> HloOp:
        attrs = parser.parse_optional_attr_dict()
        for k in list(attrs):
            if k in cls.get_irdl_definition().properties:
                props[k] = attrs.pop(k)
        parser.parse_punctuation(":")
        in_types, out_types = parse_trailing_types(parser)
        if out_types is None:
            in_types, out_types = cls.split_types(in_types, len(operands))
        values = resolve(parser, operands, in_types)
        op = cls.create(operands=values, result_types=out_types, properties=props, attributes=attrs,
                        regions=regions or [])
        return op

    @classmethod
    def split_types(cls, types: list[Attribute], count: int) -> tuple[list[Attribute], list[Attribute]]:
        """One type list written: every operand and the result share the (last) type."""
        if len(types) == 1:
            return types * count, types
        return types, [types[-1]]


# -- elementwise ----------------------------------------------------------------------------
class UnaryHloOp(HloOp):
    operand = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())


class BinaryHloOp(HloOp):
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def verify_(self) -> None:
        a, b = _shape(self.lhs.type), _shape(self.rhs.type)
        if not _compatible(a, b):
            raise VerifyException(f"operand shapes {a} and {b} differ (StableHLO does not broadcast)")


def _shape(t: Attribute) -> list[int]:
    assert isinstance(t, TensorType)
    return list(t.get_shape())


def _compatible(a: list[int], b: list[int]) -> bool:
    """Equal shapes, `?` (-1) matching anything."""
    return len(a) == len(b) and all(x == y or -1 in (x, y) for x, y in zip(a, b, strict=True))


def _ints(attr: DenseArrayBase) -> list[int]:
    return [int(x) for x in cast(Any, attr).get_values()]


