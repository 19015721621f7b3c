"""The tensorir dialect: TVM's TensorIR as xDSL ops (see dialects/tirops/)."""

from xdsl.ir import Dialect

from tensorforge.dialects.tirops.ops import *  # noqa: F403
from tensorforge.dialects.tirops.ops import TIR_OPS
from tensorforge.dialects.tirops.types import BufferType

TensorIR = Dialect("tir", TIR_OPS, [BufferType])
