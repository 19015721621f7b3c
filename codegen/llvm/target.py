"""`tensorforge-opt -t llvm`: LLVM IR of every tir.func in the module.

    tensorforge-opt kernels.mlir -t llvm                          # as lowered (one `define` per kernel)
    tensorforge-opt model.mlir -p graph-lower-to-tensorir -t llvm
    tensorforge-opt kernels.mlir -t 'llvm{opt=3 cpu=znver4 fast-math=true}'

Options: `opt` (0: the IR as lowered; 1-3: optimized for `cpu` as the JIT
does, with its triple and data layout), `cpu` ("native", "generic" or an
LLVM CPU name), `fast-math` (full fast-math flags) and `contract` (FMA
contraction, on by default). Graph functions in the module are ignored.
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

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from tensorforge.codegen.llvm.jit import optimize, target_machine, to_llvm_ir
        from tensorforge.codegen.llvm.lower import Options
        from tensorforge.codegen.llvm.scalar import CodegenError

        if not 0 <= self.opt <= 3:
            raise CodegenError(f"-t llvm: opt must be 0 to 3, got {self.opt}")
        text = to_llvm_ir(module, Options(contract=self.contract, fast_math=self.fast_math))
        if self.opt:
            text = str(optimize(text, target_machine(self.cpu, self.opt), self.opt))
        print(text, file=output, end="" if text.endswith("\n") else "\n")
