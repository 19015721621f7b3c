"""The README's Python tour runs as written (from the repository root)."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_blocks_run() -> None:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    cwd = os.getcwd()
    os.chdir(ROOT)
    namespace: dict[str, object] = {}
    try:
        for code in blocks:  # blocks build on each other, as a reader runs them
            exec(compile(code, "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
