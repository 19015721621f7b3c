"""The native entry point: one LLVM function that calls every kernel in order.

    void tf_entry(ptr slots, ptr syms)

`slots` holds one pointer per kernel buffer argument (call after call),
`syms` one i64 per kernel symbol; the runtime fills both once per shape
binding (and the argument/result pointers per call), so a whole graph runs
in one native call with no Python between kernels.
"""

from __future__ import annotations

from xdsl.dialects import llvm
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, IntegerAttr, i64
from xdsl.ir import Block, Operation, Region, SSAValue

from tensorforge.codegen.llvm.lower import kernel_symbol, symbol_order
from tensorforge.dialects.tirops.ops import FuncOp as TirFuncOp
from tensorforge.runtime.program import Program

PTR = llvm.LLVMPointerType()
VOID = llvm.LLVMVoidType()
ENTRY = "tf_entry"


def slot_layout(prog: Program) -> tuple[list[list[int]], list[list[int]]]:
    """Slot and symbol indices of each call's arguments."""
    slots: list[list[int]] = []
    syms: list[list[int]] = []
    ns = nsym = 0
    for call in prog.calls:
        kernel = prog.kernels[call.kernel]
        nargs = len(call.inputs) + len(call.outputs)
        slots.append(list(range(ns, ns + nargs)))
        ns += nargs
        k = len(symbol_order(kernel))
        syms.append(list(range(nsym, nsym + k)))
        nsym += k
    return slots, syms


def build_entry(prog: Program) -> llvm.FuncOp:
    block = Block(arg_types=[PTR, PTR])
    slots_ptr, syms_ptr = block.args
    slots, syms = slot_layout(prog)

    def emit(op: Operation) -> SSAValue:
        """Append an op with one result; return that result."""
        block.add_op(op)
        return op.results[0]

    def const(v: int) -> SSAValue:
        return emit(llvm.ConstantOp(IntegerAttr(v, i64), i64))

    for call, slot_ids, sym_ids in zip(prog.calls, slots, syms, strict=True):
        kernel: TirFuncOp = prog.kernels[call.kernel]
        args: list[SSAValue] = []
        for s in slot_ids:
            addr = emit(llvm.GEPOp.from_mixed_indices(slots_ptr, [const(s)], PTR))
            args.append(emit(llvm.LoadOp(addr, PTR)))
        for s in sym_ids:
            addr = emit(llvm.GEPOp.from_mixed_indices(syms_ptr, [const(s)], i64))
            args.append(emit(llvm.LoadOp(addr, i64)))
        block.add_op(llvm.CallOp(kernel_symbol(kernel.sym_name.data), *args))
    block.add_op(llvm.ReturnOp())
    ftype = llvm.LLVMFunctionType([PTR, PTR], VOID)
    return llvm.FuncOp(ENTRY, ftype, linkage=llvm.LinkageAttr("external"), body=Region(block),
                       other_props={"arg_attrs": ArrayAttr([DictionaryAttr({}), DictionaryAttr({})])})


def entry_funcs(module: object, entry: str) -> list[llvm.FuncOp]:
    """[tf_entry] when graph function `entry` of `module` is lowered (only call_tir
    ops), else []: lets `-t llvm` print a whole model, kernels and entry."""
    from pathlib import Path

    from xdsl.traits import SymbolTable

    from tensorforge.dialects.graphops.call_tir import CallTirOp
    from tensorforge.dialects.graphops.func import FuncOp
    from tensorforge.runtime.program import build_program

    func = SymbolTable.lookup_symbol(module, entry)  # type: ignore[arg-type]
    if not isinstance(func, FuncOp) or not any(isinstance(op, CallTirOp) for op in func.body.walk()):
        return []
    return [build_entry(build_program(module, entry, {}, Path.cwd(), load_data=False))]  # type: ignore[arg-type]
