"""The graph dialect: tensors with symbolic shapes and the ops of ML models.

Op classes live in `dialects/graphops/` split by family; this module is the
one place that assembles them into the `Graph` dialect and re-exports them,
so users write `from tensorforge.dialects import graph; graph.AddOp(a, b)`.
"""

from xdsl.dialect_interfaces.constant_materialization import ConstantMaterializationInterface
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr
from xdsl.ir import Attribute, Dialect, Operation

from tensorforge.dialects.graphops.attention import *
from tensorforge.dialects.graphops.attention import ATTENTION_OPS
from tensorforge.dialects.graphops.base import GraphOp, Props
from tensorforge.dialects.graphops.call_tir import CALL_TIR_OPS, CallTirOp
from tensorforge.dialects.graphops.elementwise import *
from tensorforge.dialects.graphops.elementwise import ELEMENTWISE_OPS
from tensorforge.dialects.graphops.func import *
from tensorforge.dialects.graphops.func import FUNC_ATTRS, FUNC_OPS, ConstantOp
from tensorforge.dialects.graphops.index import *
from tensorforge.dialects.graphops.index import INDEX_OPS
from tensorforge.dialects.graphops.nn import *
from tensorforge.dialects.graphops.nn import NN_OPS
from tensorforge.dialects.graphops.reduce import *
from tensorforge.dialects.graphops.reduce import REDUCE_OPS
from tensorforge.dialects.graphops.shape import *
from tensorforge.dialects.graphops.shape import SHAPE_OPS
from tensorforge.dialects.graphops.types import DimAttr, ShapeAttr, TensorType

GRAPH_OPS = [*FUNC_OPS, *CALL_TIR_OPS, *ELEMENTWISE_OPS, *NN_OPS, *REDUCE_OPS, *SHAPE_OPS, *INDEX_OPS, *ATTENTION_OPS]



class GraphConstantMaterialization(ConstantMaterializationInterface):
    """Folded values become graph.constant ops."""

    def materialize_constant(self, value: Attribute, type: Attribute) -> Operation | None:
        if not isinstance(value, DenseIntOrFPElementsAttr) or not isinstance(type, TensorType):
            return None
        return ConstantOp(value, type)


Graph = Dialect(
    "graph",
    GRAPH_OPS,
    [TensorType, DimAttr, ShapeAttr, *FUNC_ATTRS],
    [GraphConstantMaterialization()],
)

__all__ = ["Graph", "GraphOp", "Props", "TensorType", "DimAttr", "ShapeAttr", "GRAPH_OPS"]
