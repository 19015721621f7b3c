"""`tensorforge-opt -t llvm`: LLVM IR of every tir.func in the module, plus the
model's native entry point `void tf_entry(ptr slots, ptr syms)` when graph
function `entry` (default "main") is lowered to graph.call_tir ops.

    tensorforge-opt model.mlir -p cpu-default -t llvm             # a whole model

    tensorforge-opt kernels.mlir -t llvm                          # as lowered (one `define` per kernel)
    tensorforge-opt model.mlir -p graph-lower-to-tensorir -t llvm
    tensorforge-opt kernels.mlir -t 'llvm{opt=3 cpu=znver4 fast-math=true}'
    tensorforge-opt kernels.mlir -t 'llvm{vector-bits=256}'       # 8 x f32 vectors for vectorized loops

Options: `opt` (0: the IR as lowered; 1-3: optimized for `cpu` as the JIT
does, with its triple and data layout), `cpu` ("native", "generic" or an
LLVM CPU name), `fast-math` (full fast-math flags) and `contract` (FMA
contraction, on by default), `entry` (the graph function whose lowered
call sequence becomes tf_entry), `vector-bits` (register width of the explicit
vector code for `vectorized` loops, codegen/llvm/vector.py: a power of two
from 64 to 4096, or 0 to leave those loops to LLVM's loop vectorizer; default:
the CPU's, vector.default_vector_bits).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target


@dataclass(frozen=True)
class LLVMTarget(Target):
    name = "llvm"

    cpu: str = "native"
    fast_math: bool = False
    contract: bool = True
    opt: int = 0
    vector_bits: int | None = None
    entry: str = "main"

    def checked_vector_bits(self) -> int:
        from tensorforge.codegen.llvm.scalar import CodegenError
        from tensorforge.codegen.llvm.vector import default_vector_bits

        bits = self.vector_bits
        if bits is None:
            return default_vector_bits(self.cpu)
        if bits != 0 and (bits < 64 or bits > 4096 or bits & (bits - 1)):
            raise CodegenError(f"-t llvm: vector-bits must be 0 or a power of two from 64 to 4096, got {bits}")
        return bits

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from tensorforge.codegen.llvm.jit import optimize, target_machine, to_llvm_ir
        from tensorforge.codegen.llvm.lower import Options
        from tensorforge.codegen.llvm.scalar import CodegenError

        if not 0 <= self.opt <= 3:
            raise CodegenError(f"-t llvm: opt must be 0 to 3, got {self.opt}")
        from tensorforge.runtime.entry import entry_funcs

        extra = entry_funcs(module, self.entry)
        text = to_llvm_ir(module, Options(contract=self.contract, fast_math=self.fast_math,
                                          vector_bits=self.checked_vector_bits()), extra)
        if self.opt:
            text = str(optimize(text, target_machine(self.cpu, self.opt), self.opt))
        print(text, file=output, end="" if text.endswith("\n") else "\n")
