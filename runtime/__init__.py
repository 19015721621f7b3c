"""The CPU runtime: `compile` a graph module to one native entry point, call it
with numpy/DLPack arrays, save and load the result."""

from tensorforge.runtime.archive import load
from tensorforge.runtime.build import compile_module
from tensorforge.runtime.compiled import CompiledModule
from tensorforge.runtime.program import CompileError

__all__ = ["CompileError", "CompiledModule", "compile_module", "load"]
