"""The graph tensor type and its symbolic dimensions.

`!graph.tensor<[n, n*4, 128], f32>`: each dim is a static size, a name bound
at call time, or an expression of names (see `dialects.symbolic`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import count

import ml_dtypes
import numpy as np
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    Signedness,
)
from xdsl.dialects.builtin import (
    TensorType as BuiltinTensorType,
)
from xdsl.ir import Attribute, Data, ParametrizedAttribute, TypeAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.symbolic import Expr, ExprLike, ExprReader

# -- element types --------------------------------------------------------------
_NUMPY_OF: dict[Attribute, np.dtype] = {
    Float16Type(): np.dtype(np.float16),
    BFloat16Type(): np.dtype(ml_dtypes.bfloat16),
    Float32Type(): np.dtype(np.float32),
    Float64Type(): np.dtype(np.float64),
    IntegerType(1): np.dtype(np.bool_),
    IntegerType(8): np.dtype(np.int8),
    IntegerType(16): np.dtype(np.int16),
    IntegerType(32): np.dtype(np.int32),
    IntegerType(64): np.dtype(np.int64),
    IntegerType(8, Signedness.UNSIGNED): np.dtype(np.uint8),
    IntegerType(16, Signedness.UNSIGNED): np.dtype(np.uint16),
    IntegerType(32, Signedness.UNSIGNED): np.dtype(np.uint32),
    IntegerType(64, Signedness.UNSIGNED): np.dtype(np.uint64),
}
_ELEMENT_OF: dict[np.dtype, Attribute] = {v: k for k, v in _NUMPY_OF.items()}

ELEMENT_TYPES: tuple[Attribute, ...] = tuple(_NUMPY_OF)
FLOAT_TYPES: tuple[Attribute, ...] = (Float16Type(), BFloat16Type(), Float32Type(), Float64Type())
BOOL_TYPE = IntegerType(1)


def is_float(elt: Attribute) -> bool:
    return elt in FLOAT_TYPES


def is_bool(elt: Attribute) -> bool:
    return elt == BOOL_TYPE


def is_int(elt: Attribute) -> bool:
    """Integer types other than i1."""
    return isinstance(elt, IntegerType) and elt != BOOL_TYPE


def is_unsigned(elt: Attribute) -> bool:
    return isinstance(elt, IntegerType) and elt.signedness.data == Signedness.UNSIGNED


def numpy_dtype(elt: Attribute) -> np.dtype:
    if elt not in _NUMPY_OF:
        raise VerifyException(f"unsupported element type {elt}")
    return _NUMPY_OF[elt]


def element_type_of(dtype: np.dtype | type) -> Attribute:
    dt = np.dtype(dtype)
    if dt not in _ELEMENT_OF:
        raise ValueError(f"numpy dtype {dt} has no graph element type")
    return _ELEMENT_OF[dt]


def element_name(elt: Attribute) -> str:
    from io import StringIO

    from xdsl.printer import Printer as _P

    out = StringIO()
    _P(stream=out).print_attribute(elt)
    return out.getvalue()


# -- dimensions -----------------------------------------------------------------
class _XdslSource:
    """Adapts xDSL's lexer to `ExprReader` so dims parse inside types with locations."""

    def __init__(self, parser: AttrParser) -> None:
        self.parser = parser

    def accept(self, tok: str) -> bool:
        if tok in ("+", "-", "*", "(", ")", ","):
            return self.parser.parse_optional_punctuation(tok) is not None  # type: ignore[arg-type]
        return self.parser.parse_optional_keyword(tok) is not None

    def integer(self) -> int | None:
        return self.parser.parse_optional_integer(allow_boolean=False, allow_negative=False)

    def ident(self) -> str | None:
        return self.parser.parse_optional_identifier()

    def fail(self, msg: str):
        self.parser.raise_error(msg)


def parse_dim(parser: AttrParser) -> Expr:
    return ExprReader(_XdslSource(parser)).read()


@irdl_attr_definition
class DimAttr(Data[Expr]):
    """One symbolic or static dimension, `#graph.dim<n*4>`."""

    name = "graph.dim"

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> Expr:
        with parser.in_angle_brackets():
            return parse_dim(parser)

    def print_parameter(self, printer: Printer) -> None:
        printer.print_string(f"<{self.data}>")

    @staticmethod
    def of(value: ExprLike) -> DimAttr:
        return DimAttr(Expr.lift(value))


def _parse_dim_list(parser: AttrParser) -> list[DimAttr]:
    return parser.parse_comma_separated_list(
        parser.Delimiter.SQUARE, lambda: DimAttr(parse_dim(parser))
    )


def _print_dims(printer: Printer, dims: Iterable[DimAttr]) -> None:
    printer.print_string("[" + ", ".join(str(d.data) for d in dims) + "]")


@irdl_attr_definition
class ShapeAttr(ParametrizedAttribute):
    """A list of dims used as an op attribute, `#graph.shape<[n, -1, 32]>`."""

    name = "graph.shape"
    dims: ArrayAttr[DimAttr]

    def __init__(self, dims: Iterable[ExprLike | DimAttr]) -> None:
        super().__init__(ArrayAttr([d if isinstance(d, DimAttr) else DimAttr.of(d) for d in dims]))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return (ArrayAttr(_parse_dim_list(parser)),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            _print_dims(printer, self.dims)

    @property
    def exprs(self) -> tuple[Expr, ...]:
        return tuple(d.data for d in self.dims)


@irdl_attr_definition
class TensorType(ParametrizedAttribute, TypeAttribute):
    """A tensor with symbolic shape: `!graph.tensor<[n, 128], f32>`."""

    name = "graph.tensor"
    shape: ArrayAttr[DimAttr]
    element_type: Attribute

    def __init__(self, shape: Iterable[ExprLike | DimAttr], element_type: Attribute) -> None:
        dims = ArrayAttr([d if isinstance(d, DimAttr) else DimAttr.of(d) for d in shape])
        super().__init__(dims, element_type)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            dims = _parse_dim_list(parser)
            parser.parse_punctuation(",")
            elt = parser.parse_type()
        return (ArrayAttr(dims), elt)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            _print_dims(printer, self.shape)
            printer.print_string(", ")
            printer.print_attribute(self.element_type)

    def verify(self) -> None:
        if self.element_type not in _NUMPY_OF:
            raise VerifyException(f"graph.tensor: unsupported element type {self.element_type}")

    # -- helpers --------------------------------------------------------------
    @property
    def dims(self) -> tuple[Expr, ...]:
        return tuple(d.data for d in self.shape)

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def dtype(self) -> np.dtype:
        return _NUMPY_OF[self.element_type]

    def static_shape(self) -> tuple[int, ...] | None:
        dims = self.dims
        if not all(d.is_const() for d in dims):
            return None
        return tuple(d.value() for d in dims)

    def symbols(self) -> set[str]:
        out: set[str] = set()
        for d in self.dims:
            out |= d.free_symbols()
        return out

    def with_shape(self, shape: Iterable[ExprLike]) -> TensorType:
        return TensorType(shape, self.element_type)

    def with_element(self, elt: Attribute) -> TensorType:
        return TensorType(self.dims, elt)

    def to_builtin(self) -> BuiltinTensorType:
        """Static dims stay, symbolic dims become `?`."""
        shape = [d.value() if d.is_const() else DYNAMIC_INDEX for d in self.dims]
        return BuiltinTensorType(self.element_type, shape)

    @staticmethod
    def from_builtin(t: BuiltinTensorType, names: Sequence[str] | None = None) -> TensorType:
        """`?` dims become the given names, or fresh `d0, d1, ...`."""
        fresh = iter(names) if names is not None else (f"d{i}" for i in count())
        dims: list[ExprLike] = []
        for d in t.get_shape():
            dims.append(next(fresh) if d < 0 or d == DYNAMIC_INDEX else d)
        return TensorType(dims, t.element_type)
