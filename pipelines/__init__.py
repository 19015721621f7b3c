"""Named pass pipelines: each name stands for a textual pass-pipeline string."""

from __future__ import annotations

PIPELINES: dict[str, str] = {}


def register(name: str, pipeline: str) -> None:
    """Add (or replace) a named pipeline; usable from the driver and `run`."""
    PIPELINES[name] = pipeline


def get(name: str) -> str:
    if name not in PIPELINES:
        raise KeyError(f"unknown pipeline '{name}' (known: {', '.join(sorted(PIPELINES)) or 'none'})")
    return PIPELINES[name]


def expand_pipeline(spec: str) -> str:
    """Replace pipeline names that stand alone in a comma list by their text."""
    if not spec:
        return spec
    parts = _split_top_level(spec)
    return ",".join(PIPELINES.get(p.strip(), p) for p in parts)


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
