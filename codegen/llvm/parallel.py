"""Parallel loops on libgomp's thread pool.

A `parallel` loop's body is outlined into `void body(ptr data)`; the caller
packs every value the body needs (buffer pointers, symbols, enclosing loop
and iteration variables) into an i64 array and calls
`GOMP_parallel(body, data, 0, 0)`. Each thread takes a contiguous chunk of the
iteration space (`omp_get_thread_num` / `omp_get_num_threads`).
"""

from __future__ import annotations

from xdsl.dialects import llvm
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, UnitAttr, i32, i64
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
    # only values the loop uses: others may be defined in earlier loop bodies (not dominating here)
    used = {v for o in op.walk() for v in o.operands}
    values = [(k, v) for k, v in fl.scope.values.items() if k in used]
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
    zero32 = fl.emit(llvm.ConstantOp(_i32(0), i32))
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
    body.checked = getattr(fl, "checked", frozenset())  # predicates already tested around this loop
    body.versioned = getattr(fl, "versioned", frozenset())
    body.frees = []
    body.scope = _Scope()
    from tensorforge.codegen.llvm.scalar import ScalarLowering

    body.scalar = ScalarLowering(body.emit, body.libm, parent.options.contract, parent.options.fast_math)
    # The body gets the buffers as `noalias` pointer arguments (like the kernel's
    # own arguments) so that LLVM can vectorize and promote to registers inside it;
    # a wrapper `name(ptr data)` unpacks the slots and calls it.
    nb, nw = len(bufs), len(captured) - len(bufs)
    body.entry = Block(arg_types=[PTR] * nb + [i64] * nw)
    body.region = Region(body.entry)
    body.block = body.entry
    ptrs, words = list(body.entry.args[:nb]), list(body.entry.args[nb:])
    slot_types = [captured[k].type for k in range(len(names))] + [captured[k].type for k in range(len(names) + nb, len(captured))]
    for nm, w, t in zip(names, words, slot_types, strict=False):
        body.scope.names[nm] = _from_i64(body, w, t)
    for (buf, _), ptr in zip(bufs, ptrs, strict=True):
        body.scope.bufs[buf] = ptr
    for (key, _), w, t in zip(values, words[len(names):], slot_types[len(names):], strict=True):
        body.scope.values[key] = _from_i64(body, w, t)
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
    impl = f"{name}_body"
    noalias = DictionaryAttr({"llvm.noalias": UnitAttr(), "llvm.nocapture": UnitAttr()})
    impl_type = llvm.LLVMFunctionType([PTR] * nb + [i64] * nw, VOID)
    parent.funcs.append(llvm.FuncOp(impl, impl_type, linkage=llvm.LinkageAttr("internal"), body=body.region,
                                    other_props={"arg_attrs": ArrayAttr([noalias] * nb + [DictionaryAttr({})] * nw)}))
    parent.funcs.append(_wrapper(name, impl, len(names), nb, nw))
    return name


def _wrapper(name: str, impl: str, nnames: int, nb: int, nw: int) -> llvm.FuncOp:
    """`void name(ptr data)`: load the i64 slots (names, buffers, values) and call `impl`."""
    from xdsl.dialects.builtin import IntegerAttr

    entry = Block(arg_types=[PTR])
    ptrs: list[SSAValue] = []
    words: list[SSAValue] = []
    for i in range(nnames + nb + nw):
        idx = llvm.ConstantOp(IntegerAttr(i, i64), i64)
        slot = llvm.GEPOp.from_mixed_indices(entry.args[0], [idx.result], i64)
        word = llvm.LoadOp(slot.result, i64)
        entry.add_ops([idx, slot, word])
        if nnames <= i < nnames + nb:
            ptr = llvm.IntToPtrOp(word.results[0])
            entry.add_op(ptr)
            ptrs.append(ptr.results[0])
        else:
            words.append(word.results[0])
    entry.add_op(llvm.CallOp(impl, *ptrs, *words))
    entry.add_op(llvm.ReturnOp())
    return llvm.FuncOp(name, llvm.LLVMFunctionType([PTR], VOID), linkage=llvm.LinkageAttr("internal"), body=Region(entry),
                       other_props={"arg_attrs": ArrayAttr([DictionaryAttr({})])})
