"""Generate filecheck/tir/lower_each_op.mlir: one FileCheck test per lowered graph op.

Usage (from anywhere; the output path is fixed, the result is deterministic):

    python scripts/gen_lowering_checks.py            # (re)write the .mlir file
    python scripts/gen_lowering_checks.py --check    # exit 1 if the file is stale

For every graph op with a lowering (`LOWERINGS` after `registry.load_all()`)
`all_cases()` holds one instance with typical attributes and, where the op allows it,
a symbolic dim (`n`, `m`). The script prints each instance as a graph.func
named after the op, lowers the whole module with `graph-lower-to-tensorir`
and derives CHECK lines from the actual tir output:

- per graph.func: `CHECK-LABEL: graph.func @<op>(` and its `graph.call_tir` line;
- per tir.func: `CHECK-LABEL: tir.func @<lowered>(`, the signature (buffer
  names captured), every `tir.alloc`, every `tir.for` header (loop variable
  captured, extent literal), every `tir.block` line (iteration variables
  captured with their spatial/reduce kind, domain and binding; predicate,
  reads and writes with the captured names), the init region's lines, and
  the distinct arith/math/scf/`tir.index` ops of each block body (and the
  loads and stores at data-dependent indices) in order of first appearance;
- consecutive output lines become CHECK-NEXT, so loop nests stay nests.

Names (loop and iteration variables, buffers) are FileCheck variables and SSA
values are `{{.*}}`, so renaming does not break the test, but a changed
domain, kind (spatial vs reduce), binding, access or init region does.
Regenerate after changing a lowering on purpose, and review the diff.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `tests.helpers` (`tensorforge` itself is installed)

from xdsl.dialects.builtin import ModuleOp, f32, i32  # noqa: E402
from xdsl.ir import Operation  # noqa: E402

from tensorforge import pipelines  # noqa: E402
from tensorforge.dialects import graph as g  # noqa: E402
from tensorforge.dialects.graphops.base import GraphOp  # noqa: E402
from tensorforge.dialects.graphops.elementwise import (  # noqa: E402
    ANY,
    ARITH,
    BINARY_OPS,
    COMPARE_OPS,
    FLOAT,
    INTEGER,
    INTEGER_OR_BOOL,
    LOGICAL,
    UNARY_OPS,
)
from tensorforge.ir import parse_module, print_module  # noqa: E402
from tensorforge.lowering.registry import LOWERINGS, load_all  # noqa: E402
from tests.helpers import build_func, tensor  # noqa: E402

OUT = ROOT / "filecheck" / "tir" / "lower_each_op.mlir"
RUN = "// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | filecheck %s"

Shape = Sequence[Any]
Make = Callable[..., Any]
Case = tuple[type[Operation], list[tuple[Shape, str]], Make]
"""(op class, argument (shape, numpy dtype name) pairs, body builder)."""

KIND_DTYPE = {ANY: "float32", ARITH: "float32", FLOAT: "float32", INTEGER: "int32", INTEGER_OR_BOOL: "int32",
              LOGICAL: "bool"}  # fmt: skip


# -- one instance per op --------------------------------------------------------------------------
def elementwise_cases() -> list[Case]:
    """Binary ops broadcast x[n, 4] against y[4]; unary ops map x[n, 4]."""
    cases: list[Case] = []
    for op in [*BINARY_OPS, *COMPARE_OPS]:
        dt = KIND_DTYPE[op.KIND]
        cases.append((op, [(["n", 4], dt), ([4], dt)], op))
    props: dict[type[Operation], dict[str, Any]] = {
        g.LeakyReluOp: {"alpha": 0.2}, g.EluOp: {"alpha": 1.5}, g.HardSigmoidOp: {"alpha": 0.2, "beta": 0.5},
    }  # fmt: skip
    for op in UNARY_OPS:
        p = props.get(op, {})
        cases.append((op, [(["n", 4], KIND_DTYPE[op.KIND])], lambda x, op=op, p=p: op(x, **p)))
    return [
        *cases,
        (g.WhereOp, [(["n", 1], "bool"), (["n", 4], "float32"), ([4], "float32")], g.WhereOp),
        (g.ClipOp, [(["n", 4], "float32")], lambda x: g.ClipOp(x, min=0.0, max=6.0)),
        (g.CastOp, [(["n", 4], "float32")], lambda x: g.CastOp(x, to=i32)),
    ]


def nn_cases() -> list[Case]:
    win = {"kernel": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}
    x4 = (["n", 3, 8, 8], "float32")
    return [
        (g.MatmulOp, [(["n", 8], "float32"), ([8, 4], "float32")], g.MatmulOp),
        (g.DenseOp, [(["n", 8], "float32"), ([4, 8], "float32"), ([4], "float32")], g.DenseOp),
        (g.ConvOp, [x4, ([4, 3, 3, 3], "float32"), ([4], "float32")], lambda *a: g.ConvOp(*a, pads=[1, 1, 1, 1])),
        (g.ConvTransposeOp, [(["n", 4, 5, 5], "float32"), ([4, 3, 3, 3], "float32")],
         lambda *a: g.ConvTransposeOp(*a, strides=[2, 2], pads=[1, 1, 1, 1])),
        (g.MaxPoolOp, [x4], lambda x: g.MaxPoolOp(x, **win)),
        (g.AvgPoolOp, [x4], lambda x: g.AvgPoolOp(x, **win)),
        (g.GlobalAvgPoolOp, [x4], g.GlobalAvgPoolOp),
        (g.AdaptiveAvgPoolOp, [(["n", 3, 7, 7], "float32")], lambda x: g.AdaptiveAvgPoolOp(x, output_size=[3, 3])),
        (g.AttentionOp, [(["n", 5, 8], "float32"), (["n", 6, 8], "float32"), (["n", 6, 4], "float32")], g.AttentionOp),
    ]  # fmt: skip


def reduce_cases() -> list[Case]:
    x = (["n", 3, 4], "float32")
    reductions = [g.ReduceSumOp, g.ReduceMeanOp, g.ReduceMaxOp, g.ReduceMinOp, g.ReduceProdOp, g.ReduceL2Op]
    cases: list[Case] = [(op, [x], lambda a, op=op: op(a, axes=[-1])) for op in reductions]
    c3, c6 = ([3], "float32"), ([6], "float32")
    return [
        *cases,
        (g.ArgMaxOp, [(["n", 5], "float32")], lambda a: g.ArgMaxOp(a, axis=1)),
        (g.ArgMinOp, [(["n", 5], "float32")], lambda a: g.ArgMinOp(a, axis=1)),
        (g.SoftmaxOp, [(["n", 16], "float32")], g.SoftmaxOp),
        (g.LogSoftmaxOp, [(["n", 16], "float32")], g.LogSoftmaxOp),
        (g.CumSumOp, [(["n", 6], "int32")], lambda a: g.CumSumOp(a, axis=1)),
        (g.LayerNormOp, [(["n", 8], "float32"), ([8], "float32"), ([8], "float32")], g.LayerNormOp),
        (g.BatchNormOp, [(["n", 3, 4, 4], "float32"), c3, c3, c3, c3], g.BatchNormOp),
        (g.GroupNormOp, [(["n", 6, 4], "float32"), c6, c6], lambda *a: g.GroupNormOp(*a, num_groups=2)),
        (g.InstanceNormOp, [(["n", 3, 4, 4], "float32"), c3, c3], g.InstanceNormOp),
    ]


def shape_cases() -> list[Case]:
    """iota and full take no operand: an unused x[n] argument binds their symbolic dim."""
    nk = (["n", 4], "float32")
    return [
        (g.ReshapeOp, [(["n", 4, 8], "float32")], lambda a: g.ReshapeOp(a, shape=[-1, 32])),
        (g.TransposeOp, [(["n", "m", 4], "float32")], lambda a: g.TransposeOp(a, perm=[2, 0, 1])),
        (g.BroadcastToOp, [(["n", 1], "float32")], lambda a: g.BroadcastToOp(a, shape=[-1, 4])),
        (g.SqueezeOp, [(["n", 1, 4], "float32")], lambda a: g.SqueezeOp(a, axes=[1])),
        (g.UnsqueezeOp, [nk], lambda a: g.UnsqueezeOp(a, axes=[0])),
        (g.FlattenOp, [(["n", 3, 4], "float32")], lambda a: g.FlattenOp(a, axis=1)),
        (g.TileOp, [(["n", 3], "float32")], lambda a: g.TileOp(a, repeats=[2, 1])),
        (g.ConcatOp, [nk, (["m", 4], "float32")], lambda *a: g.ConcatOp(list(a), axis=0)),
        (g.SplitOp, [(["n", 6], "float32")], lambda a: g.SplitOp(a, axis=1, num_outputs=2).outputs),
        (g.SliceOp, [(["n", 8], "float32")], lambda a: g.SliceOp(a, starts=[1], ends=[7], axes=[1], steps=[2])),
        (g.PadOp, [nk], lambda a: g.PadOp(a, pads=[1, 1, 0, 2])),
        (g.IotaOp, [(["n"], "float32")], lambda a: g.IotaOp(shape=["n", 4], dimension=0, dtype=f32)),
        (g.FullOp, [(["n"], "float32")], lambda a: g.FullOp(shape=["n", 4], value=1.5, dtype=f32)),
        (g.ZerosLikeOp, [nk], g.ZerosLikeOp),
        (g.OnesLikeOp, [nk], g.OnesLikeOp),
    ]


def index_cases() -> list[Case]:
    nk = (["n", 4], "float32")
    return [
        (g.GatherOp, [nk, (["m"], "int64")], lambda a, b: g.GatherOp(a, b, axis=0)),
        (g.GatherElementsOp, [nk, (["n", 2], "int64")], lambda a, b: g.GatherElementsOp(a, b, axis=1)),
        (g.GatherNDOp, [(["n", 5, 6], "float32"), (["m", 2], "int64")], g.GatherNDOp),
        (g.ScatterElementsOp, [nk, (["m", 4], "int64"), (["m", 4], "float32")],
         lambda a, b, c: g.ScatterElementsOp(a, b, c, axis=0, reduction="add")),
        (g.ScatterNDOp, [nk, (["m", 1], "int64"), (["m", 4], "float32")],
         lambda a, b, c: g.ScatterNDOp(a, b, c, reduction="add")),
        (g.EmbeddingOp, [(["v", 8], "float32"), (["b", "s"], "int64")], g.EmbeddingOp),
        (g.OneHotOp, [(["n"], "int64")], lambda a: g.OneHotOp(a, depth=5)),
        (g.ResizeOp, [(["n", 3, 4, 4], "float32")], lambda a: g.ResizeOp(a, scales=[1, 1, 2, 2], mode="linear")),
        (g.TopKOp, [(["n", 8], "float32")], lambda a: g.TopKOp(a, k=3).results),
        (g.SortOp, [(["n", 8], "float32")], g.SortOp),
        (g.ArgsortOp, [(["n", 8], "float32")], g.ArgsortOp),
    ]  # fmt: skip


def all_cases() -> list[Case]:
    return [*elementwise_cases(), *nn_cases(), *reduce_cases(), *shape_cases(), *index_cases()]


def func_name(op: type[Operation]) -> str:
    return op.name.removeprefix("graph.")


def build_module(cases: Sequence[Case]) -> ModuleOp:
    """One graph.func per case, named after the op, in one module."""
    funcs: list[Operation] = []
    for op, args, make in cases:
        one = build_func([tensor(s, dt) for s, dt in args], make, name=func_name(op))
        (func,) = one.body.block.ops
        func.detach()
        funcs.append(func)
    return ModuleOp(funcs)


# -- CHECK lines from the lowered text ---------------------------------------------------------------
NAME_RE = "[a-zA-Z0-9_]+"
SSA = "%{{.*}}"
TOKEN = re.compile(r'"[^"]*"|%([\w.]+)|(?<![\w.%])([A-Za-z_]\w*)')
"""A quoted string (kept), a %value, or a bare identifier (not inside a number or op name)."""
RESULTS = re.compile(r"^%[\w.]+(?:, %[\w.]+)* = ")
KEY_DIALECTS = ("arith.", "math.", "llvm.", "scf.")


class Names:
    """FileCheck variables for one function: loop and iteration variables (bare
    names) and buffers (`%name`). A variable's first use defines it."""

    def __init__(self) -> None:
        self.vars: dict[str, str] = {}
        self.buffers: dict[str, str] = {}
        self.defined: set[str] = set()

    def declare(self, name: str, buffer: bool = False) -> None:
        var = re.sub(r"\W", "_", name).upper()
        var = f"V{var}" if var[0].isdigit() else var
        taken = {*self.vars.values(), *self.buffers.values()}
        base, k = var, 1
        while var in taken:
            var, k = f"{base}_{k}", k + 1
        (self.buffers if buffer else self.vars)[name] = var

    def ref(self, var: str) -> str:
        if var in self.defined:
            return f"[[{var}]]"
        self.defined.add(var)
        return f"[[{var}:{NAME_RE}]]"

    def subst(self, text: str) -> str:
        """`text` as a FileCheck pattern: known names become variables, other SSA values `%{{.*}}`."""
        if any(s in text for s in ("{{", "}}", "[[", "]]")):
            raise ValueError(f"FileCheck syntax in the lowered text: {text}")

        def token(m: re.Match[str]) -> str:
            value, ident = m.group(1), m.group(2)
            if value is not None:
                return f"%{self.ref(self.buffers[value])}" if value in self.buffers else SSA
            if ident is not None and ident in self.vars:
                return self.ref(self.vars[ident])
            return m.group(0)

        return TOKEN.sub(token, text)


def is_key_op(stmt: str) -> bool:
    """Block-body statements worth a CHECK: computation (not constants), index
    expressions, and loads/stores at data-dependent (SSA) indices."""
    op = RESULTS.sub("", stmt).split(" ", 1)[0]
    if op.startswith(KEY_DIALECTS):
        return op != "arith.constant"
    if op == "tir.index":
        return True
    return op in ("tir.load", "tir.store") and "%" in stmt.partition("[")[2]


def tir_checks(lines: Sequence[str]) -> list[str]:
    """CHECK lines for one printed tir.func (`lines` stripped; the header first)."""
    names = Names()
    m = re.fullmatch(r"tir\.func @([\w.]+)\((.*)", lines[0])
    assert m, lines[0]
    for arg in re.findall(r"%([\w.]+): ", m.group(2)):
        names.declare(arg, buffer=True)
    checks = [f"// CHECK-LABEL: tir.func @{m.group(1)}(", f"// CHECK-SAME: {names.subst(m.group(2))}"]
    last, in_init, seen = 0, False, set[str]()
    for idx, stmt in enumerate(lines[1:], start=1):
        keep = statement_check(stmt, names, in_init)
        if stmt.startswith("tir.block "):
            in_init, seen = stmt.endswith(" init {"), set()
        elif stmt == "} {":
            in_init = False
        if keep is None or keep in seen:
            continue
        seen.add(keep)
        checks.append(f"// {'CHECK-NEXT' if idx == last + 1 else 'CHECK'}: {keep}")
        last = idx
    return checks


def statement_check(stmt: str, names: Names, in_init: bool) -> str | None:
    """The pattern for one statement of a tir.func, or None to skip it. Loops,
    allocs and blocks define names; init regions are kept whole; block bodies
    keep their key ops (see `is_key_op`)."""
    if m := re.match(r"%([\w.]+) = tir\.alloc ", stmt):
        names.declare(m.group(1), buffer=True)
    elif m := re.match(r"tir\.for (\w+) in ", stmt):
        names.declare(m.group(1))
    elif stmt.startswith("tir.block "):
        for var in re.findall(r"(\w+) = (?:spatial|reduce)\(", stmt):
            names.declare(var)
    elif stmt == "}" or not (in_init or stmt == "tir.return" or is_key_op(stmt)):
        return None  # closing braces, and block-body statements other than key ops
    return names.subst(RESULTS.sub("", stmt))


def graph_checks(lines: Sequence[str]) -> list[str]:
    """CHECK lines for one lowered graph.func: its label, then every statement (the call_tir and the return)."""
    name = re.match(r"graph\.func @([\w.]+)\(", lines[0])
    assert name, lines[0]
    body = [Names().subst(RESULTS.sub("", s)) for s in lines[1:]]
    return [f"// CHECK-LABEL: graph.func @{name.group(1)}(", *[f"// CHECK-NEXT: {s}" for s in body]]


# -- the file -----------------------------------------------------------------------------------------
def top_level(text: str, strip: bool = True) -> list[list[str]]:
    """The printed module's functions, each as its lines (stripped, or just
    dedented) without the closing brace."""
    funcs: list[list[str]] = []
    for line in text.splitlines()[1:-1]:
        if line == "  }":
            continue
        if not line.startswith("    "):
            funcs.append([])
        funcs[-1].append(line.strip() if strip else line.removeprefix("  "))
    return funcs


def generate() -> str:
    """The whole .mlir file: the RUN line, a header, part 1 (graph.funcs with their
    checks), part 2 (the checks of the tir.funcs, in the order they are printed)."""
    load_all()
    cases = all_cases()
    check_coverage(cases)
    module = build_module(cases)
    source = print_module(module)
    lowered = parse_module(source)
    pipelines.run(lowered, "graph-lower-to-tensorir")
    inputs = [[*f, "}"] for f in top_level(source, strip=False)]
    funcs = top_level(print_module(lowered))
    graph_out = [f for f in funcs if f[0].startswith("graph.func ")]
    tir_out = [f for f in funcs if f[0].startswith("tir.func ")]
    callers: dict[str, list[str]] = {}
    for (op, _, _), func in zip(cases, graph_out, strict=True):
        for callee in re.findall(r"graph\.call_tir @([\w.]+)\(", "\n".join(func)):
            callers.setdefault(callee, []).append(op.name)
    out = [RUN, "", *HEADER.format(count=len(cases)).splitlines(), ""]
    out += ["// ======== Part 1: every graph.func becomes calls of its tir.funcs ========", ""]
    for (op, _, _), src, func in zip(cases, inputs, graph_out, strict=True):
        out += [f"// -- {op.name} " + "-" * (90 - len(op.name)), *graph_checks(func), *src, ""]
    out += ["// ======== Part 2: the tir.funcs, in output order ========", ""]
    for func in tir_out:
        name = re.match(r"tir\.func @([\w.]+)\(", func[0]).group(1)  # type: ignore[union-attr]
        title = f"{' and '.join(callers.get(name, ['(no caller)']))} -> @{name}"
        out += [f"// -- {title} " + "-" * max(3, 90 - len(title)), *tir_checks(func), ""]
    return "\n".join(out)


HEADER = """\
// GENERATED by scripts/gen_lowering_checks.py: do not edit by hand; rerun the
// script after changing a lowering on purpose and review the diff.
//
// graph-lower-to-tensorir on one instance of each of the {count} graph ops that
// have a lowering, with typical attributes and symbolic dims (n, m, ...).
// Part 1 checks that each graph.func now only calls its tir.func; part 2
// checks each tir.func's structure: the buffers, every loop nest (tir.for
// headers), every block with its spatial/reduce iteration variables, their
// domains and bindings, its predicate, reads and writes, the init region, and
// the key arith/math ops of each block body (first occurrences, in order).
// Loop variables, iteration variables and buffers are FileCheck variables;
// SSA values match %{{{{.*}}}}."""


def check_coverage(cases: Sequence[Case]) -> None:
    """Every GraphOp with a lowering has exactly one case, and every GraphOp has a lowering."""
    ops = [op for op, _, _ in cases]
    graph_ops = {op for op in g.GRAPH_OPS if issubclass(op, GraphOp)}
    missing = sorted(op.name for op in graph_ops | set(LOWERINGS) if op not in ops)
    extra = sorted(op.name for op in ops if op not in LOWERINGS)
    dups = sorted({op.name for op in ops if ops.count(op) > 1})
    if missing or extra or dups:
        raise SystemExit(f"CASES out of date: missing {missing}, without lowering {extra}, duplicated {dups}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs from a fresh generation")
    args = parser.parse_args()
    text = generate() + "\n"
    if args.check:
        if OUT.read_text() != text:
            print(f"{OUT} is stale: rerun {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
