"""Function-level graph ops: functions with named arguments and results, calls,
returns, constants and named parameters.

    graph.func @main(%x: !graph.tensor<[n, 4], f32>) -> (y: !graph.tensor<[n, 4], f32>) {
      %0 = graph.relu %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
      graph.return %0 : !graph.tensor<[n, 4], f32>
    }

Symbols in argument types are bound by the caller's shapes; a call substitutes
them into the callee's result types.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    FunctionType,
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
)
from xdsl.dialects.builtin import (
    TensorType as BuiltinTensorType,
)
from xdsl.ir import Attribute, Block, Operation, ParametrizedAttribute, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import (
    CallableOpInterface,
    ConstantLike,
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    Pure,
    ReturnLike,
    SymbolOpInterface,
    SymbolTable,
)
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.graphops.base import check_compatible, fail
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr


class GraphFuncCallable(CallableOpInterface):
    @classmethod
    def get_callable_region(cls, op: Operation) -> Region:
        assert isinstance(op, FuncOp)
        return op.body

    @classmethod
    def get_argument_types(cls, op: Operation) -> tuple[Attribute, ...]:
        assert isinstance(op, FuncOp)
        return op.function_type.inputs.data

    @classmethod
    def get_result_types(cls, op: Operation) -> tuple[Attribute, ...]:
        assert isinstance(op, FuncOp)
        return op.function_type.outputs.data


@irdl_op_definition
class FuncOp(IRDLOperation):
    """A graph function; argument and result names are part of its interface."""

    name = "graph.func"
    body = region_def()
    sym_name = prop_def(SymbolNameConstraint())
    function_type = prop_def(FunctionType)
    arg_names = prop_def(ArrayAttr[StringAttr])
    res_names = prop_def(ArrayAttr[StringAttr])
    sym_visibility = opt_prop_def(StringAttr)

    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface(), GraphFuncCallable())

    def __init__(
        self,
        name: str,
        args: Sequence[tuple[str, Attribute]],
        results: Sequence[tuple[str, Attribute]],
        region: Region | None = None,
        visibility: str | None = None,
    ) -> None:
        ftype = FunctionType.from_lists([t for _, t in args], [t for _, t in results])
        if region is None:
            region = Region(Block(arg_types=ftype.inputs))
        for arg, (arg_name, _) in zip(region.block.args, args, strict=False):
            arg.name_hint = arg_name if _is_ident(arg_name) else None
        super().__init__(
            properties={
                "sym_name": StringAttr(name),
                "function_type": ftype,
                "arg_names": ArrayAttr([StringAttr(n) for n, _ in args]),
                "res_names": ArrayAttr([StringAttr(n) for n, _ in results]),
                "sym_visibility": None if visibility is None else StringAttr(visibility),
            },
            regions=[region],
        )

    @property
    def arg_name_list(self) -> list[str]:
        return [a.data for a in self.arg_names]

    @property
    def res_name_list(self) -> list[str]:
        return [a.data for a in self.res_names]

    def verify_(self) -> None:
        ins, outs = self.function_type.inputs.data, self.function_type.outputs.data
        if len(self.arg_names) != len(ins):
            raise fail(f"@{self.sym_name.data} has {len(ins)} arguments but {len(self.arg_names)} argument names")
        if len(self.res_names) != len(outs):
            raise fail(f"@{self.sym_name.data} has {len(outs)} results but {len(self.res_names)} result names")
        for what, names in (("argument", self.arg_name_list), ("result", self.res_name_list)):
            dup = {n for n in names if names.count(n) > 1}
            if dup:
                raise fail(f"@{self.sym_name.data} has duplicate {what} names: {', '.join(sorted(dup))}")
        if not self.body.blocks:
            return
        if tuple(self.body.block.arg_types) != ins:
            raise fail(f"@{self.sym_name.data}: entry block argument types differ from the function type")

    @classmethod
    def parse(cls, parser: Parser) -> FuncOp:
        visibility = parser.parse_optional_visibility_keyword()
        name = parser.parse_symbol_name().data
        args = parser.parse_comma_separated_list(parser.Delimiter.PAREN, lambda: parser.parse_argument(expect_type=True))
        results: list[tuple[str, Attribute]] = []
        if parser.parse_optional_punctuation("->") is not None:
            results = parser.parse_comma_separated_list(parser.Delimiter.PAREN, lambda: _parse_named_result(parser))
        attrs = parser.parse_optional_attr_dict_with_keyword()
        region = parser.parse_region(args)
        arg_pairs = [(a.name.text[1:], a.type) for a in args]  # type: ignore[union-attr]
        op = FuncOp(name, arg_pairs, results, region, None if visibility is None else visibility.data)
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def print(self, printer: Printer) -> None:
        if self.sym_visibility is not None:
            printer.print_string(f" {self.sym_visibility.data}")
        printer.print_string(" ")
        printer.print_symbol_name(self.sym_name.data)
        block = self.body.block if self.body.blocks else None
        for i, n in enumerate(self.arg_name_list):
            if block is not None and _is_ident(n):
                block.args[i].name_hint = n
        printer.print_string("(")
        if block is not None:
            printer.print_list(block.args, lambda a: _print_block_arg(printer, a))
        printer.print_string(")")
        outs = self.function_type.outputs.data
        if outs:
            printer.print_string(" -> (")
            printer.print_list(
                zip(self.res_name_list, outs, strict=True),
                lambda p: (printer.print_string(f"{p[0]}: "), printer.print_attribute(p[1])),
            )
            printer.print_string(")")
        if self.attributes:
            printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)


def _is_ident(name: str) -> bool:
    return bool(name) and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c in "_$." for c in name)


def _print_block_arg(printer: Printer, arg: SSAValue) -> None:
    printer.print_ssa_value(arg)
    printer.print_string(": ")
    printer.print_attribute(arg.type)


def _parse_named_result(parser: Parser) -> tuple[str, Attribute]:
    name = parser.parse_optional_identifier()
    if name is None:
        name = parser.parse_str_literal("expected a result name")
    parser.parse_punctuation(":")
    return name, parser.parse_type()


@irdl_op_definition
class ReturnOp(IRDLOperation):
    name = "graph.return"
    arguments = var_operand_def()
    traits = traits_def(HasParent(FuncOp), IsTerminator(), ReturnLike(), Pure())
    assembly_format = "attr-dict ($arguments^ `:` type($arguments))?"

    def __init__(self, *values: SSAValue | Operation) -> None:
        super().__init__(operands=[list(values)])

    def verify_(self) -> None:
        func = self.parent_op()
        assert isinstance(func, FuncOp)
        want = func.function_type.outputs.data
        got = self.arguments.types
        if len(want) != len(got):
            raise fail(f"returns {len(got)} values but @{func.sym_name.data} declares {len(want)} results")
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            if isinstance(w, TensorType):
                check_compatible(g, w, f"result #{i} of @{func.sym_name.data}")
            elif g != w:
                raise fail(f"result #{i} has type {g} but @{func.sym_name.data} declares {w}")


def bind_call(callee_args: Sequence[Attribute], actual: Sequence[Attribute], callee: str) -> dict[str, Expr]:
    """Map the callee's symbols to the caller's dims; provable mismatches are errors."""
    env: dict[str, Expr] = {}
    for i, (formal, act) in enumerate(zip(callee_args, actual, strict=True)):
        if not isinstance(formal, TensorType) or not isinstance(act, TensorType):
            if formal != act:
                raise fail(f"argument #{i} of @{callee} has type {act}, expected {formal}")
            continue
        if formal.element_type != act.element_type or formal.rank != act.rank:
            raise fail(f"argument #{i} of @{callee} has type {act}, expected {formal}")
        for f, a in zip(formal.dims, act.dims, strict=True):
            if f.is_symbol():
                name = f.free_symbols().pop()
                env.setdefault(name, a)
    for i, (formal, act) in enumerate(zip(callee_args, actual, strict=True)):
        if not isinstance(formal, TensorType) or not isinstance(act, TensorType):
            continue
        check_compatible(act, formal.with_shape([d.substitute(env) for d in formal.dims]), f"argument #{i} of @{callee}")
    return env


def substitute_type(t: Attribute, env: dict[str, Expr]) -> Attribute:
    if not isinstance(t, TensorType):
        return t
    return t.with_shape([d.substitute(env) for d in t.dims])


@irdl_op_definition
class CallOp(IRDLOperation):
    """Call a graph function (or, later, any callable with a graph signature)."""

    name = "graph.call"
    callee = prop_def(SymbolRefAttr)
    arguments = var_operand_def()
    res = var_result_def()
    assembly_format = "$callee `(` $arguments `)` attr-dict `:` functional-type($arguments, $res)"

    def __init__(self, callee: FuncOp, *args: SSAValue | Operation) -> None:
        values = [a.results[0] if isinstance(a, Operation) else a for a in args]
        env = bind_call(callee.function_type.inputs.data, [v.type for v in values], callee.sym_name.data)
        outs = [substitute_type(t, env) for t in callee.function_type.outputs.data]
        super().__init__(
            operands=[values],
            result_types=[outs],
            properties={"callee": SymbolRefAttr(callee.sym_name)},
        )

    def verify_(self) -> None:
        callee = SymbolTable.lookup_symbol(self, self.callee)
        if callee is None:
            raise fail(f"'{self.callee}' could not be found in the symbol table")
        if not isinstance(callee, FuncOp):
            return  # cross-level callees (call_tir) verify themselves
        ins, outs = callee.function_type.inputs.data, callee.function_type.outputs.data
        if len(ins) != len(self.arguments):
            raise fail(f"@{callee.sym_name.data} takes {len(ins)} arguments, got {len(self.arguments)}")
        if len(outs) != len(self.res):
            raise fail(f"@{callee.sym_name.data} returns {len(outs)} results, got {len(self.res)}")
        env = bind_call(ins, self.arguments.types, callee.sym_name.data)
        for i, (got, want) in enumerate(zip(self.res.types, outs, strict=True)):
            want = substitute_type(want, env)
            if isinstance(want, TensorType):
                check_compatible(got, want, f"result #{i}")
            elif got != want:
                raise fail(f"result #{i} has type {got}, expected {want}")


@irdl_attr_definition
class ExternalAttr(ParametrizedAttribute):
    """A constant stored outside the IR: `#graph.external<"weights.npz", "conv1.w">`."""

    name = "graph.external"
    file: StringAttr
    key: StringAttr

    def __init__(self, file: str, key: str) -> None:
        super().__init__(StringAttr(file), StringAttr(key))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            file = parser.parse_str_literal("expected the file name")
            parser.parse_punctuation(",")
            key = parser.parse_str_literal("expected the array name")
        return (StringAttr(file), StringAttr(key))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string_literal(self.file.data)
            printer.print_string(", ")
            printer.print_string_literal(self.key.data)


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """A constant tensor: inline `dense<...>` (splats stay compact) or external."""

    name = "graph.constant"
    value = prop_def(DenseIntOrFPElementsAttr | ExternalAttr)
    result = result_def(TensorType)
    traits = traits_def(ConstantLike(), Pure())

    def __init__(self, value: DenseIntOrFPElementsAttr | ExternalAttr, result_type: TensorType | None = None) -> None:
        if result_type is None:
            if not isinstance(value, DenseIntOrFPElementsAttr):
                raise ValueError("an external constant needs its result type")
            result_type = TensorType(value.get_shape() or (), value.get_element_type())
        super().__init__(properties={"value": value}, result_types=[result_type])

    def verify_(self) -> None:
        t = self.result.type
        assert isinstance(t, TensorType)
        if t.static_shape() is None:
            raise fail(f"constant must have a static shape, got {t}")
        if not isinstance(self.value, DenseIntOrFPElementsAttr):
            return
        vt = self.value.type
        assert isinstance(vt, BuiltinTensorType)
        if tuple(vt.get_shape()) != t.static_shape() or vt.element_type != t.element_type:
            raise fail(f"value of type {vt} does not match result type {t}")

    def fold(self) -> tuple[Attribute, ...]:
        return (self.value,)

    def print(self, printer: Printer) -> None:
        """As the assembly format, except that float data holding inf/NaN prints as
        the raw hex form `dense<"0x...">`, which parses back bit-exactly (xDSL reads
        a bare `dense<0x7F800000>` as an integer)."""
        printer.print_string(" ")
        if _has_non_finite(self.value):
            assert isinstance(self.value, DenseIntOrFPElementsAttr)
            printer.print_string(f'dense<"0x{self.value.data.data.hex().upper()}"> : ')
            printer.print_attribute(self.value.type)
        else:
            printer.print_attribute(self.value)
        if self.attributes:
            printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.result.type)

    @classmethod
    def parse(cls, parser: Parser) -> ConstantOp:
        value = parser.parse_attribute()
        if not isinstance(value, DenseIntOrFPElementsAttr | ExternalAttr):
            parser.raise_error(f"graph.constant takes dense<...> or #graph.external<...>, got {value}")
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        result_type = parser.parse_type()
        op = ConstantOp(value, result_type)  # type: ignore[arg-type]
        op.attributes |= attrs
        return op


def _has_non_finite(value: Attribute) -> bool:
    import numpy as np

    from tensorforge.dialects.graphops.types import is_float, numpy_dtype

    if not isinstance(value, DenseIntOrFPElementsAttr) or not is_float(value.get_element_type()):
        return False
    data = np.frombuffer(value.data.data, dtype=numpy_dtype(value.get_element_type()))
    return not bool(np.isfinite(data.astype(np.float64)).all())


@irdl_op_definition
class ParamOp(IRDLOperation):
    """A named parameter bound when the module runs (weights given as inputs)."""

    name = "graph.param"
    param_name = prop_def(StringAttr, prop_name="name")
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$name attr-dict `:` type($result)"

    def __init__(self, name: str, result_type: TensorType) -> None:
        super().__init__(properties={"name": StringAttr(name)}, result_types=[result_type])

    def verify_(self) -> None:
        if not self.param_name.data:
            raise VerifyException("parameter name must not be empty")


FUNC_OPS: list[type[Operation]] = [FuncOp, ReturnOp, CallOp, ConstantOp, ParamOp]
FUNC_ATTRS: list[type[Attribute]] = [ExternalAttr]
