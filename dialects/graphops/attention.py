"""Scaled dot-product attention, as torch.nn.functional.scaled_dot_product_attention
(no dropout, no causal flag): softmax(q @ k^T * scale + mask) @ v."""

from __future__ import annotations

from xdsl.dialects.builtin import FloatAttr
from xdsl.ir import Operation
from xdsl.irdl import irdl_op_definition, operand_def, opt_operand_def, opt_prop_def, result_def
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.graphops.base import GraphOp, Operand, Props, fail
from tensorforge.dialects.graphops.shapes import broadcast_dims, need_same_element
from tensorforge.dialects.graphops.types import TensorType, is_float


def _need_equal_dim(a: object, b: object, msg: str) -> None:
    if a.provably_ne(b):  # type: ignore[attr-defined]
        raise fail(msg)


@irdl_op_definition
class AttentionOp(GraphOp):
    """softmax(q @ k^T * scale + mask, axis=-1) @ v with q [..., s, d], k [..., t, d],
    v [..., t, e] -> [..., s, e] (batch dims broadcast). `scale` defaults to
    1 / sqrt(d). The optional mask is additive, of q's element type, and
    broadcasts to [..., s, t] (use -inf to mask out). Float types only."""

    name = "graph.attention"
    query = operand_def(TensorType)
    key = operand_def(TensorType)
    value = operand_def(TensorType)
    mask = opt_operand_def(TensorType)
    result = result_def(TensorType)
    scale = opt_prop_def(FloatAttr)

    def __init__(self, query: Operand, key: Operand, value: Operand, mask: Operand | None = None,
                 **props: object) -> None:
        super().__init__(query, key, value, [] if mask is None else mask, **props)

    @classmethod
    def infer(cls, args: list[TensorType], props: Props) -> list[TensorType]:
        q, k, v, *rest = args
        need_same_element(args, "query, key, value and mask")
        if not is_float(q.element_type):
            raise fail(f"attention needs a float element type, got {q.element_type}")
        for what, t in (("query", q), ("key", k), ("value", v)):
            if t.rank < 2:
                raise fail(f"{what} must have rank >= 2, got {t}")
        _need_equal_dim(q.dims[-1], k.dims[-1], f"query and key head dims differ: {q.dims[-1]} vs {k.dims[-1]}")
        _need_equal_dim(k.dims[-2], v.dims[-2], f"key and value lengths differ: {k.dims[-2]} vs {v.dims[-2]}")
        try:
            batch = broadcast_dims(q.dims[:-2], k.dims[:-2], v.dims[:-2])
            if rest:
                broadcast_dims([*batch, q.dims[-2], k.dims[-2]], rest[0].dims)
        except VerifyException as e:
            raise fail(f"attention shapes: {e}") from None
        if rest and rest[0].rank > len(batch) + 2:
            raise fail(f"mask rank {rest[0].rank} exceeds the score rank {len(batch) + 2}")
        return [TensorType([*batch, q.dims[-2], v.dims[-1]], q.element_type)]


ATTENTION_OPS: list[type[Operation]] = [AttentionOp]
