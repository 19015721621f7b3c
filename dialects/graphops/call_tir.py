"""`graph.call_tir`: a graph op that calls a tensorir function (Relax's call_tir).

    %y = graph.call_tir @add(%a, %b) : (!graph.tensor<[n], f32>, !graph.tensor<[n], f32>) -> !graph.tensor<[n], f32>

The callee takes one buffer per argument followed by one per result; the
call allocates the results and the callee writes them. This is what lets one
module hold graph functions and loop functions together.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import SymbolRefAttr
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import IRDLOperation, irdl_op_definition, prop_def, var_operand_def, var_result_def
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import VerifyException

from tensorforge.dialects.graphops.base import check_compatible, fail
from tensorforge.dialects.graphops.func import bind_call, substitute_type
from tensorforge.dialects.graphops.types import TensorType


def buffer_as_tensor(t: Attribute) -> TensorType | None:
    """The tensor type a !tir.buffer argument corresponds to."""
    from tensorforge.dialects.tirops.types import BufferType

    if not isinstance(t, BufferType):
        return None
    return TensorType(t.dims, t.element_type)


@irdl_op_definition
class CallTirOp(IRDLOperation):
    name = "graph.call_tir"
    callee = prop_def(SymbolRefAttr)
    arguments = var_operand_def(TensorType)
    res = var_result_def(TensorType)
    assembly_format = "$callee `(` $arguments `)` attr-dict `:` functional-type($arguments, $res)"

    def __init__(self, callee: str, args: Sequence[SSAValue | Operation], result_types: Sequence[TensorType]) -> None:
        values = [a.results[0] if isinstance(a, Operation) else a for a in args]
        super().__init__(operands=[values], result_types=[list(result_types)], properties={"callee": SymbolRefAttr(callee)})

    def verify_(self) -> None:
        from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp

        callee = SymbolTable.lookup_symbol(self, self.callee)
        if callee is None:
            raise fail(f"'{self.callee}' could not be found in the symbol table")
        if not isinstance(callee, TirFuncOp):
            raise fail(f"'{self.callee}' is not a tir.func")
        params = [buffer_as_tensor(t) for t in callee.function_type.inputs.data]
        want = len(self.arguments) + len(self.res)
        if len(params) != want:
            raise fail(f"@{callee.sym_name.data} takes {len(params)} buffers, the call needs {want} ({len(self.arguments)} arguments + {len(self.res)} results)")
        ins = [p for p in params[: len(self.arguments)] if p is not None]
        env = bind_call(ins, self.arguments.types, callee.sym_name.data)
        for i, (got, p) in enumerate(zip(self.res.types, params[len(self.arguments):], strict=True)):
            assert p is not None
            want_t = substitute_type(p, env)
            assert isinstance(want_t, TensorType)
            try:
                check_compatible(got, want_t, f"result #{i}")
            except VerifyException:
                raise


CALL_TIR_OPS: list[type[Operation]] = [CallTirOp]
