"""The ONNX importer on hand-built models, compared with onnxruntime through
the interpreter: a small CNN, a transformer block with a symbolic batch dim,
error reporting (every unsupported op and dynamic input at once, input
checks naming the input) and the backend API."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from tensorforge import interp  # noqa: E402
from tensorforge.errors import InputError, TensorforgeError  # noqa: E402
from tensorforge.frontends.onnx import UnsupportedModelError, from_onnx  # noqa: E402
from tensorforge.frontends.onnx import backend as tf_backend  # noqa: E402
from tensorforge.ir import parse_module, print_module  # noqa: E402

RNG = np.random.default_rng(0)
F32 = TensorProto.FLOAT


def _init(name: str, shape: list[int], scale: float = 0.2) -> onnx.TensorProto:
    return numpy_helper.from_array((RNG.standard_normal(shape) * scale).astype(np.float32), name)


def _const(name: str, values: list[int]) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(values, dtype=np.int64), name)


def _model(nodes: list, inputs: list, outputs: list, inits: list, opset: int = 17) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    onnx.checker.check_model(model)
    return model


def _ort(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def _ours(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    module = from_onnx(model)
    text = print_module(module)
    assert print_module(parse_module(text)) == text  # the import round-trips through text
    return interp.run(module, "main", *[feeds[i.name] for i in model.graph.input])


# -- a small CNN ------------------------------------------------------------------------------
def cnn_model() -> onnx.ModelProto:
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("BatchNormalization", ["c1", "s1", "o1", "m1", "v1"], ["n1"], epsilon=1e-5),
        helper.make_node("Relu", ["n1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2"], ["c2"], auto_pad="SAME_UPPER", group=2),
        helper.make_node("Clip", ["c2", "lo", "hi"], ["r2"]),
        helper.make_node("AveragePool", ["r2"], ["a2"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                         count_include_pad=0),
        helper.make_node("GlobalAveragePool", ["a2"], ["g"]),
        helper.make_node("Flatten", ["g"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["y"], axis=-1),
    ]
    inits = [
        _init("w1", [8, 3, 3, 3]), _init("b1", [8]),
        _init("s1", [8], 1.0), _init("o1", [8]), _init("m1", [8]),
        numpy_helper.from_array(RNG.uniform(0.5, 1.5, [8]).astype(np.float32), "v1"),
        _init("w2", [8, 4, 3, 3]),
        numpy_helper.from_array(np.array(0.0, np.float32), "lo"),
        numpy_helper.from_array(np.array(6.0, np.float32), "hi"),
        _init("wf", [5, 8]), _init("bf", [5]),
    ]  # fmt: skip
    x = helper.make_tensor_value_info("x", F32, ["batch", 3, 16, 16])
    y = helper.make_tensor_value_info("y", F32, ["batch", 5])
    return _model(nodes, [x], [y], inits)


@pytest.mark.parametrize("batch", [1, 3])
def test_cnn_matches_onnxruntime(batch: int) -> None:
    model = cnn_model()
    feeds = {"x": RNG.standard_normal([batch, 3, 16, 16]).astype(np.float32)}
    (want,) = _ort(model, feeds)
    (got,) = _ours(model, feeds)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_cnn_keeps_the_symbolic_batch() -> None:
    text = print_module(from_onnx(cnn_model()))
    assert "graph.func @main(%x: !graph.tensor<[batch, 3, 16, 16], f32>) -> (y: !graph.tensor<[batch, 5], f32>)" in text
    assert "graph.dense" in text  # Gemm with transB and a bias is a dense layer


# -- a transformer block -------------------------------------------------------------------------
D, HEADS, SEQ = 16, 2, 6


def transformer_model() -> onnx.ModelProto:
    hd = D // HEADS
    nodes = [
        helper.make_node("LayerNormalization", ["x", "ln1_s", "ln1_b"], ["h"], axis=-1, epsilon=1e-5),
        helper.make_node("Shape", ["x"], ["xs"]),
        helper.make_node("Gather", ["xs", "zero"], ["bsz"], axis=0),
        helper.make_node("Unsqueeze", ["bsz", "zero_axes"], ["bsz1"]),
        helper.make_node("Concat", ["bsz1", "heads_shape"], ["qkv_shape"], axis=0),
        *[helper.make_node("MatMul", ["h", f"w{p}"], [f"{p}0"]) for p in "qkv"],
        *[helper.make_node("Reshape", [f"{p}0", "qkv_shape"], [f"{p}1"]) for p in "qkv"],
        *[helper.make_node("Transpose", [f"{p}1"], [f"{p}2"], perm=[0, 2, 1, 3]) for p in "qv"],
        helper.make_node("Transpose", ["k1"], ["k2"], perm=[0, 2, 3, 1]),
        helper.make_node("MatMul", ["q2", "k2"], ["s0"]),
        helper.make_node("Div", ["s0", "scale"], ["s1"]),
        helper.make_node("Add", ["s1", "mask"], ["s2"]),
        helper.make_node("Softmax", ["s2"], ["p"], axis=-1),
        helper.make_node("MatMul", ["p", "v2"], ["o0"]),
        helper.make_node("Transpose", ["o0"], ["o1"], perm=[0, 2, 1, 3]),
        helper.make_node("Concat", ["bsz1", "model_shape"], ["out_shape"], axis=0),
        helper.make_node("Reshape", ["o1", "out_shape"], ["o2"]),
        helper.make_node("MatMul", ["o2", "wo"], ["o3"]),
        helper.make_node("Add", ["x", "o3"], ["r1"]),
        helper.make_node("LayerNormalization", ["r1", "ln2_s", "ln2_b"], ["h2"], axis=-1),
        helper.make_node("MatMul", ["h2", "wff1"], ["f0"]),
        helper.make_node("Add", ["f0", "bff1"], ["f1"]),
        helper.make_node("Div", ["f1", "sqrt2"], ["f2"]),
        helper.make_node("Erf", ["f2"], ["f3"]),
        helper.make_node("Add", ["f3", "one"], ["f4"]),
        helper.make_node("Mul", ["f1", "f4"], ["f5"]),
        helper.make_node("Mul", ["f5", "half"], ["f6"]),
        helper.make_node("MatMul", ["f6", "wff2"], ["f7"]),
        helper.make_node("Add", ["r1", "f7"], ["y"]),
    ]
    causal = np.triu(np.full([SEQ, SEQ], -1e9, np.float32), 1)
    scalars = {"scale": np.sqrt(hd), "sqrt2": np.sqrt(2.0), "one": 1.0, "half": 0.5}
    inits = [
        _init("ln1_s", [D], 1.0), _init("ln1_b", [D]), _init("ln2_s", [D], 1.0), _init("ln2_b", [D]),
        *[_init(f"w{p}", [D, D]) for p in "qkvo"],
        _init("wff1", [D, 4 * D]), _init("bff1", [4 * D]), _init("wff2", [4 * D, D]),
        numpy_helper.from_array(np.array(0, np.int64), "zero"), _const("zero_axes", [0]), _const("heads_shape", [SEQ, HEADS, hd]),
        _const("model_shape", [SEQ, D]),
        numpy_helper.from_array(causal, "mask"),
        *[numpy_helper.from_array(np.asarray(v, np.float32), k) for k, v in scalars.items()],
    ]  # fmt: skip
    x = helper.make_tensor_value_info("x", F32, ["batch", SEQ, D])
    y = helper.make_tensor_value_info("y", F32, ["batch", SEQ, D])
    return _model(nodes, [x], [y], inits)


@pytest.mark.parametrize("batch", [1, 4])
def test_transformer_block_matches_onnxruntime(batch: int) -> None:
    model = transformer_model()
    feeds = {"x": RNG.standard_normal([batch, SEQ, D]).astype(np.float32)}
    (want,) = _ort(model, feeds)
    (got,) = _ours(model, feeds)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_transformer_shape_arithmetic_is_folded() -> None:
    """Shape -> Gather -> Concat -> Reshape leaves only a symbolic reshape."""
    text = print_module(from_onnx(transformer_model()))
    assert "#graph.shape<[batch, 6, 2, 8]>" in text
    assert "graph.gather" not in text and "graph.concat" not in text
    assert "graph.layer_norm" in text


# -- errors ----------------------------------------------------------------------------------------
def test_every_unsupported_op_and_input_is_listed() -> None:
    nodes = [
        helper.make_node("Relu", ["x"], ["a"]),
        helper.make_node("NonMaxSuppression", ["boxes", "scores"], ["sel"]),
        helper.make_node("Reshape", ["a", "shape"], ["b"]),
        helper.make_node("StringNormalizer", ["words"], ["norm"]),
        helper.make_node("Frobnicate", ["b"], ["c"], domain="com.example"),
        helper.make_node("Unique", ["a"], ["u"]),
        helper.make_node("Unique", ["b"], ["u2"]),
    ]
    inputs = [
        helper.make_tensor_value_info("x", F32, [2, 3]),
        helper.make_tensor_value_info("boxes", F32, [1, 4, 4]),
        helper.make_tensor_value_info("scores", F32, [1, 1, 4]),
        helper.make_tensor_value_info("shape", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("words", TensorProto.STRING, [3]),
    ]
    outputs = [helper.make_tensor_value_info(n, F32, None) for n in ("sel", "c", "norm", "u", "u2")]
    graph = helper.make_graph(nodes, "bad", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid("com.example", 1)])
    with pytest.raises(UnsupportedModelError) as info:
        from_onnx(model)
    err = info.value
    assert isinstance(err, TensorforgeError)
    assert err.unsupported_ops == ["NonMaxSuppression (opset 18)", "StringNormalizer (opset 18)", "Unique (opset 18)",
                                   "com.example.Frobnicate (opset 1)"]
    msg = str(err)
    assert "unsupported op Unique (opset 18): 2 node(s)" in msg
    assert "graph input 'words' has unsupported element type STRING" in msg
    assert "Reshape-14 at node 'b': unsupported dynamic input: input 'shape'" in msg
    assert "(from graph input(s) 'shape')" in msg
    assert err.specializable is None  # other problems remain even with 'shape' fixed


def test_dynamic_shape_input_can_be_fixed() -> None:
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["y"])]
    inputs = [helper.make_tensor_value_info("x", F32, [2, 6]), helper.make_tensor_value_info("shape", TensorProto.INT64, ["k"])]
    model = _model(nodes, inputs, [helper.make_tensor_value_info("y", F32, ["a", "b"])], [])
    with pytest.raises(UnsupportedModelError) as info:
        from_onnx(model)
    assert info.value.specializable == ["shape"]
    module = from_onnx(model, static_inputs={"shape": np.array([3, -1], np.int64)})
    x = np.arange(12, dtype=np.float32).reshape(2, 6)
    (y,) = interp.run(module, "main", x)
    np.testing.assert_array_equal(y, x.reshape(3, 4))
    rep = tf_backend.prepare(model)  # the backend fixes it from the values given at run time
    np.testing.assert_array_equal(rep.run([x, np.array([4, 3], np.int64)])[0], x.reshape(4, 3))
    np.testing.assert_array_equal(rep.run([x, np.array([12], np.int64)])[0], x.reshape(12))
    with pytest.raises(UnsupportedModelError):
        tf_backend.prepare(model, specialize=False)


def test_run_time_input_errors_name_the_input() -> None:
    module = from_onnx(cnn_model())
    good = RNG.standard_normal([2, 3, 16, 16]).astype(np.float32)
    with pytest.raises(InputError, match="argument 'x' has dtype float64"):
        interp.run(module, "main", good.astype(np.float64))
    with pytest.raises(InputError, match="argument 'x' dim 1 is 4, expected 3"):
        interp.run(module, "main", np.zeros([2, 4, 16, 16], np.float32))
    with pytest.raises(InputError, match=r"takes 1 arguments \(x\), got 2"):
        interp.run(module, "main", good, good)
    rep = tf_backend.prepare(cnn_model())
    with pytest.raises(InputError, match="missing input"):
        rep.run({"y": good})


# -- backend API ---------------------------------------------------------------------------------------
def test_backend_api() -> None:
    assert tf_backend.supports_device("CPU")
    assert not tf_backend.supports_device("CUDA")
    model = cnn_model()
    x = RNG.standard_normal([2, 3, 16, 16]).astype(np.float32)
    (want,) = _ort(model, {"x": x})
    (by_list,) = tf_backend.run_model(model, [x])
    (by_dict,) = tf_backend.prepare(model).run({"x": x})
    np.testing.assert_allclose(by_list, want, rtol=1e-4, atol=1e-6)
    np.testing.assert_array_equal(by_list, by_dict)
    node = helper.make_node("LeakyRelu", ["a"], ["b"], alpha=0.1)
    a = np.array([-2.0, 3.0], np.float32)
    np.testing.assert_allclose(tf_backend.run_node(node, [a])[0], [-0.2, 3.0])
    with pytest.raises(ValueError, match="mode"):
        tf_backend.prepare(model, mode="no-such-mode")


def test_model_local_functions_are_inlined() -> None:
    fn = helper.make_function("local", "Swishy", ["v"], ["w"],
                              [helper.make_node("Sigmoid", ["v"], ["s"]), helper.make_node("Mul", ["v", "s"], ["w"])],
                              [helper.make_opsetid("", 17)])
    graph = helper.make_graph([helper.make_node("Swishy", ["x"], ["y"], domain="local")], "g",
                              [helper.make_tensor_value_info("x", F32, [4])],
                              [helper.make_tensor_value_info("y", F32, [4])])
    model = helper.make_model(graph, functions=[fn], ir_version=8,
                              opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("local", 1)])
    x = np.linspace(-2, 2, 4).astype(np.float32)
    (want,) = _ort(model, {"x": x})
    np.testing.assert_allclose(_ours(model, {"x": x})[0], want, rtol=1e-6)


# -- exact decompositions and structured values ----------------------------------------------------
@pytest.mark.parametrize(("fdt", "idt"), [(np.float32, np.int32), (np.float64, np.int64), (np.float16, np.uint16)])
def test_bitcast_between_float_and_int_is_exact(fdt: type, idt: type) -> None:
    """Zeros, subnormals, extremes and infinities survive both directions."""
    info = np.finfo(fdt)
    special = [0.0, -0.0, 1.0, -2.5, info.max, -info.max, info.tiny, info.tiny / 2, info.smallest_subnormal, np.inf, -np.inf]
    x = np.concatenate([np.array(special, np.float64), RNG.standard_normal(64) * 10.0 ** RNG.integers(-30, 30, 64)])
    with np.errstate(over="ignore"):
        x = x.astype(fdt)
    f_elem, i_elem = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(fdt)), onnx.helper.np_dtype_to_tensor_dtype(np.dtype(idt))

    def bitcast(src: int, dst: int, value: np.ndarray) -> np.ndarray:
        node = helper.make_node("BitCast", ["a"], ["b"], to=dst)
        graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("a", src, [value.size])],
                                  [helper.make_tensor_value_info("b", dst, [value.size])])
        return tf_backend.run_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 26)]), [value])[0]

    bits = bitcast(f_elem, i_elem, x)
    np.testing.assert_array_equal(bits, x.view(idt))
    np.testing.assert_array_equal(bitcast(i_elem, f_elem, bits).view(idt), x.view(idt))


def test_sequences_and_optionals_cross_the_interface() -> None:
    """A sequence input and a sequence output, flattened by the backend per call."""
    seq_type = helper.make_tensor_sequence_value_info
    nodes = [
        helper.make_node("SequenceInsert", ["s", "t"], ["s2"]),
        helper.make_node("ConcatFromSequence", ["s2"], ["cat"], axis=0),
        helper.make_node("SequenceLength", ["s2"], ["n"]),
        helper.make_node("Optional", ["cat"], ["o"]),
        helper.make_node("OptionalGetElement", ["o"], ["back"]),
    ]
    graph = helper.make_graph(nodes, "g", [seq_type("s", F32, None), helper.make_tensor_value_info("t", F32, ["k"])],
                              [seq_type("s2", F32, None), helper.make_tensor_value_info("back", F32, None),
                               helper.make_tensor_value_info("n", TensorProto.INT64, [])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    rep = tf_backend.prepare(model)
    parts = [np.ones(2, np.float32), np.arange(3, dtype=np.float32)]
    out_seq, cat, n = rep.run([parts, np.full(4, 7.0, np.float32)])
    assert [list(a) for a in out_seq] == [[1, 1], [0, 1, 2], [7, 7, 7, 7]]
    np.testing.assert_array_equal(cat, np.concatenate([*parts, np.full(4, 7.0)]))
    assert int(n) == 3
    out_seq, _, n = rep.run([[], np.zeros(1, np.float32)])  # another length: another import
    assert len(out_seq) == 1 and int(n) == 1


@pytest.mark.parametrize(("op", "ref", "lo", "hi"), [
    ("Atan", np.arctan, -50.0, 50.0), ("Asin", np.arcsin, -1.0, 1.0), ("Acos", np.arccos, -1.0, 1.0),
    ("Sinh", np.sinh, -20.0, 20.0), ("Cosh", np.cosh, -20.0, 20.0), ("Asinh", np.arcsinh, -1e6, 1e6),
    ("Acosh", np.arccosh, 1.0, 1e6), ("Atanh", np.arctanh, -0.999, 0.999),
])  # fmt: skip
def test_decomposed_math_is_accurate(op: str, ref: object, lo: float, hi: float) -> None:
    """Ops without a graph op, built from exp/log/sqrt and a polynomial, in f64."""
    x = np.concatenate([np.linspace(lo, hi, 4001), [0.0, -0.0, 1e-9, -1e-9]])
    x = x[(x >= lo) & (x <= hi)]
    graph = helper.make_graph([helper.make_node(op, ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [x.size])],
                              [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [x.size])])
    got = tf_backend.run_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), [x])[0]
    np.testing.assert_allclose(got, ref(x), rtol=1e-12, atol=1e-300)  # type: ignore[operator]
