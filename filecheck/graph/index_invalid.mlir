// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s

graph.func @gather_0(%x: !graph.tensor<[3], f32>, %i: !graph.tensor<[2], f32>) -> (out: !graph.tensor<[2], f32>) {
  %0 = graph.gather %x, %i : (!graph.tensor<[3], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.gather' op indices must have element type i32 or i64, got f32

// -----

graph.func @gather_1(%x: !graph.tensor<[], f32>, %i: !graph.tensor<[2], i64>) -> (out: !graph.tensor<[2], f32>) {
  %0 = graph.gather %x, %i : (!graph.tensor<[], f32>, !graph.tensor<[2], i64>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.gather' op input must have rank >= 1, got 0 (!graph.tensor<[], f32>)

// -----

graph.func @gather_2(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[2], i64>) -> (out: !graph.tensor<[3, 2], f32>) {
  %0 = graph.gather %x, %i {axis = 2 : i64} : (!graph.tensor<[3, 4], f32>, !graph.tensor<[2], i64>) -> !graph.tensor<[3, 2], f32>
  graph.return %0 : !graph.tensor<[3, 2], f32>
}
// CHECK: 'graph.gather' op axis 2 is out of range for rank 2

// -----

graph.func @gather_3(%x: !graph.tensor<[n, 4], f32>, %i: !graph.tensor<[2], i64>) -> (out: !graph.tensor<[3, 4], f32>) {
  %0 = graph.gather %x, %i : (!graph.tensor<[n, 4], f32>, !graph.tensor<[2], i64>) -> !graph.tensor<[3, 4], f32>
  graph.return %0 : !graph.tensor<[3, 4], f32>
}
// CHECK: 'graph.gather' op result #0 dim 0 is 3, expected 2 (inferred !graph.tensor<[2, 4], f32>)

// -----

graph.func @gather_elements_4(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[3], i64>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.gather_elements %x, %i : (!graph.tensor<[3, 4], f32>, !graph.tensor<[3], i64>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.gather_elements' op indices must have the input's rank 2, got 1

// -----

graph.func @gather_elements_5(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[2, 5], i64>) -> (out: !graph.tensor<[2, 5], f32>) {
  %0 = graph.gather_elements %x, %i : (!graph.tensor<[3, 4], f32>, !graph.tensor<[2, 5], i64>) -> !graph.tensor<[2, 5], f32>
  graph.return %0 : !graph.tensor<[2, 5], f32>
}
// CHECK: 'graph.gather_elements' op indices dim 1 exceeds input dim 1: 5 is larger than 4

// -----

graph.func @gather_nd_6(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[2, k], i64>) -> (out: !graph.tensor<[2], f32>) {
  %0 = graph.gather_nd %x, %i : (!graph.tensor<[3, 4], f32>, !graph.tensor<[2, k], i64>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.gather_nd' op the last dim of indices must be static, got k

// -----

graph.func @gather_nd_8(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[2, 3], i64>) -> (out: !graph.tensor<[2], f32>) {
  %0 = graph.gather_nd %x, %i : (!graph.tensor<[3, 4], f32>, !graph.tensor<[2, 3], i64>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.gather_nd' op the last dim of indices is 3, expected 1 to 2 (input rank 2 - batch_dims 0)

// -----

graph.func @gather_nd_9(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[3, 4, 1], i64>) -> (out: !graph.tensor<[3, 4], f32>) {
  %0 = graph.gather_nd %x, %i {batch_dims = 2 : i64} : (!graph.tensor<[3, 4], f32>, !graph.tensor<[3, 4, 1], i64>) -> !graph.tensor<[3, 4], f32>
  graph.return %0 : !graph.tensor<[3, 4], f32>
}
// CHECK: 'graph.gather_nd' op batch_dims 2 must be in [0, 2) for input rank 2 and indices rank 3

// -----

graph.func @gather_nd_10(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[2, 1], i64>) -> (out: !graph.tensor<[2], f32>) {
  %0 = graph.gather_nd %x, %i {batch_dims = 1 : i64} : (!graph.tensor<[3, 4], f32>, !graph.tensor<[2, 1], i64>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.gather_nd' op batch dim 0 of indices and input differ: 2 vs 3

// -----

graph.func @gather_nd_11(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[], i64>) -> (out: !graph.tensor<[4], f32>) {
  %0 = graph.gather_nd %x, %i : (!graph.tensor<[3, 4], f32>, !graph.tensor<[], i64>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.gather_nd' op indices must have rank >= 1, got 0 (!graph.tensor<[], i64>)

// -----

graph.func @scatter_elements_12(%x: !graph.tensor<[3], f32>, %i: !graph.tensor<[2], i64>, %u: !graph.tensor<[2], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.scatter_elements %x, %i, %u {reduction = "sum"} : (!graph.tensor<[3], f32>, !graph.tensor<[2], i64>, !graph.tensor<[2], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.scatter_elements' op reduction must be one of none, add, mul, max, min, got 'sum'

// -----

graph.func @scatter_elements_13(%x: !graph.tensor<[3], i1>, %i: !graph.tensor<[2], i64>, %u: !graph.tensor<[2], i1>) -> (out: !graph.tensor<[3], i1>) {
  %0 = graph.scatter_elements %x, %i, %u {reduction = "add"} : (!graph.tensor<[3], i1>, !graph.tensor<[2], i64>, !graph.tensor<[2], i1>) -> !graph.tensor<[3], i1>
  graph.return %0 : !graph.tensor<[3], i1>
}
// CHECK: 'graph.scatter_elements' op reduction 'add' needs a numeric element type, got i1

// -----

graph.func @scatter_elements_14(%x: !graph.tensor<[3], f32>, %i: !graph.tensor<[2], i64>, %u: !graph.tensor<[2], f64>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.scatter_elements %x, %i, %u : (!graph.tensor<[3], f32>, !graph.tensor<[2], i64>, !graph.tensor<[2], f64>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.scatter_elements' op updates must have the input's element type f32, got f64

// -----

graph.func @scatter_elements_15(%x: !graph.tensor<[3, 2], f32>, %i: !graph.tensor<[2], i64>, %u: !graph.tensor<[2], f32>) -> (out: !graph.tensor<[3, 2], f32>) {
  %0 = graph.scatter_elements %x, %i, %u : (!graph.tensor<[3, 2], f32>, !graph.tensor<[2], i64>, !graph.tensor<[2], f32>) -> !graph.tensor<[3, 2], f32>
  graph.return %0 : !graph.tensor<[3, 2], f32>
}
// CHECK: 'graph.scatter_elements' op indices and updates must have the input's rank 2, got 1 and 1

// -----

graph.func @scatter_elements_16(%x: !graph.tensor<[3, 2], f32>, %i: !graph.tensor<[2, 2], i64>, %u: !graph.tensor<[3, 2], f32>) -> (out: !graph.tensor<[3, 2], f32>) {
  %0 = graph.scatter_elements %x, %i, %u : (!graph.tensor<[3, 2], f32>, !graph.tensor<[2, 2], i64>, !graph.tensor<[3, 2], f32>) -> !graph.tensor<[3, 2], f32>
  graph.return %0 : !graph.tensor<[3, 2], f32>
}
// CHECK: 'graph.scatter_elements' op indices and updates differ in dim 0: 2 vs 3

// -----

graph.func @scatter_nd_17(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[2, 3], i64>, %u: !graph.tensor<[2], f32>) -> (out: !graph.tensor<[3, 4], f32>) {
  %0 = graph.scatter_nd %x, %i, %u : (!graph.tensor<[3, 4], f32>, !graph.tensor<[2, 3], i64>, !graph.tensor<[2], f32>) -> !graph.tensor<[3, 4], f32>
  graph.return %0 : !graph.tensor<[3, 4], f32>
}
// CHECK: 'graph.scatter_nd' op the last dim of indices is 3, expected 1 to 2 (the input rank)

// -----

graph.func @scatter_nd_18(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[2, 1], i64>, %u: !graph.tensor<[2], f32>) -> (out: !graph.tensor<[3, 4], f32>) {
  %0 = graph.scatter_nd %x, %i, %u : (!graph.tensor<[3, 4], f32>, !graph.tensor<[2, 1], i64>, !graph.tensor<[2], f32>) -> !graph.tensor<[3, 4], f32>
  graph.return %0 : !graph.tensor<[3, 4], f32>
}
// CHECK: 'graph.scatter_nd' op updates must have rank 2 (indices.shape[:-1] + input.shape[1:]), got 1

// -----

graph.func @scatter_nd_19(%x: !graph.tensor<[3, 4], f32>, %i: !graph.tensor<[2, 1], i64>, %u: !graph.tensor<[2, 5], f32>) -> (out: !graph.tensor<[3, 4], f32>) {
  %0 = graph.scatter_nd %x, %i, %u : (!graph.tensor<[3, 4], f32>, !graph.tensor<[2, 1], i64>, !graph.tensor<[2, 5], f32>) -> !graph.tensor<[3, 4], f32>
  graph.return %0 : !graph.tensor<[3, 4], f32>
}
// CHECK: 'graph.scatter_nd' op updates dim 1 must match indices.shape[:-1] + input.shape[1:]: 5 vs 4

// -----

graph.func @embedding_20(%w: !graph.tensor<[7, 4, 2], f32>, %i: !graph.tensor<[3], i64>) -> (out: !graph.tensor<[3, 4], f32>) {
  %0 = graph.embedding %w, %i : (!graph.tensor<[7, 4, 2], f32>, !graph.tensor<[3], i64>) -> !graph.tensor<[3, 4], f32>
  graph.return %0 : !graph.tensor<[3, 4], f32>
}
// CHECK: 'graph.embedding' op weight must have rank 2, got 3 (!graph.tensor<[7, 4, 2], f32>)

// -----

graph.func @one_hot_21(%i: !graph.tensor<[2], f32>) -> (out: !graph.tensor<[2, 3], f32>) {
  %0 = graph.one_hot %i {depth = 3 : i64} : (!graph.tensor<[2], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.one_hot' op indices must have an integer element type, got f32

// -----

graph.func @one_hot_22(%i: !graph.tensor<[2], i64>) -> (out: !graph.tensor<[2, 0], f32>) {
  %0 = graph.one_hot %i {depth = 0 : i64} : (!graph.tensor<[2], i64>) -> !graph.tensor<[2, 0], f32>
  graph.return %0 : !graph.tensor<[2, 0], f32>
}
// CHECK: 'graph.one_hot' op depth must be positive, got 0

// -----

graph.func @one_hot_23(%i: !graph.tensor<[2], i64>) -> (out: !graph.tensor<[2, 3], f32>) {
  %0 = graph.one_hot %i {depth = 3 : i64, axis = 2 : i64} : (!graph.tensor<[2], i64>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.one_hot' op axis 2 is out of range for rank 2

// -----

graph.func @one_hot_24(%i: !graph.tensor<[2], i64>) -> (out: !graph.tensor<[2, 3], i32>) {
  %0 = graph.one_hot %i {depth = 3 : i64, dtype = i32, on_value = 1.5 : f64} : (!graph.tensor<[2], i64>) -> !graph.tensor<[2, 3], i32>
  graph.return %0 : !graph.tensor<[2, 3], i32>
}
// CHECK: 'graph.one_hot' op on_value 1.5 must be an integer for element type i32

// -----

graph.func @one_hot_25(%i: !graph.tensor<[2], i64>) -> (out: !graph.tensor<[2, 3], i1>) {
  %0 = graph.one_hot %i {depth = 3 : i64, dtype = i1, off_value = 2.0 : f64} : (!graph.tensor<[2], i64>) -> !graph.tensor<[2, 3], i1>
  graph.return %0 : !graph.tensor<[2, 3], i1>
}
// CHECK: 'graph.one_hot' op off_value 2.0 must be 0 or 1 for element type i1

// -----

graph.func @one_hot_26(%i: !graph.tensor<[2], i64>) -> (out: !graph.tensor<[2, 3], f32>) {
  %0 = graph.one_hot %i {depth = 3 : i64, dtype = index} : (!graph.tensor<[2], i64>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.one_hot' op graph.tensor: unsupported element type index

// -----

graph.func @resize_27(%x: !graph.tensor<[1, 2, 4, 4], f32>) -> (out: !graph.tensor<[1, 2, 4, 4], f32>) {
  %0 = graph.resize %x : (!graph.tensor<[1, 2, 4, 4], f32>) -> !graph.tensor<[1, 2, 4, 4], f32>
  graph.return %0 : !graph.tensor<[1, 2, 4, 4], f32>
}
// CHECK: 'graph.resize' op exactly one of 'sizes' and 'scales' must be given

// -----

graph.func @resize_28(%x: !graph.tensor<[1, 2, 4, 4], f32>) -> (out: !graph.tensor<[1, 2, 8, 8], f32>) {
  %0 = graph.resize %x {mode = "cubic", scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : (!graph.tensor<[1, 2, 4, 4], f32>) -> !graph.tensor<[1, 2, 8, 8], f32>
  graph.return %0 : !graph.tensor<[1, 2, 8, 8], f32>
}
// CHECK: 'graph.resize' op mode must be one of nearest, linear, got 'cubic'

// -----

graph.func @resize_29(%x: !graph.tensor<[1, 2, 4, 4], f32>) -> (out: !graph.tensor<[1, 2, 8, 8], f32>) {
  %0 = graph.resize %x {nearest_mode = "up", scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : (!graph.tensor<[1, 2, 4, 4], f32>) -> !graph.tensor<[1, 2, 8, 8], f32>
  graph.return %0 : !graph.tensor<[1, 2, 8, 8], f32>
}
// CHECK: 'graph.resize' op nearest_mode must be one of round_prefer_floor, round_prefer_ceil, floor, ceil, got 'up'

// -----

graph.func @resize_30(%x: !graph.tensor<[1, 2, 4, 4], f32>) -> (out: !graph.tensor<[1, 2, 8, 8], f32>) {
  %0 = graph.resize %x {coordinate_transformation_mode = "tf_crop_and_resize", scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : (!graph.tensor<[1, 2, 4, 4], f32>) -> !graph.tensor<[1, 2, 8, 8], f32>
  graph.return %0 : !graph.tensor<[1, 2, 8, 8], f32>
}
// CHECK: 'graph.resize' op coordinate_transformation_mode must be one of half_pixel, align_corners, asymmetric, pytorch_half_pixel, got 'tf_crop_and_resize'

// -----

graph.func @resize_31(%x: !graph.tensor<[4], i32>) -> (out: !graph.tensor<[8], i32>) {
  %0 = graph.resize %x {mode = "linear", scales = array<f64: 2.0>} : (!graph.tensor<[4], i32>) -> !graph.tensor<[8], i32>
  graph.return %0 : !graph.tensor<[8], i32>
}
// CHECK: 'graph.resize' op mode 'linear' needs a float element type, got i32

// -----

graph.func @resize_32(%x: !graph.tensor<[1, 2, 4, 4], f32>) -> (out: !graph.tensor<[8, 8], f32>) {
  %0 = graph.resize %x {sizes = #graph.shape<[8, 8]>} : (!graph.tensor<[1, 2, 4, 4], f32>) -> !graph.tensor<[8, 8], f32>
  graph.return %0 : !graph.tensor<[8, 8], f32>
}
// CHECK: 'graph.resize' op sizes has 2 entries, expected 4 (the input rank)

// -----

graph.func @resize_33(%x: !graph.tensor<[1, 2, 4, 4], f32>) -> (out: !graph.tensor<[2, 4, 4, 4], f32>) {
  %0 = graph.resize %x {scales = array<f64: 2.0, 2.0>} : (!graph.tensor<[1, 2, 4, 4], f32>) -> !graph.tensor<[2, 4, 4, 4], f32>
  graph.return %0 : !graph.tensor<[2, 4, 4, 4], f32>
}
// CHECK: 'graph.resize' op scales has 2 entries, expected 4 (the input rank)

// -----

graph.func @resize_34(%x: !graph.tensor<[1, 2, 4, 4], f32>) -> (out: !graph.tensor<[1, 2, 8, 8], f32>) {
  %0 = graph.resize %x {scales = array<f64: 1.0, 1.0, -2.0, 2.0>} : (!graph.tensor<[1, 2, 4, 4], f32>) -> !graph.tensor<[1, 2, 8, 8], f32>
  graph.return %0 : !graph.tensor<[1, 2, 8, 8], f32>
}
// CHECK: 'graph.resize' op scales must be positive and finite, got -2.0

// -----

graph.func @resize_35(%x: !graph.tensor<[1, 2, 4, 4], f32>) -> (out: !graph.tensor<[1, 2, 8, 4], f32>) {
  %0 = graph.resize %x {sizes = #graph.shape<[1, 2, -1, 4]>} : (!graph.tensor<[1, 2, 4, 4], f32>) -> !graph.tensor<[1, 2, 8, 4], f32>
  graph.return %0 : !graph.tensor<[1, 2, 8, 4], f32>
}
// CHECK: 'graph.resize' op sizes must be non-negative, got -1

// -----

graph.func @resize_36(%x: !graph.tensor<[1, 2, h, 4], f32>) -> (out: !graph.tensor<[1, 2, h*2, 9], f32>) {
  %0 = graph.resize %x {scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : (!graph.tensor<[1, 2, h, 4], f32>) -> !graph.tensor<[1, 2, h*2, 9], f32>
  graph.return %0 : !graph.tensor<[1, 2, h*2, 9], f32>
}
// CHECK: 'graph.resize' op result #0 dim 3 is 9, expected 8 (inferred !graph.tensor<[1, 2, h*2, 8], f32>)

// -----

graph.func @topk_37(%x: !graph.tensor<[3, 4], f32>) -> (r0: !graph.tensor<[3, 1], f32>, r1: !graph.tensor<[3, 1], i64>) {
  %0, %1 = graph.topk %x {k = -1 : i64} : (!graph.tensor<[3, 4], f32>) -> (!graph.tensor<[3, 1], f32>, !graph.tensor<[3, 1], i64>)
  graph.return %0, %1 : !graph.tensor<[3, 1], f32>, !graph.tensor<[3, 1], i64>
}
// CHECK: 'graph.topk' op k must be non-negative, got -1

// -----

graph.func @topk_38(%x: !graph.tensor<[3, 4], f32>) -> (r0: !graph.tensor<[3, 5], f32>, r1: !graph.tensor<[3, 5], i64>) {
  %0, %1 = graph.topk %x {k = 5 : i64} : (!graph.tensor<[3, 4], f32>) -> (!graph.tensor<[3, 5], f32>, !graph.tensor<[3, 5], i64>)
  graph.return %0, %1 : !graph.tensor<[3, 5], f32>, !graph.tensor<[3, 5], i64>
}
// CHECK: 'graph.topk' op k 5 is larger than dim 1 of size 4

// -----

graph.func @topk_39(%x: !graph.tensor<[3, 4], f32>) -> (r0: !graph.tensor<[3, 2], f32>, r1: !graph.tensor<[3, 2], i32>) {
  %0, %1 = graph.topk %x {k = 2 : i64} : (!graph.tensor<[3, 4], f32>) -> (!graph.tensor<[3, 2], f32>, !graph.tensor<[3, 2], i32>)
  graph.return %0, %1 : !graph.tensor<[3, 2], f32>, !graph.tensor<[3, 2], i32>
}
// CHECK: 'graph.topk' op result #1 has element type i32, expected i64

// -----

graph.func @sort_40(%x: !graph.tensor<[], f32>) -> (out: !graph.tensor<[], f32>) {
  %0 = graph.sort %x : (!graph.tensor<[], f32>) -> !graph.tensor<[], f32>
  graph.return %0 : !graph.tensor<[], f32>
}
// CHECK: 'graph.sort' op input must have rank >= 1, got 0 (!graph.tensor<[], f32>)

// -----

graph.func @argsort_41(%x: !graph.tensor<[2, 3], f32>) -> (out: !graph.tensor<[2, 3], i64>) {
  %0 = graph.argsort %x {axis = -3 : i64} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], i64>
  graph.return %0 : !graph.tensor<[2, 3], i64>
}
// CHECK: 'graph.argsort' op axis -3 is out of range for rank 2

// -----

graph.func @argsort_42(%x: !graph.tensor<[2, 3], f32>) -> (out: !graph.tensor<[2, 3], f32>) {
  %0 = graph.argsort %x : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.argsort' op result #0 has element type f32, expected i64
