"""`torch.compile(model, backend="tensorforge")`: captured graphs compiled for the
CPU by tensorforge, compared with torch eager (rtol 1e-4, atol 1e-5, f32); symbolic
dims after dynamo's automatic dynamic recompile; the one-warning eager fallback."""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

import tensorforge.frontends.torch  # noqa: E402, F401  (registers the backend)
from tensorforge.frontends.torch.dynamo import FallbackWarning, tensorforge_backend  # noqa: E402
from tests.test_torch_frontend import CNN, MLP, EmbedNorm, randomize_norm_stats  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_dynamo() -> Any:
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


def recording(runners: list[Any]) -> Any:
    """The tensorforge backend, keeping each graph's runner for inspection."""

    def backend(gm: Any, example_inputs: Any) -> Any:
        runner = tensorforge_backend(gm, example_inputs)
        runners.append(runner)
        return runner

    return backend


def same(got: Any, want: Any) -> None:
    got = list(got) if isinstance(got, tuple | list) else [got]
    want = list(want) if isinstance(want, tuple | list) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert isinstance(g, torch.Tensor) and g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g.numpy(), w.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_registered_by_name_and_entry_point() -> None:
    assert "tensorforge" in torch._dynamo.list_backends()
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    eps = meta["project"]["entry-points"]["torch_dynamo_backends"]
    assert eps == {"tensorforge": "tensorforge.frontends.torch.dynamo:tensorforge_backend"}


def test_mlp_dynamic_batch() -> None:
    """The second batch size makes dynamo recompile with a symbolic batch dim: one
    compiled module (symbolic) then serves every later size (batch 1 would be a
    graph of its own: dynamo specializes size-1 dims)."""
    model = MLP().eval()
    runners: list[Any] = []
    compiled = torch.compile(model, backend=recording(runners))
    with torch.no_grad():
        for n in (4, 6, 9, 13):
            x = torch.randn(n, 16)
            same(compiled(x), model(x))
    assert len(runners) == 2 and all(r.state == "compiled" for r in runners)
    assert runners[0].dynamic is None and len(runners[0].per_shape) == 1
    assert runners[1].dynamic is not None and not runners[1].per_shape


def test_cnn_batch_norm_by_name() -> None:
    model = CNN()
    randomize_norm_stats(model)
    model.eval()
    compiled = torch.compile(model, backend="tensorforge")
    x = torch.randn(2, 3, 16, 16)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        with torch.no_grad():
            same(compiled(x), model(x))


def test_embedding_int64_ids_by_name() -> None:
    """int64 inputs in, f32 out (dtypes kept both ways)."""
    model = EmbedNorm().eval()
    compiled = torch.compile(model, backend="tensorforge")
    ids = torch.randint(0, 50, (2, 7))
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        with torch.no_grad():
            same(compiled(ids), model(ids))


def test_unsupported_op_falls_back_with_one_warning() -> None:
    """A graph with ops tensorforge lacks runs eagerly (same results), with one
    warning naming them; the graph after a graph break still compiles."""

    class Mixed(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x: Any) -> Any:
            y = torch.atan2(x, x + 1) + torch.erfinv(x.clamp(-0.5, 0.5))
            torch._dynamo.graph_break()
            return torch.relu(self.fc(y))

    model = Mixed().eval()
    runners: list[Any] = []
    compiled = torch.compile(model, backend=recording(runners))
    x = torch.randn(3, 4)
    with warnings.catch_warnings(record=True) as caught, torch.no_grad():
        warnings.simplefilter("always")
        same(compiled(x), model(x))
        same(compiled(x), model(x))
    ours = [w for w in caught if issubclass(w.category, FallbackWarning)]
    assert len(ours) == 1
    text = str(ours[0].message)
    assert "unsupported op(s) aten.atan2.default, aten.erfinv.default" in text
    assert sorted(r.state for r in runners) == ["compiled", "eager"]


def test_unknown_option_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown tensorforge backend option"):
        tensorforge_backend(torch.fx.symbolic_trace(nn.ReLU()), [torch.zeros(2)], opt_level=3)
