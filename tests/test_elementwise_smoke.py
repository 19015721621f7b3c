"""Smoke tests of the core: builders, round trip, interpretation, errors."""

from __future__ import annotations

import numpy as np
import pytest

from tensorforge.dialects import graph as g
from tensorforge.errors import InputError
from tests.helpers import run_op


def test_broadcast_add_f32_stays_f32() -> None:
    x = np.random.rand(3, 4).astype(np.float32)
    y = np.random.rand(4).astype(np.float32)
    (r,) = run_op(g.AddOp, x, y)
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r, x + y)


def test_symbolic_binding_error_names_argument() -> None:
    x = np.zeros((3, 4), np.float32)
    y = np.zeros((5, 4), np.float32)
    with pytest.raises(InputError, match="argument 'a1' dim 0 is 5, but 'n' is already bound to 3"):
        run_op(g.AddOp, x, y, shapes=[["n", 4], ["n", 4]])
