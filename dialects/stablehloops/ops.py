"""StableHLO ops (a subset of the opset: what JAX emits for common models).

Operands and results are builtin tensors (`tensor<2x3xf32>`). Semantics are
the StableHLO specification's; the numpy implementations are in
interp/stablehlo.py and the conversion to the graph dialect in
frontends/stablehlo/importer.py.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from xdsl.dialects.builtin import (
    ArrayAttr,
    BoolAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    DictionaryAttr,
    IntegerAttr,
    StringAttr,
    TensorType,
    i64,
)
from xdsl.ir import Attribute, Block, Region
from xdsl.irdl import (
    IRDLOperation,
    SameVariadicOperandSize,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_region_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.traits import IsTerminator, Pure
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.stablehloops.attrs import (
    ConvDimensionNumbersAttr,
    DotDimensionNumbersAttr,
    GatherDimensionNumbersAttr,
    ScatterDimensionNumbersAttr,
    parse_conv_layout,
    parse_int_list,
)
from tensorforge.dialects.stablehloops.base import BinaryHloOp, HloOp, UnaryHloOp, _compatible, _ints, _shape  # noqa: F401
from tensorforge.dialects.stablehloops.elementwise import *  # noqa: F403
from tensorforge.dialects.stablehloops.elementwise import BINARY_OPS, ELEMENTWISE_OPS
from tensorforge.dialects.stablehloops.rng import HloRngBitGeneratorOp
from tensorforge.dialects.stablehloops.syntax import (
    KeyParser,
    array_key,
    fix_hex_dense,
    i64_array,
    int_key,
    parse_keys,
    parse_operand_list,
    precision_key,
    resolve,
)


# -- shapes and data movement --------------------------------------------------------------
@irdl_op_definition
class HloConstantOp(HloOp):
    """A literal tensor: `stablehlo.constant dense<1.0> : tensor<f32>`."""

    name = "stablehlo.constant"
    value = prop_def(DenseIntOrFPElementsAttr)
    output = result_def(TensorType)
    traits = traits_def(Pure())

    @classmethod
    def parse(cls, parser: Parser) -> HloOp:
        attrs = parser.parse_optional_attr_dict()
        start = parser._current_token.span.start
        value = parser.parse_attribute()
        if not isinstance(value, DenseIntOrFPElementsAttr):
            parser.raise_error("stablehlo.constant expects a dense<...> : tensor<...> literal")
        value = fix_hex_dense(value, parser.lexer.input.content[start: parser._current_token.span.start])
        return cls.create(result_types=[value.type], properties={"value": value}, attributes=attrs)


@irdl_op_definition
class HloIotaOp(HloOp):
    """Each element is its index along `iota_dimension`."""

    name = "stablehlo.iota"
    iota_dimension = prop_def(IntegerAttr)
    output = result_def(TensorType)
    KEYS: ClassVar[dict[str, KeyParser]] = {"dim": int_key("iota_dimension")}
    traits = traits_def(Pure())

    @classmethod
    def split_types(cls, types: list[Attribute], count: int) -> tuple[list[Attribute], list[Attribute]]:
        return [], types


@irdl_op_definition
class HloBroadcastInDimOp(HloOp):
    """Operand dim i becomes result dim broadcast_dimensions[i] (size equal or 1)."""

    name = "stablehlo.broadcast_in_dim"
    operand = operand_def(TensorType)
    result = result_def(TensorType)
    broadcast_dimensions = prop_def(DenseArrayBase)
    KEYS: ClassVar[dict[str, KeyParser]] = {"dims": array_key("broadcast_dimensions")}
    traits = traits_def(Pure())

    def verify_(self) -> None:
        dims, src, dst = _ints(self.broadcast_dimensions), _shape(self.operand.type), _shape(self.result.type)
        if len(dims) != len(src):
            raise VerifyException(f"broadcast_dimensions {dims} must have one entry per operand dim ({len(src)})")
        for i, d in enumerate(dims):
            if not 0 <= d < len(dst):
                raise VerifyException(f"broadcast dimension {d} is out of range for a rank-{len(dst)} result")
            if src[i] not in (1, dst[d], -1) and dst[d] != -1:
                raise VerifyException(f"operand dim {i} (size {src[i]}) cannot broadcast to result dim {d} (size {dst[d]})")


@irdl_op_definition
class HloTransposeOp(HloOp):
    """result dim i is operand dim permutation[i]."""

    name = "stablehlo.transpose"
    operand = operand_def(TensorType)
    result = result_def(TensorType)
    permutation = prop_def(DenseArrayBase)
    KEYS: ClassVar[dict[str, KeyParser]] = {"dims": array_key("permutation")}
    traits = traits_def(Pure())

    def verify_(self) -> None:
        perm, src, dst = _ints(self.permutation), _shape(self.operand.type), _shape(self.result.type)
        if sorted(perm) != list(range(len(src))):
            raise VerifyException(f"permutation {perm} is not a permutation of 0..{len(src) - 1}")
        if not _compatible([src[p] for p in perm], dst):
            raise VerifyException(f"result shape {dst} should be {[src[p] for p in perm]}")


@irdl_op_definition
class HloReverseOp(HloOp):
    """Reverse the order of elements along `dimensions`."""

    name = "stablehlo.reverse"
    operand = operand_def(TensorType)
    result = result_def(TensorType)
    dimensions = prop_def(DenseArrayBase)
    KEYS: ClassVar[dict[str, KeyParser]] = {"dims": array_key("dimensions")}
    traits = traits_def(Pure())


@irdl_op_definition
class HloConcatenateOp(HloOp):
    """Join the inputs along `dimension`."""

    name = "stablehlo.concatenate"
    inputs = var_operand_def(TensorType)
    result = result_def(TensorType)
    dimension = prop_def(IntegerAttr)
    KEYS: ClassVar[dict[str, KeyParser]] = {"dim": int_key("dimension")}
    traits = traits_def(Pure())

    def verify_(self) -> None:
        rank = len(_shape(self.result.type))
        dim = int(self.dimension.value.data)
        if not 0 <= dim < rank:
            raise VerifyException(f"dimension {dim} is out of range for rank {rank}")


@irdl_op_definition
class HloSliceOp(HloOp):
    """Static strided slice: `stablehlo.slice %x [0:2, 1:5:2]`."""

    name = "stablehlo.slice"
    operand = operand_def(TensorType)
    result = result_def(TensorType)
    start_indices = prop_def(DenseArrayBase)
    limit_indices = prop_def(DenseArrayBase)
    strides = prop_def(DenseArrayBase)
    traits = traits_def(Pure())

    @classmethod
    def parse(cls, parser: Parser) -> HloOp:
        x = parser.parse_unresolved_operand()
        triples = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, lambda: _parse_range(parser))
        props: dict[str, Attribute] = {"start_indices": i64_array([t[0] for t in triples]),
                 "limit_indices": i64_array([t[1] for t in triples]),
                 "strides": i64_array([t[2] for t in triples])}
        return cls.finish(parser, [x], props)


def _parse_range(parser: Parser) -> tuple[int, int, int]:
    start = parser.parse_integer()
    parser.parse_punctuation(":")
    limit = parser.parse_integer()
    step = parser.parse_integer() if parser.parse_optional_punctuation(":") else 1
    return start, limit, step


@irdl_op_definition
class HloDynamicSliceOp(HloOp):
    """Slice of `slice_sizes` at run-time starts (clamped so the slice stays in bounds)."""

    name = "stablehlo.dynamic_slice"
    operand = operand_def(TensorType)
    start_indices = var_operand_def(TensorType)
    result = result_def(TensorType)
    slice_sizes = prop_def(DenseArrayBase)
    KEYS: ClassVar[dict[str, KeyParser]] = {"sizes": array_key("slice_sizes")}
    traits = traits_def(Pure())


@irdl_op_definition
class HloDynamicUpdateSliceOp(HloOp):
    """operand with `update` written at run-time starts (clamped as dynamic_slice)."""

    name = "stablehlo.dynamic_update_slice"
    operand = operand_def(TensorType)
    update = operand_def(TensorType)
    start_indices = var_operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())


@irdl_op_definition
class HloPadOp(HloOp):
    """Edge padding (negative crops) and interior padding with `padding_value`."""

    name = "stablehlo.pad"
    operand = operand_def(TensorType)
    padding_value = operand_def(TensorType)
    result = result_def(TensorType)
    edge_padding_low = prop_def(DenseArrayBase)
    edge_padding_high = prop_def(DenseArrayBase)
    interior_padding = prop_def(DenseArrayBase)
    KEYS: ClassVar[dict[str, KeyParser]] = {"low": array_key("edge_padding_low"), "high": array_key("edge_padding_high"),
            "interior": array_key("interior_padding")}
    traits = traits_def(Pure())

    def verify_(self) -> None:
        low, high, inner = _ints(self.edge_padding_low), _ints(self.edge_padding_high), _ints(self.interior_padding)
        src, dst = _shape(self.operand.type), _shape(self.result.type)
        if not len(low) == len(high) == len(inner) == len(src):
            raise VerifyException(f"low, high and interior padding need one entry per operand dim ({len(src)})")
        if any(i < 0 for i in inner):
            raise VerifyException(f"interior padding {inner} must not be negative")
        want = [lo + hi + n + max(n - 1, 0) * i if n >= 0 else -1 for n, lo, hi, i in zip(src, low, high, inner, strict=True)]
        if not _compatible(want, dst):
            raise VerifyException(f"result shape {dst} should be {want}")


def _dims_pair(lhs: str, rhs: str) -> KeyParser:
    """`[0, 1] x [0, 2]`."""
    def parse(p: Parser) -> dict[str, Attribute]:
        a = parse_int_list(p)
        if p.parse_optional_keyword("x") is None:
            p.raise_error("expected 'x' between the lhs and rhs dims")
        return {lhs: a, rhs: parse_int_list(p)}  # type: ignore[dict-item]

    return parse


@irdl_op_definition
class HloDotGeneralOp(HloOp):
    """Batched contraction: result dims are batch, lhs free, rhs free (in order)."""

    name = "stablehlo.dot_general"
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    dot_dimension_numbers = prop_def(DotDimensionNumbersAttr)
    precision_config = opt_prop_def(ArrayAttr)
    traits = traits_def(Pure())

    @classmethod
    def parse(cls, parser: Parser) -> HloOp:
        operands, comma = parse_operand_list(parser)
        raw = parse_keys(parser, {
            "batching_dims": _dims_pair("lhs_batching_dimensions", "rhs_batching_dimensions"),
            "contracting_dims": _dims_pair("lhs_contracting_dimensions", "rhs_contracting_dimensions"),
            "precision": precision_key,
        }, comma)
        props: dict[str, Attribute] = {}
        if "precision_config" in raw:
            props["precision_config"] = raw.pop("precision_config")
        props["dot_dimension_numbers"] = DotDimensionNumbersAttr.make(**raw)  # type: ignore[arg-type]
        return cls.finish(parser, operands, props)


@irdl_op_definition
class HloDotOp(HloOp):
    """Matrix/vector product of rank-1/2 operands."""

    name = "stablehlo.dot"
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    precision_config = opt_prop_def(ArrayAttr)
    KEYS: ClassVar[dict[str, KeyParser]] = {"precision": precision_key}
    traits = traits_def(Pure())


@irdl_op_definition
class HloConvolutionOp(HloOp):
    """N-d convolution with layouts (`dimension_numbers`), strides, padding, dilations and groups."""

    name = "stablehlo.convolution"
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    dimension_numbers = prop_def(ConvDimensionNumbersAttr)
    window_strides = opt_prop_def(DenseArrayBase)
    padding = opt_prop_def(DenseIntOrFPElementsAttr)
    lhs_dilation = opt_prop_def(DenseArrayBase)
    rhs_dilation = opt_prop_def(DenseArrayBase)
    window_reversal = opt_prop_def(DenseArrayBase)
    feature_group_count = prop_def(IntegerAttr)
    batch_group_count = prop_def(IntegerAttr)
    precision_config = opt_prop_def(ArrayAttr)
    traits = traits_def(Pure())

    @classmethod
    def parse(cls, parser: Parser) -> HloOp:
        operands = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_unresolved_operand)
        parser.parse_keyword("dim_numbers")
        parser.parse_punctuation("=")
        props: dict[str, Attribute] = {"dimension_numbers": parse_conv_layout(parser)}
        if parser.parse_optional_punctuation(","):
            parser.parse_keyword("window")
            parser.parse_punctuation("=")
            props |= _parse_window(parser)
        return cls.finish(parser, operands, props)


def _parse_window(parser: Parser) -> dict[str, Attribute]:
    from xdsl.dialects.builtin import DenseIntOrFPElementsAttr as Dense

    out: dict[str, Attribute] = {}
    parser.parse_punctuation("{")
    while parser.parse_optional_punctuation("}") is None:
        if out:
            parser.parse_punctuation(",")
        key = parser.parse_identifier()
        parser.parse_punctuation("=")
        if key == "pad":
            rows = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, lambda: parse_int_list(parser))
            out["padding"] = Dense.from_list(TensorType(i64, [len(rows), 2]), [v for r in rows for v in r])
        elif key == "reverse":
            words = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, parser.parse_identifier)
            out["window_reversal"] = DenseArrayBase.from_list(i64, [int(w == "true") for w in words])
        else:
            names = {"stride": "window_strides", "lhs_dilate": "lhs_dilation", "rhs_dilate": "rhs_dilation"}
            if key not in names:
                parser.raise_error(f"unknown window field '{key}'")
            out[names[key]] = i64_array(parse_int_list(parser))
    return out


@irdl_op_definition
class HloGatherOp(HloOp):
    """XLA gather (generic form only, as JAX prints it)."""

    name = "stablehlo.gather"
    operand = operand_def(TensorType)
    start_indices = operand_def(TensorType)
    result = result_def(TensorType)
    dimension_numbers = prop_def(GatherDimensionNumbersAttr)
    slice_sizes = prop_def(DenseArrayBase)
    indices_are_sorted = opt_prop_def(BoolAttr)
    traits = traits_def(Pure())


@irdl_op_definition
class HloScatterOp(HloOp):
    """XLA scatter with an update computation (generic form only)."""

    name = "stablehlo.scatter"
    inputs = var_operand_def(TensorType)
    scatter_indices = operand_def(TensorType)
    updates = var_operand_def(TensorType)
    outs = var_result_def(TensorType)
    scatter_dimension_numbers = prop_def(ScatterDimensionNumbersAttr)
    indices_are_sorted = opt_prop_def(BoolAttr)
    unique_indices = opt_prop_def(BoolAttr)
    update_computation = region_def()
    irdl_options = (SameVariadicOperandSize(),)


# -- regions: reductions, control flow, sort -------------------------------------------------
@irdl_op_definition
class HloReturnOp(HloOp):
    """Terminator of stablehlo regions."""

    name = "stablehlo.return"
    args = var_operand_def(TensorType)
    traits = traits_def(IsTerminator())

    @classmethod
    def split_types(cls, types: list[Attribute], count: int) -> tuple[list[Attribute], list[Attribute]]:
        return types, []


def _scalar(t: Attribute) -> TensorType:
    assert isinstance(t, TensorType)
    return TensorType(t.element_type, [])


def _reducer_region(op_name: str, elems: list[Attribute]) -> Region:
    """The body of `applies stablehlo.add`: one op on (acc..., x...)."""
    block = Block(arg_types=[*elems, *elems])
    cls = BINARY_OPS[op_name.removeprefix("stablehlo.")]
    n = len(elems)
    results = []
    for i in range(n):
        body_op = cls.create(operands=[block.args[i], block.args[n + i]], result_types=[elems[i]])
        block.add_op(body_op)
        results.append(body_op.results[0])
    block.add_op(HloReturnOp.create(operands=results))
    return Region(block)


@irdl_op_definition
class HloReduceOp(HloOp):
    """Reduce `inputs` over `dimensions` with `body`, starting from `init_values`."""

    name = "stablehlo.reduce"
    inputs = var_operand_def(TensorType)
    init_values = var_operand_def(TensorType)
    outs = var_result_def(TensorType)
    dimensions = prop_def(DenseArrayBase)
    body = region_def()
    irdl_options = (SameVariadicOperandSize(),)

    def verify_(self) -> None:
        rank = len(_shape(self.inputs[0].type))
        dims = _ints(self.dimensions)
        if len(set(dims)) != len(dims) or any(not 0 <= d < rank for d in dims):
            raise VerifyException(f"dimensions {dims} must be distinct dims of a rank-{rank} input")
        if len(self.body.block.args) != 2 * len(self.inputs):
            raise VerifyException(f"the body takes {len(self.body.block.args)} arguments, expected {2 * len(self.inputs)}")

    @classmethod
    def parse(cls, parser: Parser) -> HloOp:
        pairs = []
        while True:
            parser.parse_punctuation("(")
            x = parser.parse_unresolved_operand()
            parser.parse_keyword("init")
            parser.parse_punctuation(":")
            pairs.append((x, parser.parse_unresolved_operand()))
            parser.parse_punctuation(")")
            if parser.parse_optional_punctuation(",") is None:
                break
        applies = None
        if parser.parse_optional_keyword("applies"):
            applies = parser.parse_identifier()
        parser.parse_keyword("across")
        parser.parse_keyword("dimensions")
        parser.parse_punctuation("=")
        dims = i64_array(parse_int_list(parser))
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        ft = parser.parse_function_type()
        operands = [p[0] for p in pairs] + [p[1] for p in pairs]
        in_types: list[Attribute] = list(ft.inputs.data)
        values = resolve(parser, operands, in_types)
        if applies is not None:
            region = _reducer_region(applies, [_scalar(t) for t in ft.inputs.data[: len(pairs)]])
        else:
            region = _parse_reducer(parser)
        return cls.create(operands=values, result_types=list(ft.outputs.data), properties={"dimensions": dims},
                          attributes=attrs, regions=[region])


def _parse_reducer(parser: Parser) -> Region:
    """`reducer(%a: T, %b: T) (%c: T, %d: T) { ... }`: pairs (acc_i, x_i)."""
    parser.parse_keyword("reducer")
    pairs = []
    while parser._current_token.text == "(":
        pairs.append(parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_argument))
    accs = [p[0] for p in pairs]
    xs = [p[1] for p in pairs]
    return parser.parse_region([*accs, *xs])


def _dense_ints(attr: DenseIntOrFPElementsAttr) -> list[int]:
    """The elements as ints; the attribute is untyped, but stablehlo paddings are i64 (int() rejects complex)."""
    return [int(x) for x in cast("tuple[int | float, ...]", attr.get_values())]


@irdl_op_definition
class HloReduceWindowOp(HloOp):
    """Reduce each window of `window_dimensions` (generic form only)."""

    name = "stablehlo.reduce_window"
    inputs = var_operand_def(TensorType)
    init_values = var_operand_def(TensorType)
    outs = var_result_def(TensorType)
    window_dimensions = prop_def(DenseArrayBase)
    window_strides = opt_prop_def(DenseArrayBase)
    base_dilations = opt_prop_def(DenseArrayBase)
    window_dilations = opt_prop_def(DenseArrayBase)
    padding = opt_prop_def(DenseIntOrFPElementsAttr)
    body = region_def()
    irdl_options = (SameVariadicOperandSize(),)

    def verify_(self) -> None:
        src, dst = _shape(self.inputs[0].type), _shape(self.outs[0].type)
        win = _ints(self.window_dimensions)
        fields = {"window_strides": self.window_strides, "base_dilations": self.base_dilations,
                  "window_dilations": self.window_dilations}
        vals = {k: _ints(v) if v is not None else [1] * len(src) for k, v in fields.items()}
        for k, v in [("window_dimensions", win), *vals.items()]:
            if len(v) != len(src) or any(x < 1 for x in v):
                raise VerifyException(f"{k} {v} must have one positive entry per input dim ({len(src)})")
        flat = _dense_ints(self.padding) if self.padding is not None else [0]
        pads = flat * (2 * len(src)) if len(flat) == 1 else flat
        want = []
        for i, n in enumerate(src):
            span = (n - 1) * vals["base_dilations"][i] + 1 + pads[2 * i] + pads[2 * i + 1] if n > 0 else 0
            wspan = (win[i] - 1) * vals["window_dilations"][i] + 1
            want.append(-1 if n < 0 else max((span - wspan) // vals["window_strides"][i] + 1, 0))
        if not _compatible(want, dst):
            raise VerifyException(f"result shape {dst} should be {want}")


@irdl_op_definition
class HloWhileOp(HloOp):
    """`while(%iterArg = %init, ...) : types cond {...} do {...}`."""

    name = "stablehlo.while"
    operand = var_operand_def(TensorType)
    outs = var_result_def(TensorType)
    cond = region_def()
    body = region_def()

    @classmethod
    def parse(cls, parser: Parser) -> HloOp:
        pairs = parser.parse_comma_separated_list(parser.Delimiter.PAREN, lambda: _parse_iter_arg(parser))
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        types: list[Attribute] = list(parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type))
        args = [parser.Argument(name.span, t) for (name, _), t in zip(pairs, types, strict=True)]
        parser.parse_keyword("cond")
        cond = parser.parse_region(args)
        parser.parse_keyword("do")
        args = [parser.Argument(name.span, t) for (name, _), t in zip(pairs, types, strict=True)]
        body = parser.parse_region(args)
        values = resolve(parser, [p[1] for p in pairs], types)
        return cls.create(operands=values, result_types=types, attributes=attrs, regions=[cond, body])


def _parse_iter_arg(parser: Parser) -> tuple[Any, Any]:
    name = parser.parse_unresolved_operand()
    parser.parse_punctuation("=")
    return name, parser.parse_unresolved_operand()


@irdl_op_definition
class HloCaseOp(HloOp):
    """Run branch `index` (out of range: the last branch) (generic form)."""

    name = "stablehlo.case"
    index = operand_def(TensorType)
    outs = var_result_def(TensorType)
    branches = var_region_def()


@irdl_op_definition
class HloIfOp(HloOp):
    """Run true_branch or false_branch on a scalar i1 (generic form)."""

    name = "stablehlo.if"
    pred = operand_def(TensorType)
    outs = var_result_def(TensorType)
    true_branch = region_def()
    false_branch = region_def()


@irdl_op_definition
class HloSortOp(HloOp):
    """Sort `inputs` together along `dimension` with `comparator` (generic form)."""

    name = "stablehlo.sort"
    inputs = var_operand_def(TensorType)
    outs = var_result_def(TensorType)
    dimension = prop_def(IntegerAttr)
    is_stable = opt_prop_def(BoolAttr)
    comparator = region_def()


@irdl_op_definition
class HloOptimizationBarrierOp(HloOp):
    """Identity on its operands."""

    name = "stablehlo.optimization_barrier"
    operand = var_operand_def(TensorType)
    outs = var_result_def(TensorType)

    @classmethod
    def split_types(cls, types: list[Attribute], count: int) -> tuple[list[Attribute], list[Attribute]]:
        return types, types


KNOWN_CUSTOM_CALLS = ("Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape", "mhlo.erf", "mhlo.tan")
"""Targets we can run: sharding annotations (identity) and a few math functions."""


@irdl_op_definition
class HloCustomCallOp(HloOp):
    """A call to a named target; only `KNOWN_CUSTOM_CALLS` verify."""

    name = "stablehlo.custom_call"
    inputs = var_operand_def(TensorType)
    outs = var_result_def(TensorType)
    call_target_name = prop_def(StringAttr)
    has_side_effect = opt_prop_def(BoolAttr)
    backend_config = opt_prop_def(Attribute)
    api_version = opt_prop_def(IntegerAttr)
    called_computations = opt_prop_def(ArrayAttr)
    mhlo_attributes = opt_prop_def(DictionaryAttr)

    @classmethod
    def parse(cls, parser: Parser) -> HloOp:
        target = parser.parse_symbol_name()
        operands = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_unresolved_operand)
        return cls.finish(parser, operands, {"call_target_name": target})

    def verify_(self) -> None:
        target = self.call_target_name.data
        if target not in KNOWN_CUSTOM_CALLS:
            raise VerifyException(
                f"unsupported custom_call target '{target}' (known targets: {', '.join(KNOWN_CUSTOM_CALLS)})"
            )


HLO_OTHER_OPS: list[type[IRDLOperation]] = [
    HloConstantOp, HloIotaOp, HloBroadcastInDimOp, HloTransposeOp, HloReverseOp,
    HloConcatenateOp, HloSliceOp, HloDynamicSliceOp, HloDynamicUpdateSliceOp, HloPadOp, HloDotGeneralOp, HloDotOp,
    HloConvolutionOp, HloGatherOp, HloScatterOp, HloReturnOp, HloReduceOp, HloReduceWindowOp, HloWhileOp, HloCaseOp,
    HloIfOp, HloSortOp, HloOptimizationBarrierOp, HloCustomCallOp, HloRngBitGeneratorOp,
]
STABLEHLO_OPS: list[type[IRDLOperation]] = [*ELEMENTWISE_OPS, *HLO_OTHER_OPS]

