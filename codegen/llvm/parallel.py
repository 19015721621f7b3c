"""Parallel loops on libgomp's thread pool.

A `parallel` loop's body is outlined into `void body(ptr data)`; the caller
packs every value the body needs (buffer pointers, symbols, enclosing loop
and iteration variables) into an i64 array and calls
`GOMP_parallel(body, data, 0, 0)`. Each thread takes a contiguous chunk of the
iteration space (`omp_get_thread_num` / `omp_get_num_threads`).
"""

from __future__ import annotations

from xdsl.dialects import llvm
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, i32, i64
from xdsl.ir import Block, Region, SSAValue

from tensorforge.dialects.tirops.ops import ForOp

PTR = llvm.LLVMPointerType()
VOID = llvm.LLVMVoidType()


def lower_parallel(fl: object, op: ForOp) -> None:
    from tensorforge.codegen.llvm.lower import FuncLowering, _Scope

    assert isinstance(fl, FuncLowering)
    parent = fl.parent
    name = f"{fl.func.sym_name.data}_par{len(parent.funcs)}_{op.var_name}".replace(".", "_")
    names = [k for k in fl.scope.names]
    bufs = list(fl.scope.bufs.items())
    values = list(fl.scope.values.items())
    captured = [fl.scope.names[k] for k in names] + [p for _, p in bufs] + [v for _, v in values]
    # pack: i64 slots (pointers through ptrtoint)
    n = max(len(captured), 1)
    data = fl.emit(llvm.AllocaOp(fl.const(n), i64, alignment=8))
    for i, v in enumerate(captured):
        slot = fl.emit(llvm.GEPOp.from_mixed_indices(data, [fl.const(i)], i64))
        word = fl.emit(llvm.PtrToIntOp(v, i64)) if isinstance(v.type, llvm.LLVMPointerType) else _to_i64(fl, v)
        fl.emit(llvm.StoreOp(word, slot))
    gomp = parent.declare("GOMP_parallel", VOID, [PTR, PTR, i32, i32])
    body_fn = _outline(fl, op, name, names, bufs, values, captured)
    fn_ptr = fl.emit(llvm.AddressOfOp(body_fn, PTR))
    zero32 = fl.emit(llvm.ConstantOp(i32.from_value(0) if hasattr(i32, "from_value") else _i32(0), i32))
    fl.emit(llvm.CallOp(gomp, fn_ptr, data, zero32, zero32))
    _ = (Block, Region, _Scope)


def _i32(v: int):
    from xdsl.dialects.builtin import IntegerAttr

    return IntegerAttr(v, i32)


def _to_i64(fl: object, v: SSAValue) -> SSAValue:
    from tensorforge.codegen.llvm.scalar import width

    w = width(v.type)
    if v.type == i64:
        return v
    if v.type.__class__.__name__.startswith("Float") or "Float" in type(v.type).__name__:
        bits = fl.emit(llvm.BitcastOp(v, _int_of(w)))  # type: ignore[attr-defined]
        return fl.emit(llvm.ZExtOp(bits, i64)) if w < 64 else bits  # type: ignore[attr-defined]
    return fl.emit(llvm.ZExtOp(v, i64))  # type: ignore[attr-defined]


def _int_of(w: int):
    from xdsl.dialects.builtin import IntegerType

    return IntegerType(w)


def _from_i64(fl: object, word: SSAValue, t: object) -> SSAValue:
    from tensorforge.codegen.llvm.scalar import width

    if t == i64:
        return word
    if isinstance(t, llvm.LLVMPointerType):
        return fl.emit(llvm.IntToPtrOp(word))  # type: ignore[attr-defined]
    w = width(t)  # type: ignore[arg-type]
    narrow = fl.emit(llvm.TruncOp(word, _int_of(w))) if w < 64 else word  # type: ignore[attr-defined]
    if "Float" in type(t).__name__:
        return fl.emit(llvm.BitcastOp(narrow, t))  # type: ignore[attr-defined]
    return narrow


def _outline(fl: object, op: ForOp, name: str, names: list[str], bufs: list, values: list, captured: list[SSAValue]) -> str:
    from tensorforge.codegen.llvm.lower import FuncLowering, _Scope

    assert isinstance(fl, FuncLowering)
    parent = fl.parent
    body = FuncLowering.__new__(FuncLowering)
    body.parent = parent
    body.func = fl.func
    body.symbols = fl.symbols
    body.entry = Block(arg_types=[PTR])
    body.region = Region(body.entry)
    body.block = body.entry
    body.frees = []
    body.scope = _Scope()
    from tensorforge.codegen.llvm.scalar import ScalarLowering

    body.scalar = ScalarLowering(body.emit, body.libm, parent.options.contract, parent.options.fast_math)
    data = body.entry.args[0]
    words = []
    for i in range(len(captured)):
        slot = body.emit(llvm.GEPOp.from_mixed_indices(data, [body.const(i)], i64))
        words.append(body.emit(llvm.LoadOp(slot, i64)))
    k = 0
    for nm in names:
        body.scope.names[nm] = _from_i64(body, words[k], captured[k].type)
        k += 1
    for buf, _ in bufs:
        body.scope.bufs[buf] = _from_i64(body, words[k], PTR)
        k += 1
    for key, _ in values:
        body.scope.values[key] = _from_i64(body, words[k], captured[k].type)
        k += 1
    # this thread's chunk of [0, extent)
    tid = body.emit(llvm.CallOp(parent.declare("omp_get_thread_num", i32, []), return_type=i32))
    nth = body.emit(llvm.CallOp(parent.declare("omp_get_num_threads", i32, []), return_type=i32))
    tid64 = body.emit(llvm.SExtOp(tid, i64))
    nth64 = body.emit(llvm.SExtOp(nth, i64))
    extent = body.expr(op.extent_expr)
    one = body.const(1)
    chunk = body.emit(llvm.SDivOp(body.emit(llvm.SubOp(body.emit(llvm.AddOp(extent, nth64)), one)), nth64))
    start = body.emit(llvm.MulOp(tid64, chunk))
    end_raw = body.emit(llvm.AddOp(start, chunk))
    end = body.scalar.select(body.scalar.icmp("slt", end_raw, extent), end_raw, extent)
    body.serial_loop(op.var_name, end, lambda: body.ops(op.body.block.ops), start=start)
    for p in body.frees:
        body.emit(llvm.CallOp(parent.declare("free", VOID, [PTR]), p))
    body.emit(llvm.ReturnOp())
    ftype = llvm.LLVMFunctionType([PTR], VOID)
    parent.funcs.append(llvm.FuncOp(name, ftype, linkage=llvm.LinkageAttr("internal"), body=body.region,
                                    other_props={"arg_attrs": ArrayAttr([DictionaryAttr({})])}))
    return name
