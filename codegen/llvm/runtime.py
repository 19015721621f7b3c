"""Support routines that LLVM's code generator calls on its own (libcalls).

Half-precision conversions without native instructions (f64 -> f16 always;
every f16 conversion on CPUs without F16C, e.g. `cpu="generic"`) become calls
to `__truncdfhf2`, `__truncsfhf2`, `__extendhfsf2`, and `llvm.powi` with a
variable exponent calls `__powisf2` / `__powidf2`. MCJIT resolves external
symbols only in the libraries loaded permanently, and an unresolved one is a
call to address 0: libgcc_s (GCC >= 12) has all of them. (bf16 is lowered
without libcalls: see scalar.lltype.)
"""

from __future__ import annotations

import ctypes.util
import functools

import llvmlite.binding as llvm_binding

from tensorforge.codegen.llvm.scalar import CodegenError

REQUIRED = ("__truncdfhf2", "__truncsfhf2", "__extendhfsf2", "__powisf2", "__powidf2")


@functools.cache
def install() -> None:
    """Load libgcc_s permanently (once per process) and check it has the routines."""
    gcc = ctypes.util.find_library("gcc_s") or "libgcc_s.so.1"
    try:
        llvm_binding.load_library_permanently(gcc)
    except RuntimeError as e:
        raise CodegenError(f"libgcc_s is needed for half-precision conversions and was not found: {e}") from e
    missing = [s for s in REQUIRED if not llvm_binding.address_of_symbol(s)]
    if missing:
        raise CodegenError(f"the C runtime lacks {', '.join(missing)} (libgcc_s from GCC >= 12 has them)")
