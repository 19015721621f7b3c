"""numpy implementation of graph.attention: computed in f64, then cast to the op's type."""

from __future__ import annotations

import math

import numpy as np
from xdsl.ir import Operation

from tensorforge.dialects.graphops.attention import AttentionOp
from tensorforge.dialects.graphops.base import Props
from tensorforge.interp.registry import EvalContext, graph_impl


def attention_scale(op: Operation, head_dim: int) -> float:
    props = Props(AttentionOp, dict(op.properties))
    return props.float("scale") if props.has("scale") else 1.0 / math.sqrt(head_dim) if head_dim else 1.0


@graph_impl(AttentionOp)
def _attention(ctx: EvalContext, op: Operation, q: np.ndarray, k: np.ndarray, v: np.ndarray,
               *mask: np.ndarray) -> np.ndarray:
    q64, k64, v64 = (a.astype(np.float64) for a in (q, k, v))
    scores = np.matmul(q64, np.swapaxes(k64, -1, -2)) * attention_scale(op, q.shape[-1])
    if mask:
        scores = scores + mask[0].astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        mx = np.max(scores, axis=-1, keepdims=True) if scores.shape[-1] else np.zeros((*scores.shape[:-1], 1))
        e = np.exp(scores - mx)
        p = e / np.sum(e, axis=-1, keepdims=True)
    return np.asarray(np.matmul(p, v64), dtype=ctx.result_dtype(op))
