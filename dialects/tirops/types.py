"""The tensorir buffer type: `!tir.buffer<[n, 128], f32>` with optional memory
scope (`global`, `shared`, `local`) and strides (row-major when absent)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from xdsl.dialects.builtin import ArrayAttr, StringAttr
from xdsl.ir import Attribute, ParametrizedAttribute, TypeAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.graphops.types import _NUMPY_OF, DimAttr, parse_dim
from tensorforge.dialects.symbolic import Expr, ExprLike, product

SCOPES = ("global", "shared", "local")


def _dims(values: Iterable[ExprLike | DimAttr]) -> ArrayAttr[DimAttr]:
    return ArrayAttr([v if isinstance(v, DimAttr) else DimAttr.of(v) for v in values])


@irdl_attr_definition
class BufferType(ParametrizedAttribute, TypeAttribute):
    """A buffer of `shape` elements in a memory `scope`, with optional strides."""

    name = "tir.buffer"
    shape: ArrayAttr[DimAttr]
    element_type: Attribute
    scope: StringAttr
    strides: ArrayAttr[DimAttr]

    def __init__(
        self,
        shape: Iterable[ExprLike | DimAttr],
        element_type: Attribute,
        scope: str = "global",
        strides: Iterable[ExprLike | DimAttr] = (),
    ) -> None:
        super().__init__(_dims(shape), element_type, StringAttr(scope), _dims(strides))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            shape = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, lambda: DimAttr(parse_dim(parser)))
            parser.parse_punctuation(",")
            elt = parser.parse_type()
            scope = "global"
            strides: list[DimAttr] = []
            if parser.parse_optional_punctuation(",") is not None:
                scope = parser.parse_identifier()
                if parser.parse_optional_punctuation(",") is not None:
                    strides = parser.parse_comma_separated_list(
                        parser.Delimiter.SQUARE, lambda: DimAttr(parse_dim(parser))
                    )
        return (ArrayAttr(shape), elt, StringAttr(scope), ArrayAttr(strides))

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string("<[" + ", ".join(str(d.data) for d in self.shape) + "], ")
        printer.print_attribute(self.element_type)
        if self.scope.data != "global" or self.strides.data:
            printer.print_string(f", {self.scope.data}")
        if self.strides.data:
            printer.print_string(", [" + ", ".join(str(d.data) for d in self.strides) + "]")
        printer.print_string(">")

    def verify(self) -> None:
        if self.element_type not in _NUMPY_OF:
            raise VerifyException(f"tir.buffer: unsupported element type {self.element_type}")
        if self.scope.data not in SCOPES:
            raise VerifyException(f"tir.buffer: unknown scope '{self.scope.data}' (expected one of {', '.join(SCOPES)})")
        if self.strides.data and len(self.strides) != len(self.shape):
            raise VerifyException(f"tir.buffer: {len(self.strides)} strides for rank {len(self.shape)}")

    @property
    def dims(self) -> tuple[Expr, ...]:
        return tuple(d.data for d in self.shape)

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def dtype(self):
        return _NUMPY_OF[self.element_type]

    def stride_exprs(self) -> tuple[Expr, ...]:
        """Explicit strides, or the row-major ones."""
        if self.strides.data:
            return tuple(d.data for d in self.strides)
        dims = self.dims
        return tuple(product(dims[i + 1 :]) for i in range(len(dims)))

    def with_scope(self, scope: str) -> BufferType:
        return BufferType(self.dims, self.element_type, scope, [d.data for d in self.strides])
