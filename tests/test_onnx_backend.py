"""ONNX's own backend test suite (onnx==1.23.2) through the interpreter.

Node tests plus the `real` (local "light" models, no download), `simple`,
`pytorch-converted` and `pytorch-operator` model tests. Node tests whose
opset is above 26 are skipped (they track unreleased or newer ops); CUDA
variants skip themselves. Known failures, each with its reason, are in
`tensorforge.frontends.onnx.expected_failures` and run as expected failures.

Run one case: `pytest tests/test_onnx_backend.py -k test_abs_cpu`.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings

import pytest

onnx = pytest.importorskip("onnx")

from onnx.backend.test import BackendTest  # noqa: E402
from onnx.backend.test.loader import load_model_tests  # noqa: E402

from tensorforge.frontends.onnx.backend import TensorforgeBackend  # noqa: E402
from tensorforge.frontends.onnx.expected_failures import EXPECTED_FAILURES  # noqa: E402

MAX_OPSET = 26

# the `real` cases run the bundled light models and write their data under
# ONNX_HOME: keep that out of the user's home (and never download anything)
os.environ.setdefault("ONNX_HOME", tempfile.mkdtemp(prefix="tensorforge_onnx_home_"))

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the suite's case generators warn about their own inputs
    backend_test = BackendTest(TensorforgeBackend, __name__)
    node_cases = load_model_tests(kind="node")  # cached by the loader: no second generation


def _opset(case: object) -> int:
    model = case.model  # type: ignore[attr-defined]
    return max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=0)


_too_new = sorted(c.name for c in node_cases if _opset(c) > MAX_OPSET)
if _too_new:
    backend_test.exclude("^(" + "|".join(re.escape(n) for n in _too_new) + ")_(cpu|cuda)$")
backend_test.exclude(r"_cuda$")
for pattern in EXPECTED_FAILURES:
    backend_test.xfail(pattern)

globals().update(backend_test.test_cases)
