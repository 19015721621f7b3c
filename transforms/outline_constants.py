"""`graph-outline-constants`: move large inline constants into an `.npz` file.

Large weights make textual IR slow to print and parse (~100 us per op, more
per element) and unreadable; this pass writes every `dense<...>` constant of
at least `min-elements` elements to `file` and replaces it by
`#graph.external<"file", "key">`. The interpreter and `graph-fold-constants
{fold-external=true}` read them back; a relative path is resolved against the
directory of the IR file (tensorforge-run) or the working directory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, ModuleOp
from xdsl.passes import ModulePass

from tensorforge.dialects.graphops.dense import array_from_dense
from tensorforge.dialects.graphops.func import ConstantOp, ExternalAttr, FuncOp
from tensorforge.dialects.graphops.types import TensorType


@dataclass(frozen=True)
class OutlineConstantsPass(ModulePass):
    """Write large constants to an .npz file and reference them from the IR."""

    name = "graph-outline-constants"

    file: str = "weights.npz"
    """The .npz file to write (overwritten)."""

    min_elements: int = 1024
    """Constants with fewer elements stay inline."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        arrays: dict[str, np.ndarray] = {}
        for const in list(op.walk()):
            if not isinstance(const, ConstantOp) or not isinstance(const.value, DenseIntOrFPElementsAttr):
                continue
            t = const.result.type
            assert isinstance(t, TensorType)
            arr = array_from_dense(const.value, t)
            if arr.size < self.min_elements:
                continue
            key = _key_for(const, len(arrays))
            arrays[key] = arr
            const.properties["value"] = ExternalAttr(self.file, key)
        if arrays:
            np.savez(self.file, allow_pickle=True, **arrays)  # the default, explicit: no key can be taken for the flag


def _key_for(const: ConstantOp, index: int) -> str:
    func = const.parent_op()
    prefix = func.sym_name.data if isinstance(func, FuncOp) else "module"
    hint = const.result.name_hint
    return f"{prefix}.{hint}" if hint else f"{prefix}.c{index}"
