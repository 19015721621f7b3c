"""numpy <-> `dense<...>` attributes, byte for byte (lossless for every dtype)."""

from __future__ import annotations

from typing import cast

import numpy as np
from xdsl.dialects.builtin import AnyDenseElement, BytesAttr, DenseIntOrFPElementsAttr
from xdsl.dialects.builtin import TensorType as BuiltinTensorType

from tensorforge.dialects.graphops.types import TensorType, element_type_of, numpy_dtype


def dense_from_array(arr: np.ndarray) -> DenseIntOrFPElementsAttr:
    elt = cast(AnyDenseElement, element_type_of(arr.dtype))  # graph element types are all integer/float types
    data = np.ascontiguousarray(arr)
    return DenseIntOrFPElementsAttr(BuiltinTensorType(elt, list(arr.shape)), BytesAttr(data.tobytes()))


def array_from_dense(attr: DenseIntOrFPElementsAttr, t: TensorType | None = None) -> np.ndarray:
    elt = attr.get_element_type()
    shape = tuple(attr.get_shape())
    flat = np.frombuffer(attr.data.data, dtype=numpy_dtype(elt))
    count = int(np.prod(shape))
    if flat.size == 1 and count != 1:
        flat = np.full(count, flat[0])
    arr = flat.reshape(shape).copy()
    if t is not None and arr.dtype != t.dtype:
        arr = arr.astype(t.dtype)
    return arr
