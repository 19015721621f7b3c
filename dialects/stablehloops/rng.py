"""`stablehlo.rng_bit_generator`: random bits from a counter-based generator state.

    %state1, %bits = stablehlo.rng_bit_generator %state, algorithm = THREE_FRY
        : (tensor<2xui64>) -> (tensor<2xui64>, tensor<2x3xui32>)

The numpy implementation (interp/stablehlo_rng.py) documents the algorithms.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import IntegerType, TensorType
from xdsl.ir import Attribute
from xdsl.irdl import irdl_op_definition, operand_def, prop_def, result_def, traits_def
from xdsl.parser import Parser
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.stablehloops.attrs import RngAlgorithmAttr
from tensorforge.dialects.stablehloops.base import HloOp, _shape
from tensorforge.dialects.stablehloops.syntax import KeyParser

STATE_SIZES = {"DEFAULT": (2, 3), "THREE_FRY": (2,), "PHILOX": (2, 3)}
"""Allowed `initial_state` sizes (in ui64 words) per algorithm, as the spec states them."""


def _algorithm_key(p: Parser) -> dict[str, Attribute]:
    word = p.parse_identifier()
    if word not in RngAlgorithmAttr.VALUES:
        p.raise_error(f"rng algorithm must be one of {', '.join(RngAlgorithmAttr.VALUES)}, got '{word}'")
    return {"rng_algorithm": RngAlgorithmAttr.of(word)}


@irdl_op_definition
class HloRngBitGeneratorOp(HloOp):
    """Uniform random bits of `output`'s type and the next generator state."""

    name = "stablehlo.rng_bit_generator"
    initial_state = operand_def(TensorType)
    output_state = result_def(TensorType)
    output = result_def(TensorType)
    rng_algorithm = prop_def(RngAlgorithmAttr)
    KEYS: ClassVar[dict[str, KeyParser]] = {"algorithm": _algorithm_key}
    traits = traits_def(Pure())

    def verify_(self) -> None:
        st, out = self.initial_state.type, self.output_state.type
        assert isinstance(st, TensorType)
        if st != out:
            raise VerifyException(f"output_state type {out} must equal the initial_state type {st}")
        if not _is_ui64(st):
            raise VerifyException(f"initial_state must be a tensor of ui64, got {st}")
        sizes = STATE_SIZES[self.rng_algorithm.data]
        shape = _shape(st)
        if len(shape) != 1 or shape[0] not in sizes:
            raise VerifyException(
                f"{self.rng_algorithm.data} needs a rank-1 state of {' or '.join(map(str, sizes))} words, got {st}")


def _is_ui64(t: TensorType) -> bool:
    elt = t.element_type
    return isinstance(elt, IntegerType) and elt.width.data == 64 and elt.signedness.data.name == "UNSIGNED"
