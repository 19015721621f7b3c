"""graph.attention: interpreter vs torch scaled_dot_product_attention, the
tensorir lowering vs the interpreter, shape inference and verifier errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from xdsl.utils.exceptions import VerifyException

from tensorforge import interp, pipelines
from tensorforge.dialects import graph as g
from tensorforge.ir import parse_module, print_module
from tests.helpers import build_func, run_op, tensor


def _torch(q, k, v, mask=None, scale=None) -> np.ndarray:
    t = [torch.from_numpy(a.astype(np.float64)) for a in (q, k, v)]
    m = None if mask is None else torch.from_numpy(mask.astype(np.float64))
    return torch.nn.functional.scaled_dot_product_attention(*t, attn_mask=m, scale=scale).numpy()


def _qkv(dtype: type, batch: tuple[int, ...] = (2, 3), s: int = 5, t: int = 6, d: int = 4, e: int = 3):
    rng = np.random.default_rng(0)
    return (rng.standard_normal((*batch, s, d)).astype(dtype), rng.standard_normal((*batch, t, d)).astype(dtype),
            rng.standard_normal((*batch, t, e)).astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("scale", [None, 0.25])
def test_matches_torch(dtype: type, masked: bool, scale: float | None) -> None:
    q, k, v = _qkv(dtype)
    arrays = [q, k, v]
    if masked:
        arrays.append(np.random.default_rng(1).standard_normal((5, 6)).astype(dtype))
    (got,) = run_op(lambda *a: g.AttentionOp(*a, scale=scale), *arrays)
    assert got.dtype == dtype and got.shape == (2, 3, 5, 3)
    tol = 2e-3 if dtype == np.float16 else 1e-5
    np.testing.assert_allclose(got.astype(np.float64), _torch(*arrays, scale=scale), rtol=tol, atol=tol)


def test_symbolic_and_broadcast_batch() -> None:
    q, k, v = _qkv(np.float32, batch=(2, 3))
    k1, v1 = k[:1], v[:1]
    (got,) = run_op(lambda *a: g.AttentionOp(*a), q, k1, v1, shapes=[["b", 3, "s", 4], [1, 3, "t", 4], [1, 3, "t", 3]])
    np.testing.assert_allclose(got, _torch(q, np.broadcast_to(k1, k.shape), np.broadcast_to(v1, v.shape)),
                               rtol=1e-5, atol=1e-6)


def test_empty_query() -> None:
    q, k, v = _qkv(np.float32, s=0)
    (got,) = run_op(lambda *a: g.AttentionOp(*a), q, k, v)
    assert got.shape == (2, 3, 0, 3)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lowering_matches_interpreter(masked: bool, dtype: type) -> None:
    q, k, v = _qkv(dtype, batch=(2,))
    arrays = [q, k, v] + ([np.random.default_rng(2).standard_normal((1, 5, 6)).astype(dtype)] if masked else [])
    module = build_func([tensor(a.shape, a.dtype) for a in arrays], lambda *a: g.AttentionOp(*a))
    want = interp.run(module, "main", *arrays)
    lowered = parse_module(print_module(module))
    pipelines.run(lowered, "graph-lower-to-tensorir")
    assert "graph.attention" not in print_module(lowered)
    np.testing.assert_allclose(interp.run(lowered, "main", *arrays)[0], want[0], rtol=1e-5, atol=1e-6)


def test_lowering_symbolic_head_dim() -> None:
    q, k, v = _qkv(np.float32, batch=())
    module = build_func([tensor(["s", "d"], np.float32), tensor(["t", "d"], np.float32), tensor(["t", 3], np.float32)],
                        lambda *a: g.AttentionOp(*a))
    want = interp.run(module, "main", q, k, v)
    pipelines.run(module, "graph-lower-to-tensorir")
    np.testing.assert_allclose(interp.run(module, "main", q, k, v)[0], want[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("shapes", "dtype", "message"), [
    ([[5, 4], [6, 3], [6, 3]], np.float32, "query and key head dims differ: 4 vs 3"),
    ([[5, 4], [6, 4], [7, 3]], np.float32, "key and value lengths differ: 6 vs 7"),
    ([[4], [6, 4], [6, 3]], np.float32, "query must have rank >= 2"),
    ([[5, 4], [6, 4], [6, 3]], np.int32, "attention needs a float element type"),
    ([[2, 5, 4], [3, 6, 4], [3, 6, 3]], np.float32, "attention shapes"),
])
def test_verifier_errors(shapes: list, dtype: type, message: str) -> None:
    block_types = [tensor(s, dtype) for s in shapes]
    with pytest.raises(VerifyException, match=message):
        build_func(block_types, lambda *a: g.AttentionOp(*a))


def test_mask_errors() -> None:
    types = [tensor([5, 4], np.float32), tensor([6, 4], np.float32), tensor([6, 3], np.float32)]
    with pytest.raises(VerifyException, match="attention shapes"):
        build_func([*types, tensor([5, 7], np.float32)], lambda *a: g.AttentionOp(*a))
    with pytest.raises(VerifyException, match="mask rank 3 exceeds the score rank 2"):
        build_func([*types, tensor([1, 5, 6], np.float32)], lambda *a: g.AttentionOp(*a))
    with pytest.raises(VerifyException):
        build_func([*types, tensor([5, 6], np.float64)], lambda *a: g.AttentionOp(*a))
