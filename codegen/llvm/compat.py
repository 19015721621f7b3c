"""What xDSL 0.74's LLVM dialect and translation (`xdsl.backend.llvm`) lack.

- `llvm.uitofp`: the dialect has no unsigned int -> float cast; `UIToFPOp`
  is one, translated by the same cast converter as `sitofp` (`register()`,
  idempotent, called by ModuleLowering).
- bf16 constants: bf16 values are lowered as their bits (see scalar.lltype);
  `bf16_bits` rounds a constant the way ml_dtypes (the interpreter) does.
"""

from __future__ import annotations

import functools

from xdsl.dialects import llvm
from xdsl.irdl import irdl_op_definition


@irdl_op_definition
class UIToFPOp(llvm.GenericCastOp):
    """Unsigned integer to float (LLVM's `uitofp`, rounded to nearest even)."""

    name = "llvm.uitofp"


@functools.cache
def register() -> None:
    from xdsl.backend.llvm import convert_op

    convert_op._CAST_OP_NAMES[UIToFPOp] = "uitofp"


def bf16_bits(value: float) -> int:
    """`value` as bf16 bits, rounded like ml_dtypes (the interpreter): through f32, ties to even."""
    import ml_dtypes
    import numpy as np

    with np.errstate(all="ignore"):
        return int(np.array(value, np.float64).astype(np.float32).astype(ml_dtypes.bfloat16).view(np.uint16))
