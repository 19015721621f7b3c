"""ONNX element types <-> graph element types and numpy dtypes."""

from __future__ import annotations

import ml_dtypes
import numpy as np
from onnx import TensorProto
from xdsl.ir import Attribute

from tensorforge.dialects.graphops.types import element_type_of, numpy_dtype

_NUMPY: dict[int, np.dtype] = {
    TensorProto.FLOAT: np.dtype(np.float32),
    TensorProto.DOUBLE: np.dtype(np.float64),
    TensorProto.FLOAT16: np.dtype(np.float16),
    TensorProto.BFLOAT16: np.dtype(ml_dtypes.bfloat16),
    TensorProto.BOOL: np.dtype(np.bool_),
    TensorProto.INT8: np.dtype(np.int8),
    TensorProto.INT16: np.dtype(np.int16),
    TensorProto.INT32: np.dtype(np.int32),
    TensorProto.INT64: np.dtype(np.int64),
    TensorProto.UINT8: np.dtype(np.uint8),
    TensorProto.UINT16: np.dtype(np.uint16),
    TensorProto.UINT32: np.dtype(np.uint32),
    TensorProto.UINT64: np.dtype(np.uint64),
}
_ONNX: dict[np.dtype, int] = {v: k for k, v in _NUMPY.items()}


class UnsupportedType(ValueError):
    """An ONNX element type the graph dialect has no counterpart for."""


def type_name(elem: int) -> str:
    try:
        return TensorProto.DataType.Name(elem)
    except ValueError:
        return f"type #{elem}"


def np_dtype(elem: int) -> np.dtype:
    if elem not in _NUMPY:
        raise UnsupportedType(f"element type {type_name(elem)} is not supported")
    return _NUMPY[elem]


def element(elem: int) -> Attribute:
    return element_type_of(np_dtype(elem))


def onnx_elem(elt: Attribute) -> int:
    return _ONNX[numpy_dtype(elt)]


def onnx_elem_of(dtype: np.dtype) -> int:
    return _ONNX[np.dtype(dtype)]


def is_float_dtype(dtype: np.dtype) -> bool:
    return np.dtype(dtype) in (np.float16, np.float32, np.float64, ml_dtypes.bfloat16)
