"""The `stablehlo` dialect of our own: StableHLO text as JAX and MLIR print it.

Ops live in dialects/stablehloops/ops.py, attributes in attrs.py and the
pretty syntax in syntax.py. We print the generic form, which both we and
MLIR's stablehlo parse.
"""

from __future__ import annotations

from xdsl.ir import Dialect

from tensorforge.dialects.stablehloops.attrs import *  # noqa: F403
from tensorforge.dialects.stablehloops.attrs import STABLEHLO_ATTRS
from tensorforge.dialects.stablehloops.ops import *  # noqa: F403
from tensorforge.dialects.stablehloops.ops import STABLEHLO_OPS

StableHLO = Dialect("stablehlo", list(STABLEHLO_OPS), list(STABLEHLO_ATTRS))
