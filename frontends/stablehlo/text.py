"""Reading StableHLO text: hex float literals and the parse entry point.

MLIR prints special floats as bit patterns (`dense<0xFF800000> : tensor<f32>`
is -inf); xDSL 0.74 reads such a literal as the integer 4286578688. We
rewrite those literals into MLIR's raw-bytes form (`dense<"0x...">`), which
xDSL decodes correctly, before parsing.
"""

from __future__ import annotations

import re

import ml_dtypes
import numpy as np
from xdsl.dialects.builtin import ModuleOp

from tensorforge.ir import parse_module

_DENSE = re.compile(r"dense<([^<>\"]*0x[^<>\"]*)>(\s*:\s*tensor<([0-9x]*?)x?(f16|bf16|f32|f64)>)")
_TOKEN = re.compile(r"0x[0-9a-fA-F]+|[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|inf|nan)|true|false")
_FLOATS = {"f16": np.float16, "bf16": ml_dtypes.bfloat16, "f32": np.float32, "f64": np.float64}
_BITS = {"f16": np.uint16, "bf16": np.uint16, "f32": np.uint32, "f64": np.uint64}


def _rewrite(m: re.Match[str]) -> str:
    body, suffix, elt = m.group(1), m.group(2), m.group(4)
    dtype, bits = _FLOATS[elt], _BITS[elt]
    values = []
    for tok in _TOKEN.findall(body):
        if tok.startswith("0x"):
            values.append(np.array(int(tok, 16), bits).view(dtype))
        else:
            values.append(np.array(float(tok), dtype))
    raw = np.array(values, dtype).tobytes()
    return f'dense<"0x{raw.hex().upper()}">{suffix}'


def fix_hex_floats(text: str) -> str:
    """Unquoted hex float literals -> quoted raw little-endian bytes."""
    return _DENSE.sub(_rewrite, text)


def parse_stablehlo(text: str, name: str = "<stablehlo>") -> ModuleOp:
    """Parse (and verify) StableHLO text in the pretty or generic form."""
    return parse_module(fix_hex_floats(text), name=name)
