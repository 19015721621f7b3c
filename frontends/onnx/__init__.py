"""ONNX frontend: `from_onnx(model) -> ModuleOp` and an ONNX backend
(`tensorforge.frontends.onnx.backend`) that runs models through the interpreter."""

from tensorforge.frontends.onnx.errors import Issue, UnsupportedModelError
from tensorforge.frontends.onnx.importer import from_onnx

__all__ = ["Issue", "UnsupportedModelError", "from_onnx"]
