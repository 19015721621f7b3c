"""graph-mixed-precision: a transformer-ish block within the documented error
bounds (interpreter and compiled code), the policy and its options, constant
folding, the f32 accumulation of low-precision attention in the loop lowering,
and a property test over random graph programs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from xdsl.dialects.builtin import Float32Type, ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue

import tensorforge
from tensorforge import interp, pipelines
from tensorforge.dialects import graph as g
from tensorforge.dialects.graphops.dense import dense_from_array
from tensorforge.dialects.graphops.func import ConstantOp, ExternalAttr
from tensorforge.dialects.graphops.types import TensorType
from tensorforge.interp.fold import evaluate
from tensorforge.ir import parse_module, print_module
from tests.helpers import build_func, tensor
from tests.strategies import CATALOG, SYMBOLS, Program, graph_programs, matmul

BOUND = {"f16": 1e-2, "bf16": 5e-2}
"""max |mixed - f32| / scale, as stated in the pass docstring."""

S, D, F = 8, 16, 32


def _rel_err(got: np.ndarray, want: np.ndarray) -> float:
    return float(np.abs(got.astype(np.float64) - want).max() / np.abs(want).max())


def _mixed(module: ModuleOp, options: str = "") -> ModuleOp:
    out = parse_module(print_module(module))
    pipelines.run(out, f"graph-mixed-precision{options}")
    return out


def _const(arr: np.ndarray) -> ConstantOp:
    return ConstantOp(dense_from_array(arr))


def transformer_block(seed: int = 0) -> ModuleOp:
    """Pre-norm block: layer_norm, q/k/v dense, one head through graph.attention and
    one through matmul-softmax-matmul, output dense, residual, gelu MLP, residual."""
    rng = np.random.default_rng(seed)

    def w(*shape: int) -> ConstantOp:
        return _const((rng.standard_normal(shape) / np.sqrt(shape[-1])).astype(np.float32))

    def vec(n: int, base: float = 0.0) -> ConstantOp:
        return _const((base + 0.1 * rng.standard_normal(n)).astype(np.float32))

    def body(x: SSAValue) -> list[SSAValue]:
        h = g.LayerNormOp(x, vec(D, 1.0), vec(D), axis=-1)
        q, k, v = (g.DenseOp(h, w(D, D), vec(D)) for _ in range(3))
        a1 = g.AttentionOp(q, k, v)
        scores = g.MulOp(g.MatmulOp(q, g.TransposeOp(k, perm=[0, 2, 1])), _const(np.array(D**-0.5, np.float32)))
        a2 = g.MatmulOp(g.SoftmaxOp(scores, axis=-1), v)
        x1 = g.AddOp(x, g.DenseOp(g.ConcatOp([a1, a2], axis=2), w(D, 2 * D), vec(D)))
        h2 = g.LayerNormOp(x1, vec(D, 1.0), vec(D), axis=-1)
        mlp = g.DenseOp(g.GeluOp(g.DenseOp(h2, w(F, D), vec(F))), w(D, F), vec(D))
        return [g.AddOp(x1, mlp).result]

    return build_func([tensor(["n", S, D], np.float32)], body)


def _block_input() -> np.ndarray:
    return np.random.default_rng(5).standard_normal((3, S, D)).astype(np.float32)


def _result_elt(module: ModuleOp, name: str) -> set[str]:
    return {str(op.results[0].type.element_type) for op in module.walk() if op.name == name}


# -- the transformer block ----------------------------------------------------------
@pytest.mark.parametrize("dtype", ["f16", "bf16"])
def test_transformer_block_within_bound(dtype: str) -> None:
    module, x = transformer_block(), _block_input()
    (want,) = interp.run(module, "main", x)
    mixed = _mixed(module, f"{{dtype={dtype}}}")
    func, orig = mixed.body.block.first_op, module.body.block.first_op
    assert func.function_type == orig.function_type  # arguments and results keep f32
    for name in ("graph.dense", "graph.attention", "graph.matmul", "graph.gelu", "graph.concat"):
        assert _result_elt(mixed, name) == {dtype}, name
    for name in ("graph.layer_norm", "graph.softmax", "graph.add"):
        assert _result_elt(mixed, name) == {"f32"}, name
    assert not any(isinstance(op, g.CastOp) and isinstance(op.input.owner, ConstantOp) for op in mixed.walk())
    (got,) = interp.run(mixed, "main", x)
    assert got.dtype == np.float32
    assert 0 < _rel_err(got, want) <= BOUND[dtype]


def test_transformer_block_compiled_f16() -> None:
    """The f16 program compiled to CPU code gives the interpreter's f16 results."""
    module, x = transformer_block(), _block_input()
    (want,) = interp.run(module, "main", x)
    mixed = _mixed(module)
    (ref,) = interp.run(mixed, "main", x)
    (got,) = tensorforge.compile(mixed)(x)
    assert got.dtype == np.float32 and got.shape == want.shape
    assert _rel_err(got, ref) <= 1e-3
    assert _rel_err(got, want) <= BOUND["f16"]


def test_conv_net_within_bound() -> None:
    """conv (low) -> relu (follows: low) -> batch_norm (f32) -> max_pool (follows: f32)
    -> conv_transpose (low) -> reduce_mean (f32)."""
    rng = np.random.default_rng(1)
    c = 4

    def w(*shape: int) -> ConstantOp:
        return _const((rng.standard_normal(shape) / np.sqrt(np.prod(shape[1:]))).astype(np.float32))

    def stats() -> list[ConstantOp]:
        return [_const(rng.uniform(0.5, 1.5, c).astype(np.float32)) for _ in range(4)]

    def body(x: SSAValue) -> list[SSAValue]:
        y = g.BatchNormOp(g.ReluOp(g.ConvOp(x, w(c, 3, 3, 3), pads=[1, 1, 1, 1])), *stats())
        y = g.MaxPoolOp(y, kernel=[2, 2], strides=[2, 2])
        y = g.ConvTransposeOp(y, w(c, 2, 2, 2), strides=[2, 2])
        return [g.ReduceMeanOp(y, axes=[1], keepdims=True).result]

    module = build_func([tensor(["n", 3, 8, 8], np.float32)], body)
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    (want,) = interp.run(module, "main", x)
    for dtype in ("f16", "bf16"):
        mixed = _mixed(module, f"{{dtype={dtype}}}")
        for name in ("graph.conv", "graph.relu", "graph.conv_transpose"):
            assert _result_elt(mixed, name) == {dtype}, name
        for name in ("graph.batch_norm", "graph.max_pool", "graph.reduce_mean"):
            assert _result_elt(mixed, name) == {"f32"}, name
        (got,) = interp.run(mixed, "main", x)
        assert _rel_err(got, want) <= BOUND[dtype]


def test_attention_lowering_accumulates_in_f32() -> None:
    """probabilities @ v over 4096 keys: an f16 sum would stop growing at 14.65."""
    t = 4096
    q, k = np.zeros((1, 1, 4), np.float16), np.zeros((1, t, 4), np.float16)
    v = np.ones((1, t, 1), np.float16)
    v[0, 0, 0] = 60000.0
    module = build_func([tensor(a.shape, np.float16) for a in (q, k, v)], lambda *a: g.AttentionOp(*a))
    (want,) = interp.run(module, "main", q, k, v)
    pipelines.run(module, "graph-lower-to-tensorir")
    (got,) = interp.run(module, "main", q, k, v)
    assert float(want[0, 0, 0]) == pytest.approx(15.65, abs=0.01)
    assert got[0, 0, 0] == want[0, 0, 0]


# -- options and policy --------------------------------------------------------------
def _chain() -> ModuleOp:
    """x @ w (constant) -> softmax -> @ x."""
    w = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)

    def body(x: SSAValue) -> list[SSAValue]:
        s = g.SoftmaxOp(g.MatmulOp(x, _const(w)), axis=-1)
        return [g.MatmulOp(s, x).result]

    return build_func([tensor([3, 4], np.float32)], body)


@pytest.mark.parametrize(("options", "message"), [
    ("{dtype=f8}", "dtype must be f16 or bf16, got 'f8'"),
    ('{keep-f32="graph.matmull"}', "keep-f32: unknown graph op(s) graph.matmull"),
    ('{low="graph.softmax,nosuch"}', "low: unknown graph op(s) graph.nosuch"),
    ("{low=softmax follow=softmax}", "graph.softmax named in more than one of low, follow, keep-f32"),
    ("{min-size=-1}", "min-size must be >= 0"),
])  # fmt: skip
def test_bad_options(options: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _mixed(_chain(), options)


def test_policy_tables_name_graph_ops() -> None:
    from tensorforge.transforms.mixed_precision import FOLLOW_OPS, KEEP_OPS, LOW_OPS, graph_op_names

    assert not (LOW_OPS & FOLLOW_OPS) and not (LOW_OPS & KEEP_OPS) and not (FOLLOW_OPS & KEEP_OPS)
    assert graph_op_names() >= LOW_OPS | FOLLOW_OPS | KEEP_OPS


def test_overrides_and_min_size() -> None:
    default = _mixed(_chain())
    assert _result_elt(default, "graph.matmul") == {"f16"} and _result_elt(default, "graph.softmax") == {"f32"}
    flipped = _mixed(_chain(), '{keep-f32="graph.matmul" low="softmax"}')
    assert _result_elt(flipped, "graph.matmul") == {"f32"} and _result_elt(flipped, "graph.softmax") == {"f16"}
    small = _mixed(_chain(), "{min-size=10}")  # results [3, 3] (9 elements) and [3, 4] (12)
    assert [str(op.result.type.element_type) for op in small.walk() if isinstance(op, g.MatmulOp)] == ["f32", "f16"]
    follow = _mixed(_chain(), '{follow="graph.softmax"}')  # follows its f16 input
    assert _result_elt(follow, "graph.softmax") == {"f16"}


@pytest.mark.parametrize("dtype", ["f16", "bf16"])
def test_weights_are_converted_at_compile_time(dtype: str) -> None:
    from tensorforge.dialects.graphops.dense import array_from_dense
    from tensorforge.interp.elementwise import cast_array

    mixed = _mixed(_chain(), f"{{dtype={dtype}}}")
    consts = [op for op in mixed.walk() if isinstance(op, ConstantOp)]
    assert len(consts) == 1 and str(consts[0].result.type.element_type) == dtype
    w = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)
    t = consts[0].result.type
    np.testing.assert_array_equal(array_from_dense(consts[0].value, t), cast_array(w, t.dtype))


def test_external_constant_gets_a_cast() -> None:
    t = tensor([4, 3], np.float32)
    module = build_func([tensor([3, 4], np.float32)],
                        lambda x: g.MatmulOp(x, ConstantOp(ExternalAttr("w.npz", "w"), t)))
    casts = [op for op in _mixed(module).walk() if isinstance(op, g.CastOp)]
    assert any(isinstance(c.input.owner, ConstantOp) for c in casts)


# -- property test -------------------------------------------------------------------
_STEPS = {"graph.floor", "graph.ceil", "graph.round", "graph.sign", "graph.eq", "graph.ne", "graph.lt",
          "graph.le", "graph.gt", "graph.ge", "graph.cast"}
"""Ops whose result can jump when their input is rounded."""


def _reference(prog: Program) -> list[tuple[np.ndarray, float]] | None:
    """f32 values of the outputs with their scale: the largest magnitude among the
    output's ancestors (|a| @ |b| for a matmul), which bounds the rounding error a
    low op contributes. None when a step op (or one with an integer or i1 result)
    reads a value computed by a matmul: rounding can move it by a whole step."""
    block = prog.module.body.block.first_op.body.block
    vals: dict[SSAValue, np.ndarray] = dict(zip(block.args, prog.inputs, strict=True))
    scale = {a: float(np.abs(x).max(initial=0)) for a, x in vals.items()}
    low: set[SSAValue] = set()
    for op in block.ops:
        if isinstance(op, g.ReturnOp):
            return [(vals[v], scale[v]) for v in op.operands]
        args = [vals[v] for v in op.operands]
        out = evaluate(op, args)
        tainted = isinstance(op, g.MatmulOp) or any(v in low for v in op.operands)
        if out is None or (tainted and (op.name in _STEPS or any(o.dtype.kind != "f" for o in out))):
            return None
        mag = max([scale[v] for v in op.operands] + [_magnitude(op, args, o) for o in out])
        for r, o in zip(op.results, out, strict=True):
            vals[r], scale[r] = o, mag
        low.update(op.results if tainted else ())
    return None


def _magnitude(op: Operation, args: list[np.ndarray], out: np.ndarray) -> float:
    if out.dtype.kind != "f":
        return 0.0
    if isinstance(op, g.MatmulOp):
        out = np.matmul(np.abs(args[0]).astype(np.float64), np.abs(args[1]))
    return float(np.abs(out).max(initial=0))


def _has_low_op(prog: Program) -> bool:
    """A matmul on f32 values (the only default low op graph_programs draws)."""
    return any(isinstance(op, g.MatmulOp) and op.lhs.type.element_type == Float32Type() for op in prog.module.walk())


@given(graph_programs())
def test_programs_without_low_ops_are_unchanged(prog: Program) -> None:
    assume(not _has_low_op(prog))
    text = print_module(prog.module)
    assert print_module(_mixed(prog.module)) == text


@st.composite
def low_programs(draw: st.DrawFn, max_ops: int = 6) -> Program:
    """graph_programs' op builders on f32 arguments, after a first matmul (so there
    is a low op); inputs uniform in [-1, 1] so that f32 values stay moderate."""
    rank = draw(st.integers(2, 3))
    base = [draw(st.sampled_from([*SYMBOLS, 1, 2, 3])) for _ in range(rank)]
    types = [TensorType(base[draw(st.integers(0, rank - 2)):], Float32Type()) for _ in range(draw(st.integers(1, 3)))]
    block = Block(arg_types=types)
    values: list[SSAValue] = list(block.args)
    names: list[str] = []
    for i in range(draw(st.integers(1, max_ops))):
        built = (matmul if i == 0 else draw(st.sampled_from(CATALOG)))(draw, values)
        for op in [] if built is None else built if isinstance(built, list) else [built]:
            block.add_op(op)
            values.extend(op.results)
            names.append(op.name)
    outs = values[len(types):][-2:]
    block.add_op(g.ReturnOp(*outs))
    func = g.FuncOp("main", [(f"x{i}", t) for i, t in enumerate(types)],
                    [(f"y{i}", v.type) for i, v in enumerate(outs)], Region(block))
    binding = {sym: draw(st.integers(1, 4)) for sym in SYMBOLS}
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    inputs = [rng.uniform(-1, 1, [d.evaluate(binding) for d in t.dims]).astype(np.float32) for t in types]
    return Program(ModuleOp([func]), inputs, binding, names)


@given(low_programs())
def test_random_programs_within_bound(prog: Program) -> None:
    """The IR verifies, the signature is kept, and every float output is within
    BOUND * its scale (see `_reference`) of the f32 program's; others are equal."""
    want = _reference(prog)
    assume(want is not None and all(np.isfinite(w).all() and s < 1e3 for w, s in want))
    func = prog.module.body.block.first_op
    for dtype in ("f16", "bf16"):
        mixed = _mixed(prog.module, f"{{dtype={dtype}}}")  # pipelines.run verifies the IR
        assert mixed.body.block.first_op.function_type == func.function_type
        got = interp.run(mixed, "main", *prog.inputs)
        for out, (ref, s) in zip(got, want, strict=True):  # type: ignore[union-attr]
            assert out.dtype == ref.dtype and out.shape == ref.shape
            if ref.dtype.kind != "f":
                np.testing.assert_array_equal(out, ref)
                continue
            assert np.abs(out.astype(np.float64) - ref).max(initial=0) <= BOUND[dtype] * s
