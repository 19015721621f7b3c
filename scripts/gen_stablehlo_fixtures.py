"""Regenerate tests/fixtures/stablehlo/*.mlir and *.npz with JAX.

Each program is lowered with `jax.jit(f).lower(*args).as_text()`; the .npz
holds its inputs (`in0`, `in1`, ...) and JAX's outputs (`out0`, ...). Needs
jax; the tests that read the fixtures do not.

    python scripts/gen_stablehlo_fixtures.py [--out tests/fixtures/stablehlo]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np


def programs() -> dict[str, tuple[Callable, list[np.ndarray]]]:
    import jax
    import jax.numpy as jnp
    from jax import lax

    rng = np.random.default_rng(0)

    def f32(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    def mlp(x, w1, b1, w2, b2):
        h = jax.nn.relu(x @ w1 + b1)
        return jnp.tanh(h @ w2 + b2)

    def convnet(x, w):
        y = lax.conv_general_dilated(x, w, (1, 1), ((1, 1), (1, 1)), dimension_numbers=("NHWC", "HWIO", "NHWC"))
        y = jax.nn.relu(y)
        return lax.reduce_window(y, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    def attention(q, k, v):
        s = jnp.einsum("bqd,bkd->bqk", q, k) / np.float32(np.sqrt(q.shape[-1]))
        return jnp.einsum("bqk,bkd->bqd", jax.nn.softmax(s, axis=-1), v)

    def layer_norm(x, g, b):
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) * lax.rsqrt(v + 1e-5) * g + b

    def reductions(x):
        return x.sum(0), x.max(1), x.min(), jnp.prod(x[:2], axis=1)

    def while_loop(x):
        return lax.fori_loop(0, 5, lambda i, acc: acc * 0.5 + i.astype(jnp.float32), x)

    def elementwise(x, y):
        return (jnp.exp(x) - jnp.log1p(jnp.abs(y)), jnp.maximum(x, y) * jnp.sign(y), jnp.where(x > y, jnp.floor(x), jnp.ceil(y)),
                lax.erf(x), jnp.clip(x, -0.5, 0.5), jnp.round(y), jnp.sqrt(jnp.abs(x)), jax.nn.sigmoid(y), jnp.sin(x) + jnp.cos(y))

    def int_ops(a, b):
        return a + b * 3, a // jnp.maximum(b, 1), a % 7, (a & b) | (a ^ 5), (a > b), jnp.abs(a - b)

    def grouped_conv(x, w):
        return lax.conv_general_dilated(x, w, (2, 2), ((1, 0), (0, 1)), rhs_dilation=(1, 2), feature_group_count=2)

    return {
        "mlp": (mlp, [f32(4, 8), f32(8, 16), f32(16), f32(16, 3), f32(3)]),
        "convnet": (convnet, [f32(2, 8, 8, 3), f32(3, 3, 3, 4)]),
        "attention": (attention, [f32(2, 5, 8), f32(2, 6, 8), f32(2, 6, 8)]),
        "softmax": (lambda x: jax.nn.softmax(x, axis=-1), [f32(3, 7)]),
        "log_softmax": (lambda x: jax.nn.log_softmax(x, axis=0), [f32(3, 7)]),
        "layer_norm": (layer_norm, [f32(4, 10), f32(10), f32(10)]),
        "reductions": (reductions, [f32(3, 4)]),
        "gather": (lambda x, i: x[i], [f32(6, 3), np.array([0, 5, 2, 2], np.int32)]),
        "scatter": (lambda x, i, u: x.at[i].add(u), [f32(6, 3), np.array([1, 4, 1], np.int32), f32(3, 3)]),
        "while_loop": (while_loop, [f32(3)]),
        "sort": (lambda x: jnp.sort(x, axis=-1), [f32(3, 5)]),
        "dynamic_slice": (lambda x, i: lax.dynamic_slice(x, (i, 1), (2, 3)), [f32(5, 6), np.array(2, np.int32)]),
        "dynamic_update_slice": (lambda x, u, i: lax.dynamic_update_slice(x, u, (i, 0)), [f32(5, 4), f32(2, 4), np.array(1, np.int32)]),
        "elementwise": (elementwise, [f32(3, 4), f32(3, 4)]),
        "int_ops": (int_ops, [rng.integers(-9, 9, (4,)).astype(np.int32), rng.integers(-9, 9, (4,)).astype(np.int32)]),
        "transpose_reshape": (lambda x: jnp.concatenate([x.T.reshape(2, -1), jnp.pad(x, ((0, 0), (1, 2)))[:2, ::2]], 1), [f32(4, 2)]),
        "iota": (lambda x: x + jnp.arange(5, dtype=jnp.float32), [f32(2, 5)]),
        "call": (lambda x: jax.jit(lambda y: y * 2.0)(x) + 1.0, [f32(3)]),
        "grouped_conv": (grouped_conv, [f32(1, 4, 9, 9), f32(6, 2, 3, 3)]),
        "top_k": (lambda x: lax.top_k(x, 3), [f32(2, 6)]),
        "special": (lambda x: (jnp.tan(x), jnp.expm1(x), lax.is_finite(x / x), lax.round(x, lax.RoundingMethod.AWAY_FROM_ZERO)), [f32(3, 3)]),
        # forms the graph importer refuses (the stablehlo interpreter runs them)
        "erf_inv": (lambda x: lax.erf_inv(jnp.tanh(x)), [f32(3, 3)]),
        "argmax": (lambda x: jnp.argmax(x, axis=1), [f32(3, 5)]),
        "switch": (lambda i, x: lax.switch(i, [jnp.sin, jnp.cos, jnp.exp], x), [np.array(1, np.int32), f32(4)]),
        "avg_pool": (lambda x: lax.reduce_window(x, 0.0, lax.add, (1, 2), (1, 2), "VALID"), [f32(2, 6)]),
    }


def main() -> None:
    import jax

    jax.config.update("jax_platforms", "cpu")
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "stablehlo"))
    out = Path(ap.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    for name, (fn, args) in programs().items():
        text = jax.jit(fn).lower(*args).as_text()
        res = jax.jit(fn)(*args)
        res = res if isinstance(res, tuple | list) else (res,)
        (out / f"{name}.mlir").write_text(text)
        arrays = {f"in{i}": np.asarray(a) for i, a in enumerate(args)}
        arrays |= {f"out{i}": np.asarray(r) for i, r in enumerate(res)}
        np.savez(out / f"{name}.npz", **arrays)
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
