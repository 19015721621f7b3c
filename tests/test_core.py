"""The core: symbolic dims, the tensor type, parsing with locations, functions,
calls, constants, parameters and the interpreter's run-time checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.builtin import f32

from tensorforge import InputError, InterpError, IRError, interp, parse_module, print_module
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.dialects.symbolic import Expr, SymbolicError, parse_expr


# -- symbolic dims ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("n*4", "n*4"),
        ("n+m", "n+m"),
        ("(n*32) floordiv 32", "n"),
        ("(n*4+8) floordiv 4", "n+2"),
        ("(h-3) floordiv 2+1", "((h-3) floordiv 2)+1"),
        ("max(n, 4)", "max(n, 4)"),
        ("max(n+1, n)", "n+1"),
        ("n mod 1", "0"),
        ("(n*6) mod 3", "0"),
        ("7 ceildiv 2", "4"),
        ("n-n", "0"),
        ("-1", "-1"),
    ],
)
def test_expr_canonical_forms(text: str, printed: str) -> None:
    e = parse_expr(text)
    assert str(e) == printed
    assert parse_expr(str(e)) == e


def test_expr_equality_is_semantic() -> None:
    assert parse_expr("n*4") == parse_expr("4*n")
    assert parse_expr("n+m") == parse_expr("m+n")
    assert hash(parse_expr("n+m")) == hash(parse_expr("m+n"))
    assert parse_expr("n").provably_ne(parse_expr("n+1"))
    assert not parse_expr("n").provably_ne(parse_expr("m"))
    assert parse_expr("(h-3) floordiv 2+1").evaluate({"h": 10}) == 4
    assert parse_expr("h ceildiv 2").substitute({"h": Expr.const(5)}) == 3


@pytest.mark.parametrize("bad", ["n+", "(n", "4 floordiv", "n ? 2", "floordiv 2"])
def test_expr_errors(bad: str) -> None:
    with pytest.raises(SymbolicError):
        parse_expr(bad)


def test_unbound_symbol_is_an_error() -> None:
    with pytest.raises(SymbolicError, match="symbol 'k' is not bound"):
        parse_expr("k+1").evaluate({})


# -- types ---------------------------------------------------------------------------
def test_tensor_type_syntax_and_builtin_conversion() -> None:
    m = parse_module('graph.func @f(%x: !graph.tensor<[n, n*4, 128], bf16>) -> (y: !graph.tensor<[n, n*4, 128], bf16>) {\n  graph.return %x : !graph.tensor<[n, n*4, 128], bf16>\n}')
    t = m.body.block.first_op.body.block.args[0].type
    assert isinstance(t, TensorType)
    assert str(t) == "!graph.tensor<[n, n*4, 128], bf16>"
    b = t.to_builtin()
    assert str(b) == "tensor<?x?x128xbf16>"
    back = TensorType.from_builtin(BuiltinTensorType(f32, [-1, 3]), ["batch"])
    assert str(back) == "!graph.tensor<[batch, 3], f32>"
    assert str(TensorType.from_builtin(BuiltinTensorType(f32, [-1, -1]))) == "!graph.tensor<[d0, d1], f32>"


def test_type_parse_error_has_location() -> None:
    with pytest.raises(IRError) as info:
        parse_module("graph.func @f(%x: !graph.tensor<[n, +], f32>) {\n}", "m.mlir")
    assert info.value.location == "m.mlir:1:37"
    assert "expected a dimension" in info.value.message


def test_unsupported_element_type() -> None:
    with pytest.raises(IRError, match="unsupported element type"):
        parse_module("graph.func @f(%x: !graph.tensor<[2], i7>) {\n  graph.return\n}")


# -- functions, calls ------------------------------------------------------------------
CALLS = """
graph.func @main(%x: !graph.tensor<[n, 4], f32>, %y: !graph.tensor<[m, 4], f32>) -> (a: !graph.tensor<[n, 4], f32>, b: !graph.tensor<[m, 4], f32>) {
  %0 = graph.call @double(%x) : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  %1 = graph.call @double(%y) : (!graph.tensor<[m, 4], f32>) -> !graph.tensor<[m, 4], f32>
  graph.return %0, %1 : !graph.tensor<[n, 4], f32>, !graph.tensor<[m, 4], f32>
}
graph.func private @double(%v: !graph.tensor<[k, 4], f32>) -> (r: !graph.tensor<[k, 4], f32>) {
  %0 = graph.add %v, %v : (!graph.tensor<[k, 4], f32>, !graph.tensor<[k, 4], f32>) -> !graph.tensor<[k, 4], f32>
  graph.return %0 : !graph.tensor<[k, 4], f32>
}
"""


def test_calls_bind_symbols_per_call() -> None:
    m = parse_module(CALLS)
    x = np.ones((2, 4), np.float32)
    y = np.full((5, 4), 3, np.float32)
    a, b = interp.run(m, "main", x, y)
    np.testing.assert_array_equal(a, 2 * x)
    np.testing.assert_array_equal(b, 2 * y)
    assert print_module(parse_module(print_module(m))) == print_module(m)


def test_call_type_mismatch_is_a_verifier_error() -> None:
    bad = CALLS.replace("(!graph.tensor<[m, 4], f32>) -> !graph.tensor<[m, 4], f32>", "(!graph.tensor<[m, 4], f32>) -> !graph.tensor<[m, 5], f32>")
    bad = bad.replace("b: !graph.tensor<[m, 4], f32>", "b: !graph.tensor<[m, 5], f32>").replace("%1 : !graph.tensor<[n, 4], f32>, !graph.tensor<[m, 4], f32>", "%1 : !graph.tensor<[n, 4], f32>, !graph.tensor<[m, 5], f32>")
    with pytest.raises(IRError, match="'graph.call' op result #0 dim 1 is 5, expected 4"):
        parse_module(bad)


def test_duplicate_argument_names() -> None:
    with pytest.raises(IRError, match="duplicate result names: r"):
        parse_module("graph.func @f(%x: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[2], f32>, r: !graph.tensor<[2], f32>) {\n  graph.return %x, %x : !graph.tensor<[2], f32>, !graph.tensor<[2], f32>\n}")


def test_unknown_callee() -> None:
    with pytest.raises(IRError, match="'@nope' could not be found"):
        parse_module("graph.func @f(%x: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[2], f32>) {\n  %0 = graph.call @nope(%x) : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>\n  graph.return %0 : !graph.tensor<[2], f32>\n}")


# -- run-time checks -------------------------------------------------------------------
ADD_NM = """
graph.func @main(%x: !graph.tensor<[n], f32>, %y: !graph.tensor<[m], f32>) -> (r: !graph.tensor<[n], f32>) {
  %0 = graph.add %x, %y : (!graph.tensor<[n], f32>, !graph.tensor<[m], f32>) -> !graph.tensor<[n], f32>
  graph.return %0 : !graph.tensor<[n], f32>
}
"""


def test_unprovable_mismatch_checked_at_run_time() -> None:
    m = parse_module(ADD_NM)  # n vs m cannot be proven different: accepted
    (r,) = interp.run(m, "main", np.ones(3, np.float32), np.ones(3, np.float32))
    assert r.shape == (3,)
    with pytest.raises(InterpError, match="graph.add"):
        interp.run(m, "main", np.ones(3, np.float32), np.ones(4, np.float32))


def test_input_errors_name_the_argument() -> None:
    m = parse_module(CALLS)
    with pytest.raises(InputError, match="takes 2 arguments"):
        interp.run(m, "main", np.ones((2, 4), np.float32))
    with pytest.raises(InputError, match="argument 'y' has dtype float64, expected float32"):
        interp.run(m, "main", np.ones((2, 4), np.float32), np.ones((2, 4)))
    with pytest.raises(InputError, match="argument 'x' dim 1 is 3, expected 4"):
        interp.run(m, "main", np.ones((2, 3), np.float32), np.ones((2, 4), np.float32))
    with pytest.raises(InputError, match="no function @nope"):
        interp.run(m, "nope")


def test_inconsistent_binding() -> None:
    m = parse_module(ADD_NM.replace("[m]", "[n]"))
    with pytest.raises(InputError, match="argument 'y' dim 0 is 4, but 'n' is already bound to 3"):
        interp.run(m, "main", np.ones(3, np.float32), np.ones(4, np.float32))


# -- constants and parameters ------------------------------------------------------------
def test_params_and_external_constants(tmp_path: Path) -> None:
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.savez(tmp_path / "w.npz", w=w)
    m = parse_module("""
graph.func @main(%x: !graph.tensor<[2, 3], f32>) -> (r: !graph.tensor<[2, 3], f32>) {
  %w = graph.constant #graph.external<"w.npz", "w"> : !graph.tensor<[2, 3], f32>
  %p = graph.param "bias" : !graph.tensor<[3], f32>
  %0 = graph.add %x, %w : (!graph.tensor<[2, 3], f32>, !graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  %1 = graph.add %0, %p : (!graph.tensor<[2, 3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %1 : !graph.tensor<[2, 3], f32>
}""")
    x = np.ones((2, 3), np.float32)
    b = np.array([1, 2, 3], np.float32)
    (r,) = interp.run(m, "main", x, params={"bias": b}, base_dir=tmp_path)
    np.testing.assert_array_equal(r, x + w + b)
    with pytest.raises(InputError, match="parameter 'bias' was not given"):
        interp.run(m, "main", x, base_dir=tmp_path)
    with pytest.raises(InterpError, match="cannot load 'w'"):
        interp.run(m, "main", x, params={"bias": b}, base_dir=tmp_path / "elsewhere")


def test_constant_dtypes_roundtrip_exactly() -> None:
    import ml_dtypes

    from tensorforge.dialects.graphops.dense import array_from_dense, dense_from_array
    from tensorforge.dialects.graphops.func import ConstantOp

    for dtype in [np.float16, ml_dtypes.bfloat16, np.float32, np.float64, np.bool_, np.int8, np.int64, np.uint8, np.uint64]:
        arr = (np.random.default_rng(0).standard_normal((3, 2)) * 50).astype(dtype)
        op = ConstantOp(dense_from_array(arr))
        text = print_module(op).split("=", 1)[1]
        back = parse_module("graph.func @f() -> (r: %s) {\n  %%c = %s\n  graph.return %%c : %s\n}" % (op.result.type, text.strip(), op.result.type))
        (r,) = interp.run(back, "f")
        assert r.dtype == arr.dtype
        np.testing.assert_array_equal(r, arr)
        np.testing.assert_array_equal(array_from_dense(op.value), arr)


def test_constant_shape_mismatch() -> None:
    with pytest.raises(IRError, match="does not match result type"):
        parse_module("graph.func @f() -> (r: !graph.tensor<[3], f32>) {\n  %c = graph.constant dense<[1.0, 2.0]> : tensor<2xf32> : !graph.tensor<[3], f32>\n  graph.return %c : !graph.tensor<[3], f32>\n}")


def test_non_finite_constants_roundtrip_through_text() -> None:
    from tensorforge.dialects.graphops.dense import dense_from_array
    from tensorforge.dialects.graphops.func import ConstantOp

    c = ConstantOp(dense_from_array(np.array([1.0, -np.inf, np.nan, np.inf], np.float32)))
    t = c.result.type
    text = print_module(c).split("=", 1)[1].rstrip()
    assert 'dense<"0x' in text
    m = parse_module(f"graph.func @f() -> (r: {t}) {{\n  %c ={text}\n  graph.return %c : {t}\n}}")
    (r,) = interp.run(m, "f")
    np.testing.assert_array_equal(r, [1.0, -np.inf, np.nan, np.inf])


def test_expression_dims_checked_after_all_symbols_bound() -> None:
    m = parse_module("""
graph.func @main(%x: !graph.tensor<[n*2], f32>, %y: !graph.tensor<[n], f32>) -> (r: !graph.tensor<[n], f32>) {
  graph.return %y : !graph.tensor<[n], f32>
}""")
    interp.run(m, "main", np.zeros(6, np.float32), np.zeros(3, np.float32))
    with pytest.raises(InputError, match="argument 'x' dim 0 is 5, expected n\\*2 = 6"):
        interp.run(m, "main", np.zeros(5, np.float32), np.zeros(3, np.float32))
