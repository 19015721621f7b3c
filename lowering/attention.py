"""graph.attention as te stages: scores = q @ k^T (matmul), * scale (+ mask),
a row softmax (max, exp-sum, normalize) and probabilities @ v (matmul).
Accumulation is in acc_type (f32 for f16/bf16), also for probabilities @ v
(then summed into an f32 buffer and rounded once to the output type)."""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Operation

from tensorforge.dialects.graphops.attention import AttentionOp
from tensorforge.dialects.symbolic import Expr
from tensorforge.interp.attention import attention_scale
from tensorforge.lowering.nn import _broadcast_batch
from tensorforge.lowering.reduce import acc_type, lit
from tensorforge.lowering.registry import broadcast_index, lowers
from tensorforge.lowering.te import Buf, PrimFuncBuilder, S, call

Idx = list[Expr]
PVTerm = Callable[[Idx, Idx], S]


@lowers(AttentionOp)
def _attention(op: Operation, b: PrimFuncBuilder, ins: list[Buf], outs: list[Buf]) -> None:
    q, k, v = ins[:3]
    mask = ins[3] if len(ins) > 3 else None
    out = outs[0]
    acc = acc_type(out.elt)
    batch = list(out.shape[:-2])
    nb = len(batch)
    s_len, t_len = q.shape[-2], k.shape[-2]
    head = q.shape[-1]
    fixed = op.properties.get("scale") is not None or head.is_const()
    scale = attention_scale(op, head.value() if head.is_const() else 1) if fixed else None
    score_shape = [*batch, s_len, t_len]

    def bidx(buf: Buf, i: Idx) -> list[Expr]:
        return _broadcast_batch(buf.shape[:-2], i[:nb], batch)

    scores = b.alloc(f"{out.name}_scores", score_shape, acc)
    b.reduce(scores, [head], lambda i, r: q[(*bidx(q, i), i[nb], r[0])].cast(acc) * k[(*bidx(k, i), i[nb + 1], r[0])].cast(acc),
             "add", lit(0, acc), name=f"{out.name}_qk")

    def scaled(i: Idx) -> S:
        factor = lit(scale, acc) if scale is not None else 1.0 / call("sqrt", _dim(head, acc))
        s = scores[tuple(i)] * factor
        if mask is not None:
            s = s + mask[tuple(broadcast_index(mask, i, score_shape))].cast(acc)
        return s

    logits = b.alloc(f"{out.name}_logits", score_shape, acc)
    b.compute(logits, scaled, name=f"{out.name}_scale_mask")
    row = [*batch, s_len]
    mx = b.alloc(f"{out.name}_max", row, acc)
    b.reduce(mx, [t_len], lambda i, r: logits[(*i, r[0])], "max", float("-inf"))
    total = b.alloc(f"{out.name}_sum", row, acc)
    b.reduce(total, [t_len], lambda i, r: call("exp", logits[(*i, r[0])] - mx[tuple(i)]), "add", 0.0)
    probs = b.alloc(f"{out.name}_probs", score_shape, acc)
    b.compute(probs, lambda i: call("exp", logits[tuple(i)] - mx[tuple(i[:-1])]) / total[tuple(i[:-1])],
              name=f"{out.name}_softmax")
    pv: PVTerm = lambda i, r: probs[(*i[:-1], r[0])] * v[(*bidx(v, i), r[0], i[-1])].cast(acc)  # noqa: E731
    if acc == out.elt:
        b.reduce(out, [t_len], pv, "add", lit(0, acc), name=f"{out.name}_pv")
        return
    wide = b.alloc(f"{out.name}_acc", list(out.shape), acc)  # f16/bf16: sum in f32, round once
    b.reduce(wide, [t_len], pv, "add", lit(0, acc), name=f"{out.name}_pv")
    b.compute(out, lambda i: wide[tuple(i)].cast(out.elt), name=f"{out.name}_round")


def _dim(d: Expr, t: object) -> S:
    from tensorforge.lowering.te import index

    return index(d).cast(t)  # type: ignore[arg-type]
