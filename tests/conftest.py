"""Shared pytest settings: hypothesis profiles (TF_HYPOTHESIS_EXAMPLES raises the count)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "tensorforge",
    max_examples=int(os.environ.get("TF_HYPOTHESIS_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("CI") is not None,
)
settings.load_profile("tensorforge")
