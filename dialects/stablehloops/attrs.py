"""StableHLO attributes: enums (`#stablehlo<comparison_direction GT>`) and the
dimension-number records of dot_general, gather, scatter and convolution.

Enums parse in MLIR's opaque form and xDSL's pretty form
(`#stablehlo.comparison_direction<GT>`, which is what we print). Records keep
their fields as a dictionary of ints and int lists, printed in MLIR's syntax
(`#stablehlo.gather<offset_dims = [1], index_vector_dim = 1>`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, IntegerAttr, StringAttr, i64
from xdsl.ir import Attribute, ParametrizedAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException


class _EnumAttr(ParametrizedAttribute):
    """One keyword out of `values`."""

    VALUES: ClassVar[tuple[str, ...]] = ()
    value: StringAttr

    @classmethod
    def of(cls, value: str) -> _EnumAttr:
        return cls(StringAttr(value))  # type: ignore[call-arg]

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        angled = parser.parse_optional_punctuation("<") is not None
        word = parser.parse_identifier()
        if angled:
            parser.parse_punctuation(">")
        if word not in cls.VALUES:
            parser.raise_error(f"{cls.name}: expected one of {', '.join(cls.VALUES)}, got '{word}'")
        return (StringAttr(word),)

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{self.value.data}>")

    @property
    def data(self) -> str:
        return self.value.data


@irdl_attr_definition
class ComparisonDirectionAttr(_EnumAttr):
    name = "stablehlo.comparison_direction"
    VALUES = ("EQ", "NE", "GE", "GT", "LE", "LT")


@irdl_attr_definition
class ComparisonTypeAttr(_EnumAttr):
    name = "stablehlo.comparison_type"
    VALUES = ("NOTYPE", "FLOAT", "TOTALORDER", "SIGNED", "UNSIGNED")


@irdl_attr_definition
class PrecisionAttr(_EnumAttr):
    name = "stablehlo.precision"
    VALUES = ("DEFAULT", "HIGH", "HIGHEST")


@irdl_attr_definition
class RngAlgorithmAttr(_EnumAttr):
    name = "stablehlo.rng_algorithm"
    VALUES = ("DEFAULT", "THREE_FRY", "PHILOX")


class _RecordAttr(ParametrizedAttribute):
    """`<key = [ints], key = int, ...>`; `fields` lists the keys and whether they are lists."""

    FIELDS: ClassVar[dict[str, bool]] = {}
    entries: DictionaryAttr

    @classmethod
    def make(cls, **values: int | Sequence[int]) -> Any:
        """The record with these fields (each an int or a list of ints)."""
        return cls(DictionaryAttr({k: _encode(v) for k, v in values.items()}))  # type: ignore[call-arg]

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        parser.parse_punctuation("<")
        out: dict[str, Attribute] = {}
        while parser.parse_optional_punctuation(">") is None:
            if out:
                parser.parse_punctuation(",")
            key = parser.parse_identifier()
            if key not in cls.FIELDS:
                parser.raise_error(f"{cls.name}: unknown field '{key}' (known: {', '.join(cls.FIELDS)})")
            parser.parse_punctuation("=")
            out[key] = _encode(parse_int_list(parser) if cls.FIELDS[key] else parser.parse_integer())
        return (DictionaryAttr(out),)

    def print_parameters(self, printer: Printer) -> None:
        parts = []
        for key, is_list in self.FIELDS.items():
            if key not in self.entries.data:
                continue
            if is_list and not self.ints(key):
                continue
            parts.append(f"{key} = [{', '.join(map(str, self.ints(key)))}]" if is_list else f"{key} = {self.int(key)}")
        printer.print_string("<" + ", ".join(parts) + ">")

    def get(self, key: str) -> list[int] | int:
        a = self.entries.data.get(key)
        if a is None:
            return [] if self.FIELDS.get(key) else 0
        if isinstance(a, IntegerAttr):
            return int(a.value.data)
        assert isinstance(a, ArrayAttr)
        return [int(x.value.data) for x in a.data]  # type: ignore[attr-defined]

    def ints(self, key: str) -> list[int]:
        v = self.get(key)
        if isinstance(v, int):
            raise VerifyException(f"{self.name}: field '{key}' is not a list")
        return list(v)

    def int(self, key: str) -> int:
        v = self.get(key)
        if isinstance(v, list):
            raise VerifyException(f"{self.name}: field '{key}' is a list")
        return v


def _encode(v: int | Sequence[int]) -> Attribute:
    if isinstance(v, int):
        return IntegerAttr(v, i64)
    return ArrayAttr([IntegerAttr(int(x), i64) for x in v])


def parse_int_list(parser: AttrParser) -> list[int]:
    """`[1, 2]` (also `[]`)."""
    return parser.parse_comma_separated_list(parser.Delimiter.SQUARE, parser.parse_integer)


@irdl_attr_definition
class DotDimensionNumbersAttr(_RecordAttr):
    name = "stablehlo.dot"
    FIELDS = {"lhs_batching_dimensions": True, "rhs_batching_dimensions": True,
              "lhs_contracting_dimensions": True, "rhs_contracting_dimensions": True}


@irdl_attr_definition
class GatherDimensionNumbersAttr(_RecordAttr):
    name = "stablehlo.gather"
    FIELDS = {"offset_dims": True, "collapsed_slice_dims": True, "operand_batching_dims": True,
              "start_indices_batching_dims": True, "start_index_map": True, "index_vector_dim": False}


@irdl_attr_definition
class ScatterDimensionNumbersAttr(_RecordAttr):
    name = "stablehlo.scatter"
    FIELDS = {"update_window_dims": True, "inserted_window_dims": True, "input_batching_dims": True,
              "scatter_indices_batching_dims": True, "scatter_dims_to_operand_dims": True, "index_vector_dim": False}


CONV_FIELDS = {"input_batch_dimension": False, "input_feature_dimension": False, "input_spatial_dimensions": True,
               "kernel_input_feature_dimension": False, "kernel_output_feature_dimension": False,
               "kernel_spatial_dimensions": True, "output_batch_dimension": False, "output_feature_dimension": False,
               "output_spatial_dimensions": True}


@irdl_attr_definition
class ConvDimensionNumbersAttr(_RecordAttr):
    """Printed and parsed in the layout form `[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]`."""

    name = "stablehlo.conv"
    FIELDS = CONV_FIELDS

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        parser.parse_punctuation("<")
        attr = parse_conv_layout(parser)
        parser.parse_punctuation(">")
        return (attr.entries,)

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{conv_layout_text(self)}>")


def _parse_layout(parser: AttrParser, letters: tuple[str, str]) -> tuple[int, int, list[int]]:
    """One `[b, 0, 1, f]`: positions of the two lettered dims and of the spatial dims."""
    items: list[str] = parser.parse_comma_separated_list(
        parser.Delimiter.SQUARE, lambda: str(parser.parse_optional_integer() if parser._current_token.text[0].isdigit() else parser.parse_identifier())
    )
    if letters[0] not in items or letters[1] not in items:
        parser.raise_error(f"convolution layout {items} needs '{letters[0]}' and '{letters[1]}'")
    spatial_names = sorted(int(x) for x in items if x.isdigit())
    spatial = [items.index(str(s)) for s in spatial_names]
    return items.index(letters[0]), items.index(letters[1]), spatial


def parse_conv_layout(parser: AttrParser) -> ConvDimensionNumbersAttr:
    ib, if_, isp = _parse_layout(parser, ("b", "f"))
    parser.parse_characters("x")
    ki, ko, ksp = _parse_layout(parser, ("i", "o"))
    parser.parse_punctuation("->")
    ob, of, osp = _parse_layout(parser, ("b", "f"))
    return ConvDimensionNumbersAttr.make(
        input_batch_dimension=ib, input_feature_dimension=if_, input_spatial_dimensions=isp,
        kernel_input_feature_dimension=ki, kernel_output_feature_dimension=ko, kernel_spatial_dimensions=ksp,
        output_batch_dimension=ob, output_feature_dimension=of, output_spatial_dimensions=osp,
    )


def _layout_text(rank: int, a: tuple[str, int], b: tuple[str, int], spatial: list[int]) -> str:
    items = ["?"] * rank
    items[a[1]] = a[0]
    items[b[1]] = b[0]
    for i, p in enumerate(spatial):
        items[p] = str(i)
    return "[" + ", ".join(items) + "]"


def conv_layout_text(d: ConvDimensionNumbersAttr) -> str:
    isp, ksp, osp = d.ints("input_spatial_dimensions"), d.ints("kernel_spatial_dimensions"), d.ints("output_spatial_dimensions")
    lhs = _layout_text(len(isp) + 2, ("b", d.int("input_batch_dimension")), ("f", d.int("input_feature_dimension")), isp)
    rhs = _layout_text(len(ksp) + 2, ("i", d.int("kernel_input_feature_dimension")), ("o", d.int("kernel_output_feature_dimension")), ksp)
    out = _layout_text(len(osp) + 2, ("b", d.int("output_batch_dimension")), ("f", d.int("output_feature_dimension")), osp)
    return f"{lhs}x{rhs}->{out}"


STABLEHLO_ATTRS = [ComparisonDirectionAttr, ComparisonTypeAttr, PrecisionAttr, RngAlgorithmAttr, DotDimensionNumbersAttr,
                   GatherDimensionNumbersAttr, ScatterDimensionNumbersAttr, ConvDimensionNumbersAttr]
