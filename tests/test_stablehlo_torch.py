"""Models of tests/test_torch_frontend.py exported graph -> StableHLO -> graph.

Each torch model is imported (static shapes), exported to StableHLO text, and run
three ways: the graph interpreter on the import (the reference), the stablehlo
interpreter on the text, and the graph interpreter on the re-imported text;
all are also compared with torch eager. rtol 1e-4, atol 1e-5 (f32).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tensorforge.frontends.stablehlo import export_stablehlo, import_stablehlo, parse_stablehlo  # noqa: E402
from tensorforge.frontends.torch import from_exported_program  # noqa: E402
from tensorforge.interp import run  # noqa: E402
from tensorforge.interp.stablehlo import run_stablehlo  # noqa: E402
from tests.test_torch_frontend import (  # noqa: E402
    CNN,
    MLP,
    DepthwiseSeparable,
    EmbedNorm,
    GPTBlock,
    export,
    randomize_norm_stats,
)


def _models() -> list[tuple[str, Any, Any]]:
    torch.manual_seed(0)
    return [
        ("mlp", MLP, lambda: torch.randn(4, 16)),
        ("cnn", CNN, lambda: torch.randn(2, 3, 16, 16)),
        ("depthwise", DepthwiseSeparable, lambda: torch.randn(2, 8, 10, 10)),
        ("embedding", EmbedNorm, lambda: torch.randint(0, 50, (2, 7))),
        ("gpt", GPTBlock, lambda: torch.randn(2, 6, 32)),
    ]


@pytest.mark.parametrize("name,model_cls,make_input", _models(), ids=[m[0] for m in _models()])
def test_torch_model_export_round_trip(name: str, model_cls: Any, make_input: Any) -> None:
    torch.manual_seed(0)
    model = model_cls()
    randomize_norm_stats(model)
    x = make_input()
    module = from_exported_program(export(model, x))
    with torch.no_grad():
        ref = model(x)
    wants = [r.numpy() for r in (ref if isinstance(ref, tuple | list) else [ref])]
    arr = x.numpy()
    text = export_stablehlo(module)
    runs = {"graph": run(module, "main", arr), "stablehlo": run_stablehlo(parse_stablehlo(text), "main", arr),
            "re-imported": run(import_stablehlo(text), "main", arr)}
    for how, gots in runs.items():
        assert len(gots) == len(wants), how
        for got, want in zip(gots, wants, strict=True):
            assert got.shape == want.shape and got.dtype == want.dtype, how
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=f"{name}: {how}")
