"""tensorir ops: primitive functions over buffers, loops, blocks, loads,
stores and allocations. Scalar arithmetic uses xDSL's `arith` and `math`.

    tir.func @add(%A: !tir.buffer<[n], f32>, %B: !tir.buffer<[n], f32>) {
      tir.for i in range(n) parallel {
        tir.block "B" (vi = spatial(n, i)) reads(%A[vi]) writes(%B[vi]) {
          %a = tir.load %A[vi] : f32
          %b = math.exp %a : f32
          tir.store %b, %B[vi]
        }
      }
      tir.return
    }

Index expressions (extents, bindings, indices, regions) are `Expr`s over
names rather than SSA values: schedule primitives rewrite them by
substitution, and the interpreter turns them into numpy index arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, FunctionType, IndexType, StringAttr, SymbolNameConstraint
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    CallableOpInterface,
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    NoTerminator,
    SymbolOpInterface,
)
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.graphops.types import DimAttr, parse_dim
from tensorforge.dialects.symbolic import Expr, ExprLike
from tensorforge.dialects.tirops.syntax import fmt, parse_defined_operand, parse_indices, print_indices
from tensorforge.dialects.tirops.types import BufferType

LOOP_KINDS = ("serial", "parallel", "vectorized", "unrolled", "thread")
THREAD_AXES = ("blockIdx.x", "blockIdx.y", "blockIdx.z", "threadIdx.x", "threadIdx.y", "threadIdx.z", "vthread")
ITER_KINDS = ("spatial", "reduce")


class TirCallable(CallableOpInterface):
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
        return ()


@irdl_op_definition
class FuncOp(IRDLOperation):
    """A primitive function: buffers in, results written into trailing buffers."""

    name = "tir.func"
    body = region_def("single_block")
    sym_name = prop_def(SymbolNameConstraint())
    function_type = prop_def(FunctionType)
    arg_names = prop_def(ArrayAttr[StringAttr])
    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface(), TirCallable())

    def __init__(self, name: str, args: Sequence[tuple[str, BufferType]], region: Region | None = None) -> None:
        ftype = FunctionType.from_lists([t for _, t in args], [])
        if region is None:
            region = Region(Block(arg_types=ftype.inputs))
        for arg, (arg_name, _) in zip(region.block.args, args, strict=True):
            arg.name_hint = arg_name
        super().__init__(
            properties={
                "sym_name": StringAttr(name),
                "function_type": ftype,
                "arg_names": ArrayAttr([StringAttr(n) for n, _ in args]),
            },
            regions=[region],
        )

    @property
    def arg_name_list(self) -> list[str]:
        return [a.data for a in self.arg_names]

    def symbols(self) -> set[str]:
        out: set[str] = set()
        for t in self.function_type.inputs.data:
            if isinstance(t, BufferType):
                for d in t.dims:
                    out |= d.free_symbols()
        return out

    def verify_(self) -> None:
        for i, t in enumerate(self.function_type.inputs.data):
            if not isinstance(t, BufferType):
                raise VerifyException(f"argument #{i} must be a !tir.buffer, got {t}")
        if len(self.arg_names) != len(self.function_type.inputs):
            raise VerifyException("one argument name per argument expected")
        from tensorforge.dialects.tirops.scoping import check_scoping

        check_scoping(self)

    @classmethod
    def parse(cls, parser: Parser) -> FuncOp:
        name = parser.parse_symbol_name().data
        args = parser.parse_comma_separated_list(parser.Delimiter.PAREN, lambda: parser.parse_argument(expect_type=True))
        attrs = parser.parse_optional_attr_dict_with_keyword()
        region = parser.parse_region(args)
        op = FuncOp(name, [(a.name.text[1:], a.type) for a in args], region)  # type: ignore[union-attr,misc]
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_symbol_name(self.sym_name.data)
        block = self.body.block
        for arg, n in zip(block.args, self.arg_name_list, strict=True):
            arg.name_hint = n
        printer.print_string("(")
        printer.print_list(block.args, lambda a: (printer.print_ssa_value(a), printer.print_string(": "), printer.print_attribute(a.type)))
        printer.print_string(")")
        if self.attributes:
            printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)


@irdl_op_definition
class ReturnOp(IRDLOperation):
    name = "tir.return"
    traits = traits_def(IsTerminator(), HasParent(FuncOp))
    assembly_format = "attr-dict"


@irdl_op_definition
class ForOp(IRDLOperation):
    """`for var in range(extent)` with a kind: serial, parallel, vectorized,
    unrolled, or bound to a thread axis; `annotations` carry schedule hints."""

    name = "tir.for"
    var = prop_def(StringAttr)
    extent = prop_def(DimAttr)
    kind = prop_def(StringAttr, default_value=StringAttr("serial"))
    thread = opt_prop_def(StringAttr)
    annotations = opt_prop_def(DictionaryAttr)
    body = region_def("single_block")
    traits = traits_def(NoTerminator())

    def __init__(self, var: str, extent: ExprLike, body: Sequence[Operation] = (), kind: str = "serial", thread: str | None = None) -> None:
        super().__init__(
            properties={
                "var": StringAttr(var),
                "extent": DimAttr.of(extent),
                "kind": StringAttr(kind),
                "thread": None if thread is None else StringAttr(thread),
            },
            regions=[Region(Block(list(body)))],
        )

    @property
    def var_name(self) -> str:
        return self.var.data

    @property
    def extent_expr(self) -> Expr:
        return self.extent.data

    def verify_(self) -> None:
        kind = self.kind.data
        if kind not in LOOP_KINDS:
            raise VerifyException(f"loop '{self.var_name}' has unknown kind '{kind}' (expected one of {', '.join(LOOP_KINDS)})")
        if (kind == "thread") != (self.thread is not None):
            raise VerifyException(f"loop '{self.var_name}': a thread axis goes with kind 'thread' and only with it")
        if self.thread is not None and self.thread.data not in THREAD_AXES:
            raise VerifyException(f"loop '{self.var_name}' bound to unknown thread axis '{self.thread.data}'")
        if self.body.block.args:
            raise VerifyException("tir.for bodies take no block arguments")

    @classmethod
    def parse(cls, parser: Parser) -> ForOp:
        var = parser.parse_identifier()
        parser.parse_keyword("in")
        parser.parse_keyword("range")
        parser.parse_punctuation("(")
        extent = parse_dim(parser)
        parser.parse_punctuation(")")
        kind, thread = "serial", None
        word = parser.parse_optional_keyword_in(("parallel", "vectorized", "unrolled", "thread"))
        if word is not None:
            kind = word
        if word == "thread":
            parser.parse_punctuation("(")
            thread = parser.parse_str_literal("expected a thread axis name")
            parser.parse_punctuation(")")
        annotations = None
        if parser.parse_optional_keyword("annotations") is not None:
            annotations = parser.parse_attribute()
        region = parser.parse_region()
        op = ForOp(var, extent, kind=kind, thread=thread)
        op.body.detach_block(0)
        for block in list(region.blocks):
            op.body.add_block(region.detach_block(block))
        if not op.body.blocks:
            op.body.add_block(Block())
        if annotations is not None:
            op.properties["annotations"] = annotations
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(f" {self.var_name} in range({fmt(self.extent)})")
        if self.kind.data == "thread":
            printer.print_string(f' thread("{self.thread.data if self.thread else ""}")')
        elif self.kind.data != "serial":
            printer.print_string(f" {self.kind.data}")
        if self.annotations is not None:
            printer.print_string(" annotations ")
            printer.print_attribute(self.annotations)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)


@irdl_op_definition
class BlockOp(IRDLOperation):
    """A TensorIR block: named iteration variables with domains and kinds,
    bound to expressions of the enclosing loop variables; an optional
    predicate (`where a < b, ...`); the buffer regions it reads and writes;
    an optional `init` region run when every reduce variable is 0."""

    name = "tir.block"
    block_name = prop_def(StringAttr)
    iter_names = prop_def(ArrayAttr[StringAttr])
    iter_kinds = prop_def(ArrayAttr[StringAttr])
    iter_doms = prop_def(ArrayAttr[DimAttr])
    iter_bindings = prop_def(ArrayAttr[DimAttr])
    predicates = prop_def(ArrayAttr[DimAttr], default_value=ArrayAttr([]))
    read_regions = prop_def(ArrayAttr[ArrayAttr[DimAttr]])
    write_regions = prop_def(ArrayAttr[ArrayAttr[DimAttr]])
    annotations = opt_prop_def(DictionaryAttr)
    reads = var_operand_def(BufferType)
    writes = var_operand_def(BufferType)
    init = region_def()
    body = region_def("single_block")
    traits = traits_def(NoTerminator())
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    @property
    def name_str(self) -> str:
        return self.block_name.data

    @property
    def iters(self) -> list[tuple[str, str, Expr, Expr]]:
        """(name, kind, domain extent, binding) per iteration variable."""
        return [
            (n.data, k.data, d.data, b.data)
            for n, k, d, b in zip(self.iter_names, self.iter_kinds, self.iter_doms, self.iter_bindings, strict=True)
        ]

    @property
    def predicate_pairs(self) -> list[tuple[Expr, Expr]]:
        p = [d.data for d in self.predicates]
        return list(zip(p[0::2], p[1::2], strict=True))

    @staticmethod
    def regions_of(attr: ArrayAttr[ArrayAttr[DimAttr]]) -> list[list[tuple[Expr, Expr]]]:
        out = []
        for r in attr:
            flat = [d.data for d in r]
            out.append(list(zip(flat[0::2], flat[1::2], strict=True)))
        return out

    def verify_(self) -> None:
        n = len(self.iter_names)
        if not (len(self.iter_kinds) == len(self.iter_doms) == len(self.iter_bindings) == n):
            raise VerifyException(f"block '{self.name_str}': iteration variable lists differ in length")
        for (name, kind, _, _) in self.iters:
            if kind not in ITER_KINDS:
                raise VerifyException(f"block '{self.name_str}': iteration variable '{name}' has unknown kind '{kind}'")
        if len(self.predicates) % 2:
            raise VerifyException(f"block '{self.name_str}': predicates come in pairs")
        if len(self.read_regions) != len(self.reads) or len(self.write_regions) != len(self.writes):
            raise VerifyException(f"block '{self.name_str}': one region per read/written buffer expected")
        for what, bufs, regions in (("read", self.reads, self.read_regions), ("write", self.writes, self.write_regions)):
            for buf, reg in zip(bufs, regions, strict=True):
                assert isinstance(buf.type, BufferType)
                if len(reg) != 2 * buf.type.rank:
                    raise VerifyException(f"block '{self.name_str}': {what} region of rank {len(reg) // 2} for a rank-{buf.type.rank} buffer")
        if len(self.init.blocks) > 1:
            raise VerifyException(f"block '{self.name_str}': init has more than one block")

    @classmethod
    def parse(cls, parser: Parser) -> BlockOp:
        name = parser.parse_str_literal("expected the block name")
        iters = parser.parse_comma_separated_list(parser.Delimiter.PAREN, lambda: _parse_iter(parser))
        preds: list[DimAttr] = []
        if parser.parse_optional_keyword("where") is not None:
            def pred() -> None:
                lhs = parse_dim(parser)
                parser.parse_punctuation("<")
                preds.extend([DimAttr(lhs), DimAttr(parse_dim(parser))])
            parser.parse_comma_separated_list(parser.Delimiter.PAREN, pred)
        parser.parse_keyword("reads")
        reads = parser.parse_comma_separated_list(parser.Delimiter.PAREN, lambda: _parse_region(parser))
        parser.parse_keyword("writes")
        writes = parser.parse_comma_separated_list(parser.Delimiter.PAREN, lambda: _parse_region(parser))
        annotations = None
        if parser.parse_optional_keyword("annotations") is not None:
            annotations = parser.parse_attribute()
        init = Region()
        if parser.parse_optional_keyword("init") is not None:
            init = parser.parse_region()
        body = parser.parse_region()
        op = BlockOp.make(name, iters, [b for b, _ in reads], [r for _, r in reads], [b for b, _ in writes], [r for _, r in writes], body, init, [(preds[i].data, preds[i + 1].data) for i in range(0, len(preds), 2)])
        if annotations is not None:
            op.properties["annotations"] = annotations
        return op

    @staticmethod
    def make(
        name: str,
        iters: Sequence[tuple[str, str, ExprLike, ExprLike]],
        reads: Sequence[SSAValue],
        read_regions: Sequence[Sequence[tuple[ExprLike, ExprLike]]],
        writes: Sequence[SSAValue],
        write_regions: Sequence[Sequence[tuple[ExprLike, ExprLike]]],
        body: Region | Sequence[Operation],
        init: Region | Sequence[Operation] | None = None,
        predicates: Sequence[tuple[ExprLike, ExprLike]] = (),
    ) -> BlockOp:
        def regions(rs: Sequence[Sequence[tuple[ExprLike, ExprLike]]]) -> ArrayAttr[ArrayAttr[DimAttr]]:
            return ArrayAttr([ArrayAttr([DimAttr.of(x) for pair in r for x in pair]) for r in rs])

        body_region = body if isinstance(body, Region) else Region(Block(list(body)))
        if not body_region.blocks:
            body_region.add_block(Block())
        init_region = init if isinstance(init, Region) else Region() if init is None else Region(Block(list(init)))
        return BlockOp(
            operands=[list(reads), list(writes)],
            properties={
                "block_name": StringAttr(name),
                "iter_names": ArrayAttr([StringAttr(i[0]) for i in iters]),
                "iter_kinds": ArrayAttr([StringAttr(i[1]) for i in iters]),
                "iter_doms": ArrayAttr([DimAttr.of(i[2]) for i in iters]),
                "iter_bindings": ArrayAttr([DimAttr.of(i[3]) for i in iters]),
                "predicates": ArrayAttr([DimAttr.of(x) for p in predicates for x in p]),
                "read_regions": regions(read_regions),
                "write_regions": regions(write_regions),
            },
            regions=[init_region, body_region],
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(f' "{self.name_str}" (')
        printer.print_string(", ".join(f"{n} = {k}({fmt(d)}, {fmt(b)})" for n, k, d, b in self.iters))
        printer.print_string(")")
        if self.predicates.data:
            printer.print_string(" where(" + ", ".join(f"{fmt(a)} < {fmt(b)}" for a, b in self.predicate_pairs) + ")")
        for word, bufs, regs in (("reads", self.reads, self.read_regions), ("writes", self.writes, self.write_regions)):
            printer.print_string(f" {word}(")
            for i, (buf, reg) in enumerate(zip(bufs, self.regions_of(regs), strict=True)):
                if i:
                    printer.print_string(", ")
                printer.print_ssa_value(buf)
                printer.print_string("[" + ", ".join(_fmt_range(s, e) for s, e in reg) + "]")
            printer.print_string(")")
        if self.annotations is not None:
            printer.print_string(" annotations ")
            printer.print_attribute(self.annotations)
        if self.init.blocks:
            printer.print_string(" init ")
            printer.print_region(self.init, print_entry_block_args=False)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)


def _fmt_range(start: Expr, extent: Expr) -> str:
    return fmt(start) if extent == 1 else f"{fmt(start)} : {fmt(extent)}"


def _parse_iter(parser: Parser) -> tuple[str, str, Expr, Expr]:
    name = parser.parse_identifier()
    parser.parse_punctuation("=")
    kind = parser.parse_identifier()
    parser.parse_punctuation("(")
    dom = parse_dim(parser)
    parser.parse_punctuation(",")
    binding = parse_dim(parser)
    parser.parse_punctuation(")")
    return name, kind, dom, binding


def _parse_region(parser: Parser) -> tuple[SSAValue, list[tuple[Expr, Expr]]]:
    buf = parse_defined_operand(parser)

    def one() -> tuple[Expr, Expr]:
        start = parse_dim(parser)
        if parser.parse_optional_punctuation(":") is None:
            return start, Expr.const(1)
        return start, parse_dim(parser)

    return buf, parser.parse_comma_separated_list(parser.Delimiter.SQUARE, one)


@irdl_op_definition
class LoadOp(IRDLOperation):
    """`%v = tir.load %A[i, %idx] : f32`; a vector type loads lanes along the last index."""

    name = "tir.load"
    buffer = operand_def(BufferType)
    dyn_indices = var_operand_def()
    indices = prop_def(ArrayAttr[DimAttr])
    result = result_def()

    def __init__(self, buffer: SSAValue, indices: Sequence[ExprLike], result_type: Attribute | None = None, dyn: Sequence[SSAValue] = ()) -> None:
        t = buffer.type
        assert isinstance(t, BufferType)
        super().__init__(
            operands=[buffer, list(dyn)],
            properties={"indices": ArrayAttr([DimAttr.of(i) for i in indices])},
            result_types=[result_type or t.element_type],
        )

    def verify_(self) -> None:
        t = self.buffer.type
        assert isinstance(t, BufferType)
        if len(self.indices) != t.rank:
            raise VerifyException(f"{len(self.indices)} indices for a rank-{t.rank} buffer")
        _check_element(self.result.type, t, "loaded")

    @classmethod
    def parse(cls, parser: Parser) -> LoadOp:
        buf = parse_defined_operand(parser)
        exprs, dyn = parse_indices(parser)
        parser.parse_punctuation(":")
        rt = parser.parse_type()
        return LoadOp(buf, [e.data for e in exprs], rt, dyn)

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.buffer)
        print_indices(printer, list(self.indices), list(self.dyn_indices))
        printer.print_string(" : ")
        printer.print_attribute(self.result.type)


@irdl_op_definition
class StoreOp(IRDLOperation):
    """`tir.store %v, %A[i, j]`; a vector value stores lanes along the last index."""

    name = "tir.store"
    value = operand_def()
    buffer = operand_def(BufferType)
    dyn_indices = var_operand_def()
    indices = prop_def(ArrayAttr[DimAttr])

    def __init__(self, value: SSAValue, buffer: SSAValue, indices: Sequence[ExprLike], dyn: Sequence[SSAValue] = ()) -> None:
        super().__init__(operands=[value, buffer, list(dyn)], properties={"indices": ArrayAttr([DimAttr.of(i) for i in indices])})

    def verify_(self) -> None:
        t = self.buffer.type
        assert isinstance(t, BufferType)
        if len(self.indices) != t.rank:
            raise VerifyException(f"{len(self.indices)} indices for a rank-{t.rank} buffer")
        _check_element(self.value.type, t, "stored")

    @classmethod
    def parse(cls, parser: Parser) -> StoreOp:
        value = parse_defined_operand(parser)
        parser.parse_punctuation(",")
        buf = parse_defined_operand(parser)
        exprs, dyn = parse_indices(parser)
        return StoreOp(value, buf, [e.data for e in exprs], dyn)

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.value)
        printer.print_string(", ")
        printer.print_ssa_value(self.buffer)
        print_indices(printer, list(self.indices), list(self.dyn_indices))


def _check_element(value_type: Attribute, buf: BufferType, what: str) -> None:
    from xdsl.dialects.builtin import VectorType

    elt = value_type.element_type if isinstance(value_type, VectorType) else value_type
    if elt != buf.element_type:
        raise VerifyException(f"{what} value of type {value_type} does not match buffer element type {buf.element_type}")


@irdl_op_definition
class AllocOp(IRDLOperation):
    """A buffer local to the enclosing region (intermediates, caches)."""

    name = "tir.alloc"
    result = result_def(BufferType)
    assembly_format = "attr-dict `:` type($result)"

    def __init__(self, t: BufferType) -> None:
        super().__init__(result_types=[t])


@irdl_op_definition
class IndexOp(IRDLOperation):
    """`%i = tir.index (vi*2-1)`: an index expression as an SSA `index` value,
    for arithmetic on positions (iota, bounds checks, gathers)."""

    name = "tir.index"
    expr = prop_def(DimAttr)
    result = result_def(IndexType)

    def __init__(self, expr: ExprLike) -> None:
        super().__init__(properties={"expr": DimAttr.of(expr)}, result_types=[IndexType()])

    @classmethod
    def parse(cls, parser: Parser) -> IndexOp:
        parser.parse_punctuation("(")
        e = parse_dim(parser)
        parser.parse_punctuation(")")
        return IndexOp(e)

    def print(self, printer: Printer) -> None:
        printer.print_string(f" ({fmt(self.expr)})")


TIR_OPS: list[type[Operation]] = [FuncOp, ReturnOp, ForOp, BlockOp, LoadOp, StoreOp, AllocOp, IndexOp]
