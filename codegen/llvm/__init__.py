"""tensorir -> xDSL llvm dialect -> LLVM IR (llvmlite) -> native code."""
