"""Named pass pipelines: each name stands for a textual pass-pipeline string.

`run(module, "graph-simplify")` or `run(module, "canonicalize,cse")` applies a
named pipeline or any pipeline text in place; `tensorforge-opt -p <name>` does
the same from the driver. Users add theirs with `register(name, text)`.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

PIPELINES: dict[str, str] = {
    "graph-simplify": "canonicalize,cse,graph-infer-shapes,dce",
    "graph-optimize": "canonicalize,graph-fold-constants,graph-recognize,graph-fold-batchnorm,canonicalize,cse,"
    "graph-convert-layout{layout=\"NHWC\"},graph-fold-constants,canonicalize,cse,graph-fuse-ops,dce",
    "graph-lower": "graph-lower-to-tensorir",
    "cpu-default": "graph-inline,graph-optimize,graph-lower-to-tensorir,tir-dedup-funcs,tir-default-schedule",
}
"""`cpu-default` takes a model to scheduled tensorir; `-t llvm` then prints its LLVM
IR (kernels and the tf_entry entry point): `tensorforge-opt m.mlir -p cpu-default -t llvm`."""


def register(name: str, pipeline: str) -> None:
    """Add (or replace) a named pipeline; usable from the driver and `run`."""
    PIPELINES[name] = pipeline


def get(name: str) -> str:
    if name not in PIPELINES:
        raise KeyError(f"unknown pipeline '{name}' (known: {', '.join(sorted(PIPELINES)) or 'none'})")
    return PIPELINES[name]


def expand_pipeline(spec: str, depth: int = 0) -> str:
    """Replace pipeline names that stand alone in a comma list by their text
    (recursively: a pipeline may name other pipelines)."""
    if not spec:
        return spec
    if depth > 16:
        raise ValueError("named pipelines refer to each other in a cycle")
    parts = [p.strip() for p in _split_top_level(spec)]
    return ",".join(expand_pipeline(PIPELINES[p], depth + 1) if p in PIPELINES else p for p in parts)


def _split_top_level(spec: str) -> list[str]:
    parts: list[str] = []
    depth, start, quoted = 0, 0, False
    for i, ch in enumerate(spec):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "{":
            depth += 1
        elif not quoted and ch == "}":
            depth -= 1
        elif not quoted and ch == "," and depth == 0:
            parts.append(spec[start:i])
            start = i + 1
    parts.append(spec[start:])
    return parts


def names() -> list[str]:
    return sorted(PIPELINES)


def available_passes() -> dict[str, object]:
    """Every pass the driver knows: xDSL's and tensorforge's."""
    from tensorforge.universe import _multiverse, tensorforge_passes

    passes: dict[str, object] = dict(_multiverse().all_passes)
    passes.update(tensorforge_passes())
    return passes


def run(module: ModuleOp, pipeline: str) -> ModuleOp:
    """Apply a named pipeline or a pipeline string to `module` in place."""
    from xdsl.passes import PassPipeline

    from tensorforge.ir import make_context, verify_module
    from tensorforge.tools.opt import validate_pipeline

    spec = expand_pipeline(pipeline)
    passes = available_passes()
    validate_pipeline(spec, passes)  # type: ignore[arg-type]
    PassPipeline.parse_spec(passes, spec).apply(make_context(), module)  # type: ignore[arg-type]
    verify_module(module)
    return module
