"""`torch.compile(model, backend="tensorforge")`: a TorchDynamo backend.

Dynamo hands the backend each captured FX graph with example inputs. The graph
is exported again with `torch.export` (so it is functionalized and lowered to
Core ATen like any exported program), imported with `from_exported_program`
and compiled for the CPU with `tensorforge.compile`. The returned callable
takes torch tensors and returns torch tensors (zero-copy views of the results).

Dims dynamo made symbolic stay symbolic: SymInt graph inputs are recomputed from
the tensor dims they name, and the graph is exported with those dims dynamic,
so one compiled module serves every size. When that export fails the graph is
compiled once per distinct input shapes (and int inputs) instead.

A graph tensorforge cannot compile (an unsupported op, an input mutation, a
failing export or compilation) runs eagerly (`gm.forward`), with ONE warning
that names the ops or the error. Compiled graphs are inference-only: their
results do not track gradients.

Options (`torch.compile(..., options={"cpu": "generic"})`): `cpu`, `schedule`
and `fast_math`, passed to `tensorforge.compile`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import ml_dtypes
import numpy as np
import torch
from torch.export import Dim
from torch.export.graph_signature import OutputKind

from tensorforge.frontends.torch.errors import UnsupportedModelError
from tensorforge.frontends.torch.importer import from_exported_program

COMPILE_OPTIONS = ("cpu", "schedule", "fast_math")


class FallbackWarning(UserWarning):
    """A captured graph runs eagerly because tensorforge cannot compile it."""


def tensorforge_backend(gm: torch.fx.GraphModule, example_inputs: Sequence[Any], **options: Any) -> Callable[..., Any]:
    """The dynamo backend: a callable running `gm` through compiled tensorforge code
    (compiled on its first call, see `_Runner.prepare`)."""
    unknown = sorted(set(options) - set(COMPILE_OPTIONS))
    if unknown:
        raise ValueError(f"unknown tensorforge backend option(s) {', '.join(unknown)}; known: {', '.join(COMPILE_OPTIONS)}")
    return _Runner(gm, list(example_inputs), options)


def register() -> None:
    """Register the backend under the name "tensorforge" unless already there
    (the `torch_dynamo_backends` entry point also provides it once installed)."""
    from torch._dynamo.backends.registry import _COMPILER_FNS, register_backend

    if "tensorforge" not in _COMPILER_FNS:
        register_backend(compiler_fn=tensorforge_backend, name="tensorforge")


class _Fallback(Exception):
    """Why a graph runs eagerly (the text of the warning)."""


class _Runner:
    """Compiled code for one captured graph: one symbolic module, or one per shape key."""

    def __init__(self, gm: torch.fx.GraphModule, example_inputs: list[Any], options: dict[str, Any]) -> None:
        self.gm = gm
        self.options = options
        self.tensor_pos = [i for i, x in enumerate(example_inputs) if isinstance(x, torch.Tensor)]
        self.dynamic: Any = None
        self.per_shape: dict[tuple[Any, ...], Any] = {}
        self.example_inputs = example_inputs
        self.state = "new"  # then "compiled" or "eager"

    # -- compiling ----------------------------------------------------------------------
    def prepare(self, args: Sequence[Any]) -> None:
        """Compile on the first call (outside dynamo's own tracing, whose guards a
        nested torch.export would disturb), with that call's concrete inputs."""
        sources = _symint_sources(self.gm, self.example_inputs)
        if sources is not None and any(_symbolic_dims(self.gm, self.tensor_pos).values()):
            try:
                self.dynamic = self._compile_dynamic(sources, args)
                return
            except Exception:  # no symbolic module: specialize per shape (which says why if it fails too)
                self.dynamic = None
        self.per_shape[self._key(args)] = self._compile_static(args)

    def _compile_dynamic(self, sources: dict[int, tuple[int, int]], args: Sequence[Any]) -> Any:
        wrapper = _TensorsOnly(self.gm, len(args), self.tensor_pos, sources)
        tensors = [_detached(args[i]) for i in self.tensor_pos]
        dims = _symbolic_dims(self.gm, self.tensor_pos)
        spec = tuple({d: Dim.DYNAMIC for d in dims[k]} or None for k in range(len(tensors)))
        ep = torch.export.export(wrapper, tuple(tensors), dynamic_shapes=(spec,))  # one entry: the *tensors parameter
        return self._compile_program(ep)

    def _compile_static(self, inputs: Sequence[Any]) -> Any:
        try:
            ep = torch.export.export(self.gm, tuple(_detached(x) for x in inputs))
        except Exception as e:  # any export failure means this graph runs eagerly
            raise _Fallback(f"tensorforge: torch.export failed on a captured graph, which runs eagerly: {_first_line(e)}") from e
        return self._compile_program(ep)

    def _compile_program(self, ep: Any) -> Any:
        import tensorforge

        mutated = [s.kind.name for s in ep.graph_signature.output_specs if s.kind != OutputKind.USER_OUTPUT]
        if mutated:
            raise _Fallback(f"tensorforge: a captured graph mutates its inputs or buffers ({', '.join(sorted(set(mutated)))}) "
                            "and runs eagerly")
        try:
            module = from_exported_program(ep)
        except UnsupportedModelError as e:
            raise _Fallback(f"tensorforge: a captured graph runs eagerly: unsupported op(s) {', '.join(sorted(e.ops))}\n"
                            + str(e).split("\n", 1)[-1]) from e
        except Exception as e:  # an importer bug must not break the user's model: run it eagerly, say why
            raise _Fallback(f"tensorforge: importing a captured graph failed, it runs eagerly: {_first_line(e)}") from e
        try:
            return tensorforge.compile(module, **self.options), ep.call_spec.out_spec
        except Exception as e:  # a compilation failure runs the graph eagerly, with the reason
            raise _Fallback(f"tensorforge: compiling a captured graph failed, it runs eagerly: {_first_line(e)}") from e

    # -- calling ----------------------------------------------------------------------
    def __call__(self, *args: Any) -> Any:
        if self.state == "new":
            try:
                self.prepare(args)
                self.state = "compiled"
            except _Fallback as e:
                warnings.warn(str(e), FallbackWarning, stacklevel=2)
                self.state = "eager"
        if self.state == "eager":
            return self.gm.forward(*args)
        compiled = self.dynamic or self._for_shape(args)
        if compiled is None:
            return self.gm.forward(*args)
        cm, out_spec = compiled
        outs = cm(*[_numpy_of(args[i]) for i in self.tensor_pos])
        flat = [_torch_of(o) for o in outs]
        return torch.utils._pytree.tree_unflatten(flat, out_spec) if out_spec is not None else tuple(flat)

    def _for_shape(self, args: Sequence[Any]) -> Any:
        key = self._key(args)
        if key not in self.per_shape:
            try:
                self.per_shape[key] = self._compile_static(args)
            except _Fallback as e:
                warnings.warn(str(e), FallbackWarning, stacklevel=3)
                self.per_shape[key] = None
        return self.per_shape[key]

    def _key(self, args: Sequence[Any]) -> tuple[Any, ...]:
        return tuple((tuple(a.shape), a.dtype) if isinstance(a, torch.Tensor) else a for a in args)


class _TensorsOnly(torch.nn.Module):
    """`gm` called with its tensor inputs only: each SymInt input is read from
    the tensor dim that carries the same symbol."""

    def __init__(self, gm: torch.fx.GraphModule, nargs: int, tensor_pos: list[int],
                 sources: dict[int, tuple[int, int]]) -> None:
        super().__init__()
        self.gm = gm
        self.nargs = nargs
        self.tensor_pos = tensor_pos
        self.sources = sources

    def forward(self, *tensors: Any) -> Any:
        args: list[Any] = [None] * self.nargs
        for pos, t in zip(self.tensor_pos, tensors, strict=True):
            args[pos] = t
        for pos, (k, d) in self.sources.items():
            args[pos] = tensors[k].shape[d]
        return self.gm(*args)


def _placeholder_values(gm: torch.fx.GraphModule) -> list[Any]:
    return [n.meta.get("example_value", n.meta.get("val")) for n in gm.graph.nodes if n.op == "placeholder"]


def _symbolic_dims(gm: torch.fx.GraphModule, tensor_pos: list[int]) -> dict[int, list[int]]:
    """For each tensor input (by its index among tensors), the dims dynamo made symbolic."""
    values = _placeholder_values(gm)
    out: dict[int, list[int]] = {}
    for k, pos in enumerate(tensor_pos):
        fake = values[pos] if pos < len(values) else None
        shape = fake.shape if isinstance(fake, torch.Tensor) else ()
        out[k] = [d for d, s in enumerate(shape) if isinstance(s, torch.SymInt) and not s.node.expr.is_number]
    return out


def _symint_sources(gm: torch.fx.GraphModule, example_inputs: list[Any]) -> dict[int, tuple[int, int]] | None:
    """SymInt input position -> (tensor index, dim) with the same symbol; None when
    one has no such dim (or an input is neither tensor nor int)."""
    values = _placeholder_values(gm)
    if len(values) != len(example_inputs):
        return None
    dims: dict[str, tuple[int, int]] = {}
    k = 0
    for v in values:
        if not isinstance(v, torch.Tensor):
            continue
        for d, s in enumerate(v.shape):
            if isinstance(s, torch.SymInt):
                dims.setdefault(str(s.node.expr), (k, d))
        k += 1
    sources: dict[int, tuple[int, int]] = {}
    for pos, v in enumerate(values):
        if isinstance(v, torch.Tensor):
            continue
        if not isinstance(v, torch.SymInt) or str(v.node.expr) not in dims:
            return None
        sources[pos] = dims[str(v.node.expr)]
    return sources


def _detached(x: Any) -> Any:
    return x.detach() if isinstance(x, torch.Tensor) else x


def _numpy_of(t: torch.Tensor) -> np.ndarray:
    t = t.detach()
    if t.device.type != "cpu":
        raise ValueError(f"the tensorforge backend runs on the CPU; got a tensor on {t.device}")
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.numpy()


def _torch_of(a: np.ndarray) -> torch.Tensor:
    if a.dtype == ml_dtypes.bfloat16:
        return torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(a)


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return f"{type(e).__name__}: {text.splitlines()[0] if text else ''}"
