"""Both CLIs: every user error is one line on stderr with exit code 1, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tensorforge.tools import opt, run

GOOD = """
graph.func @main(%x: !graph.tensor<[n, 4], f32>, %y: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.add %x, %y : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  %1 = graph.relu %0 : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %1 : !graph.tensor<[n, 4], f32>
}
"""


@pytest.fixture
def good(tmp_path: Path) -> Path:
    p = tmp_path / "good.mlir"
    p.write_text(GOOD)
    return p


def _opt(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = opt.main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def _one_line_error(rc: int, err: str) -> str:
    assert rc == 1
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_opt_roundtrip(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    rc, out, _ = _opt(capsys, str(good))
    assert rc == 0
    assert "graph.relu" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("graph.func @f( {", "good.mlir:1:16: error: Expected block argument"),
        (GOOD.replace("graph.relu", "graph.frobnicate"), "good.mlir:4:25: error: Operation graph.frobnicate is not registered"),
        (GOOD.replace("graph.relu", "nodialect.op"), "error: Operation nodialect.op is not registered"),
        (GOOD.replace("-> !graph.tensor<[n, 4], f32>\n  %1", "-> !graph.tensor<[n, 5], f32>\n  %1"), "error:"),
        (GOOD.replace("%y : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>",
                      "%y : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 3], f32>"), ""),
    ],
)
def test_opt_bad_ir(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / "good.mlir"
    p.write_text(text)
    rc, _, err = _opt(capsys, str(p))
    line = _one_line_error(rc, err)
    assert message in line


BAD_VERIFY = GOOD.replace("[n, 4], f32>\n  %1 = graph.relu %0 : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>", "[n, 4], f32>\n  %1 = graph.relu %0 : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 5], f32>").replace(
    "graph.return %1 : !graph.tensor<[n, 4], f32>", "graph.return %0 : !graph.tensor<[n, 4], f32>"
)


def test_opt_verifier_error_has_location(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert BAD_VERIFY != GOOD
    p = tmp_path / "bad.mlir"
    p.write_text(BAD_VERIFY)
    rc, _, err = _opt(capsys, str(p))
    line = _one_line_error(rc, err)
    assert f"{p}:4:3: 'graph.relu' op result #0 dim 1 is 5, expected 4" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "no-such-pass"], "unknown pass 'no-such-pass'"),
        (["-p", "cse{"], "invalid pass pipeline 'cse{' at column 5"),
        (["-p", "canonicalize,,cse"], "invalid pass pipeline"),
        (["-p", "graph-fold-constants{no-such-option=1}"], "pass 'graph-fold-constants' has no option 'no-such-option'"),
        (["-p", "graph-fold-constants{max-elements=abc}"], "pass 'graph-fold-constants': bad value for option 'max-elements'"),
        (["-t", "no-such-target"], "invalid choice: 'no-such-target'"),
        (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    ],
)
def test_opt_bad_options(capsys: pytest.CaptureFixture[str], good: Path, args: list[str], message: str) -> None:
    rc, _, err = _opt(capsys, str(good), *args)
    assert rc == 1
    assert "Traceback" not in err
    assert message in err


def test_opt_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = _opt(capsys, str(tmp_path / "nope.mlir"))
    assert "cannot open" in _one_line_error(rc, err)


def test_opt_split_and_verify_diagnostics(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "two.mlir"
    p.write_text(GOOD + "\n// -----\n" + BAD_VERIFY)
    rc, out, _ = _opt(capsys, str(p), "--split-input-file", "--verify-diagnostics")
    assert rc == 0
    assert "graph.relu" in out and "dim 1 is" in out


def test_opt_print_between_passes_and_time(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    rc, out, _ = _opt(capsys, str(good), "-p", "cse,dce", "--print-between-passes", "--time-passes")
    assert rc == 0
    assert "IR after cse" in out
    assert "Pass dce took" in out


def test_opt_output_file(capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path) -> None:
    out_path = tmp_path / "o.mlir"
    rc, _, _ = _opt(capsys, str(good), "-o", str(out_path))
    assert rc == 0
    assert "graph.relu" in out_path.read_text()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = run.main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_run_named_inputs(capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path) -> None:
    x = np.random.rand(3, 4).astype(np.float32) - 0.5
    y = np.random.rand(4).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    out_file = tmp_path / "o.npz"
    rc, _, err = _run(capsys, str(good), "--input", f"x={tmp_path / 'x.npy'}", "--input", f"y={tmp_path / 'y.npy'}", "-o", str(out_file))
    assert rc == 0, err
    np.testing.assert_array_equal(np.load(out_file)["out"], np.maximum(x + y, 0))


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (["x=X", "y=X"], "argument 'y' has rank 2"),
        (["z=X"], "has no argument 'z'"),
        (["x=X"], "no value for argument 'y'"),
        (["x=MISSING", "y=Y"], "cannot open"),
        (["x=XI", "y=Y"], "argument 'x' has dtype int32, expected float32"),
    ],
)
def test_run_bad_inputs(capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path, inputs: list[str], message: str) -> None:
    files = {"X": np.zeros((2, 4), np.float32), "Y": np.zeros(4, np.float32), "XI": np.zeros((2, 4), np.int32)}
    for k, v in files.items():
        np.save(tmp_path / f"{k}.npy", v)
    args = []
    for spec in inputs:
        name, key = spec.split("=")
        args += ["--input", f"{name}={tmp_path / (key + '.npy')}"]
    rc, _, err = _run(capsys, str(good), *args)
    assert message in _one_line_error(rc, err)


def test_run_bad_entry_and_bad_ir(capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path) -> None:
    rc, _, err = _run(capsys, str(good), "--entry", "nope")
    assert "no graph function @nope" in _one_line_error(rc, err)
    bad = tmp_path / "bad.mlir"
    bad.write_text("graph.func @f( {")
    rc, _, err = _run(capsys, str(bad))
    assert "bad.mlir:1:16" in _one_line_error(rc, err)


def test_installed_scripts(good: Path) -> None:
    """The console scripts exist and keep the one-line error discipline."""
    done = subprocess.run(["tensorforge-opt", str(good), "-p", "cse{"], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "tensorforge.tools.run", str(good), "--entry", "nope"], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "no graph function @nope" in done.stderr
