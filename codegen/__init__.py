"""Code generation from tensorir: LLVM IR for CPUs (llvm/)."""
