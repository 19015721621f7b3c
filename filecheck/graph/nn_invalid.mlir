// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s

graph.func @matmul_0(%a0: !graph.tensor<[3, 4], f32>, %a1: !graph.tensor<[4, 5], f64>) -> (r: !graph.tensor<[3, 5], f32>) {
  %0 = graph.matmul %a0, %a1 : (!graph.tensor<[3, 4], f32>, !graph.tensor<[4, 5], f64>) -> !graph.tensor<[3, 5], f32>
  graph.return %0 : !graph.tensor<[3, 5], f32>
}
// CHECK: 'graph.matmul' op lhs and rhs must have the same element type, got f32, f64

// -----

graph.func @matmul_1(%a0: !graph.tensor<[3, 4], i1>, %a1: !graph.tensor<[4, 5], i1>) -> (r: !graph.tensor<[3, 5], i1>) {
  %0 = graph.matmul %a0, %a1 : (!graph.tensor<[3, 4], i1>, !graph.tensor<[4, 5], i1>) -> !graph.tensor<[3, 5], i1>
  graph.return %0 : !graph.tensor<[3, 5], i1>
}
// CHECK: 'graph.matmul' op does not accept element type i1 (needs float or integer types)

// -----

graph.func @matmul_2(%a0: !graph.tensor<[], f32>, %a1: !graph.tensor<[4], f32>) -> (r: !graph.tensor<[], f32>) {
  %0 = graph.matmul %a0, %a1 : (!graph.tensor<[], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[], f32>
  graph.return %0 : !graph.tensor<[], f32>
}
// CHECK: 'graph.matmul' op lhs must have rank >= 1, got rank 0 (!graph.tensor<[], f32>)

// -----

graph.func @matmul_3(%a0: !graph.tensor<[3, 4], f32>, %a1: !graph.tensor<[5, 6], f32>) -> (r: !graph.tensor<[3, 6], f32>) {
  %0 = graph.matmul %a0, %a1 : (!graph.tensor<[3, 4], f32>, !graph.tensor<[5, 6], f32>) -> !graph.tensor<[3, 6], f32>
  graph.return %0 : !graph.tensor<[3, 6], f32>
}
// CHECK: 'graph.matmul' op contracting dims differ: lhs dim 1 is 4, rhs dim 0 is 5

// -----

graph.func @matmul_4(%a0: !graph.tensor<[2, n, 4], f32>, %a1: !graph.tensor<[3, 4, m], f32>) -> (r: !graph.tensor<[2, n, m], f32>) {
  %0 = graph.matmul %a0, %a1 : (!graph.tensor<[2, n, 4], f32>, !graph.tensor<[3, 4, m], f32>) -> !graph.tensor<[2, n, m], f32>
  graph.return %0 : !graph.tensor<[2, n, m], f32>
}
// CHECK: 'graph.matmul' op batch dims: shapes [2] and [3] do not broadcast: dim -1 is 2 vs 3

// -----

graph.func @matmul_5(%a0: !graph.tensor<[n, 4], f32>, %a1: !graph.tensor<[4, 6], f32>) -> (r: !graph.tensor<[n, 5], f32>) {
  %0 = graph.matmul %a0, %a1 : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4, 6], f32>) -> !graph.tensor<[n, 5], f32>
  graph.return %0 : !graph.tensor<[n, 5], f32>
}
// CHECK: 'graph.matmul' op result #0 dim 1 is 5, expected 6 (inferred !graph.tensor<[n, 6], f32>)

// -----

graph.func @dense_6(%a0: !graph.tensor<[3, 5], f32>, %a1: !graph.tensor<[4, 5], f32>, %a2: !graph.tensor<[4], f16>) -> (r: !graph.tensor<[3, 4], f32>) {
  %0 = graph.dense %a0, %a1, %a2 : (!graph.tensor<[3, 5], f32>, !graph.tensor<[4, 5], f32>, !graph.tensor<[4], f16>) -> !graph.tensor<[3, 4], f32>
  graph.return %0 : !graph.tensor<[3, 4], f32>
}
// CHECK: 'graph.dense' op input, weight and bias must have the same element type, got f32, f32, f16

// -----

graph.func @dense_7(%a0: !graph.tensor<[], f32>, %a1: !graph.tensor<[4, 5], f32>) -> (r: !graph.tensor<[4], f32>) {
  %0 = graph.dense %a0, %a1 : (!graph.tensor<[], f32>, !graph.tensor<[4, 5], f32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.dense' op input must have rank >= 1, got rank 0 (!graph.tensor<[], f32>)

// -----

graph.func @dense_8(%a0: !graph.tensor<[3, 5], f32>, %a1: !graph.tensor<[5], f32>) -> (r: !graph.tensor<[3, 5], f32>) {
  %0 = graph.dense %a0, %a1 : (!graph.tensor<[3, 5], f32>, !graph.tensor<[5], f32>) -> !graph.tensor<[3, 5], f32>
  graph.return %0 : !graph.tensor<[3, 5], f32>
}
// CHECK: 'graph.dense' op weight ([out, in]) must have rank 2, got 1 (!graph.tensor<[5], f32>)

// -----

graph.func @dense_9(%a0: !graph.tensor<[n, 5], f32>, %a1: !graph.tensor<[4, 6], f32>) -> (r: !graph.tensor<[n, 4], f32>) {
  %0 = graph.dense %a0, %a1 : (!graph.tensor<[n, 5], f32>, !graph.tensor<[4, 6], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
// CHECK: 'graph.dense' op input has 5 features, weight [out, in] expects 6

// -----

graph.func @dense_10(%a0: !graph.tensor<[3, 5], f32>, %a1: !graph.tensor<[4, 5], f32>, %a2: !graph.tensor<[1, 4], f32>) -> (r: !graph.tensor<[3, 4], f32>) {
  %0 = graph.dense %a0, %a1, %a2 : (!graph.tensor<[3, 5], f32>, !graph.tensor<[4, 5], f32>, !graph.tensor<[1, 4], f32>) -> !graph.tensor<[3, 4], f32>
  graph.return %0 : !graph.tensor<[3, 4], f32>
}
// CHECK: 'graph.dense' op bias must have rank 1, got 2 (!graph.tensor<[1, 4], f32>)

// -----

graph.func @dense_11(%a0: !graph.tensor<[3, 5], f32>, %a1: !graph.tensor<[4, 5], f32>, %a2: !graph.tensor<[3], f32>) -> (r: !graph.tensor<[3, 4], f32>) {
  %0 = graph.dense %a0, %a1, %a2 : (!graph.tensor<[3, 5], f32>, !graph.tensor<[4, 5], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[3, 4], f32>
  graph.return %0 : !graph.tensor<[3, 4], f32>
}
// CHECK: 'graph.dense' op bias has 3 entries, expected 4 (output channels)

// -----

graph.func @conv_12(%a0: !graph.tensor<[1, 4, 5, 5], i32>, %a1: !graph.tensor<[6, 4, 3, 3], i32>) -> (r: !graph.tensor<[1, 6, 3, 3], i32>) {
  %0 = graph.conv %a0, %a1 : (!graph.tensor<[1, 4, 5, 5], i32>, !graph.tensor<[6, 4, 3, 3], i32>) -> !graph.tensor<[1, 6, 3, 3], i32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], i32>
}
// CHECK: 'graph.conv' op does not accept element type i32 (needs float types)

// -----

graph.func @conv_13(%a0: !graph.tensor<[4, 5], f32>, %a1: !graph.tensor<[6, 4], f32>) -> (r: !graph.tensor<[4, 6], f32>) {
  %0 = graph.conv %a0, %a1 : (!graph.tensor<[4, 5], f32>, !graph.tensor<[6, 4], f32>) -> !graph.tensor<[4, 6], f32>
  graph.return %0 : !graph.tensor<[4, 6], f32>
}
// CHECK: 'graph.conv' op input must have rank 3, 4 or 5 ([N, C, 1 to 3 spatial dims]), got rank 2 (!graph.tensor<[4, 5], f32>)

// -----

graph.func @conv_14(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 {layout = "NHCW"} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3, 3], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op layout must be one of NCW, NCHW, NCDHW, NWC, NHWC, NDHWC, got 'NHCW'

// -----

graph.func @conv_15(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 {layout = "NCW"} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3, 3], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op layout NCW needs an input of rank 3, got rank 4 (!graph.tensor<[1, 4, 5, 5], f32>)

// -----

graph.func @conv_16(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op weight must have rank 4, got 3 (!graph.tensor<[6, 4, 3], f32>)

// -----

graph.func @conv_17(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 {groups = 0 : i64} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3, 3], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op groups must be >= 1, got 0

// -----

graph.func @conv_18(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 {strides = array<i64: 1>} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3, 3], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op strides must have 2 entries (one per spatial dim), got 1

// -----

graph.func @conv_19(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 {strides = array<i64: 1, 0>} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3, 3], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op strides must be >= 1, got [1, 0]

// -----

graph.func @conv_20(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 {dilations = array<i64: 0, 1>} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3, 3], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op dilations must be >= 1, got [0, 1]

// -----

graph.func @conv_21(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 {pads = array<i64: 1, 1>} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3, 3], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op pads must have 4 entries ([begin..., end...] per spatial dim), got 2

// -----

graph.func @conv_22(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 {pads = array<i64: 0, -1, 0, 0>} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3, 3], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op pads must be >= 0, got [0, -1, 0, 0]

// -----

graph.func @conv_23(%a0: !graph.tensor<[n, 4, h, w], f32>, %a1: !graph.tensor<[6, 3, 3, 3], f32>) -> (r: !graph.tensor<[n, 6, h-2, w-2], f32>) {
  %0 = graph.conv %a0, %a1 : (!graph.tensor<[n, 4, h, w], f32>, !graph.tensor<[6, 3, 3, 3], f32>) -> !graph.tensor<[n, 6, h-2, w-2], f32>
  graph.return %0 : !graph.tensor<[n, 6, h-2, w-2], f32>
}
// CHECK: 'graph.conv' op input has 4 channels, weight expects 3 per group * 1 groups = 3

// -----

graph.func @conv_24(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[5, 2, 3, 3], f32>) -> (r: !graph.tensor<[1, 5, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 {groups = 2 : i64} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[5, 2, 3, 3], f32>) -> !graph.tensor<[1, 5, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 5, 3, 3], f32>
}
// CHECK: 'graph.conv' op output channels 5 are not divisible by groups 2

// -----

graph.func @conv_25(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1 {dilations = array<i64: 3, 1>} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3, 3], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op spatial dim 0: padded input size 5 is smaller than the dilated kernel size 7

// -----

graph.func @conv_26(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>, %a2: !graph.tensor<[5], f32>) -> (r: !graph.tensor<[1, 6, 3, 3], f32>) {
  %0 = graph.conv %a0, %a1, %a2 : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[6, 4, 3, 3], f32>, !graph.tensor<[5], f32>) -> !graph.tensor<[1, 6, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 6, 3, 3], f32>
}
// CHECK: 'graph.conv' op bias has 5 entries, expected 6 (output channels)

// -----

graph.func @conv_27(%a0: !graph.tensor<[n, 4, 7, 7], f32>, %a1: !graph.tensor<[6, 4, 3, 3], f32>) -> (r: !graph.tensor<[n, 6, 5, 3], f32>) {
  %0 = graph.conv %a0, %a1 {strides = array<i64: 2, 2>} : (!graph.tensor<[n, 4, 7, 7], f32>, !graph.tensor<[6, 4, 3, 3], f32>) -> !graph.tensor<[n, 6, 5, 3], f32>
  graph.return %0 : !graph.tensor<[n, 6, 5, 3], f32>
}
// CHECK: 'graph.conv' op result #0 dim 2 is 5, expected 3 (inferred !graph.tensor<[n, 6, 3, 3], f32>)

// -----

graph.func @conv_transpose_28(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[4, 3, 3, 3], f32>) -> (r: !graph.tensor<[1, 3, 11, 9], f32>) {
  %0 = graph.conv_transpose %a0, %a1 {strides = array<i64: 2, 2>, output_padding = array<i64: 2, 0>} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[4, 3, 3, 3], f32>) -> !graph.tensor<[1, 3, 11, 9], f32>
  graph.return %0 : !graph.tensor<[1, 3, 11, 9], f32>
}
// CHECK: 'graph.conv_transpose' op output_padding 2 in spatial dim 0 must be smaller than its stride 2 or dilation 1

// -----

graph.func @conv_transpose_29(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[3, 3, 3, 3], f32>) -> (r: !graph.tensor<[1, 3, 7, 7], f32>) {
  %0 = graph.conv_transpose %a0, %a1 : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[3, 3, 3, 3], f32>) -> !graph.tensor<[1, 3, 7, 7], f32>
  graph.return %0 : !graph.tensor<[1, 3, 7, 7], f32>
}
// CHECK: 'graph.conv_transpose' op input has 4 channels, weight [I, O/groups, *k] expects 3

// -----

graph.func @conv_transpose_30(%a0: !graph.tensor<[1, 4, 5, 5], f32>, %a1: !graph.tensor<[4, 3, 3, 3], f32>) -> (r: !graph.tensor<[1, 9, 7, 7], f32>) {
  %0 = graph.conv_transpose %a0, %a1 {groups = 3 : i64} : (!graph.tensor<[1, 4, 5, 5], f32>, !graph.tensor<[4, 3, 3, 3], f32>) -> !graph.tensor<[1, 9, 7, 7], f32>
  graph.return %0 : !graph.tensor<[1, 9, 7, 7], f32>
}
// CHECK: 'graph.conv_transpose' op input channels 4 are not divisible by groups 3

// -----

graph.func @conv_transpose_31(%a0: !graph.tensor<[1, 4, 1, 5], f32>, %a1: !graph.tensor<[4, 3, 3, 3], f32>) -> (r: !graph.tensor<[1, 3, 1, 7], f32>) {
  %0 = graph.conv_transpose %a0, %a1 {pads = array<i64: 3, 0, 3, 0>} : (!graph.tensor<[1, 4, 1, 5], f32>, !graph.tensor<[4, 3, 3, 3], f32>) -> !graph.tensor<[1, 3, 1, 7], f32>
  graph.return %0 : !graph.tensor<[1, 3, 1, 7], f32>
}
// CHECK: 'graph.conv_transpose' op spatial dim 0: output size would be -3

// -----

graph.func @max_pool_32(%a0: !graph.tensor<[1, 3, 5, 5], i1>) -> (r: !graph.tensor<[1, 3, 4, 4], i1>) {
  %0 = graph.max_pool %a0 {kernel = array<i64: 2, 2>} : (!graph.tensor<[1, 3, 5, 5], i1>) -> !graph.tensor<[1, 3, 4, 4], i1>
  graph.return %0 : !graph.tensor<[1, 3, 4, 4], i1>
}
// CHECK: 'graph.max_pool' op does not accept element type i1 (needs float or integer types)

// -----

graph.func @max_pool_33(%a0: !graph.tensor<[1, 3, 5, 5], f32>) -> (r: !graph.tensor<[1, 3, 5, 5], f32>) {
  %0 = graph.max_pool %a0 : (!graph.tensor<[1, 3, 5, 5], f32>) -> !graph.tensor<[1, 3, 5, 5], f32>
  graph.return %0 : !graph.tensor<[1, 3, 5, 5], f32>
}
// CHECK: 'graph.max_pool' op property 'kernel' expected in operation 'graph.max_pool'

// -----

graph.func @max_pool_34(%a0: !graph.tensor<[1, 3, 5, 5], f32>) -> (r: !graph.tensor<[1, 3, 3, 3], f32>) {
  %0 = graph.max_pool %a0 {kernel = array<i64: 3>} : (!graph.tensor<[1, 3, 5, 5], f32>) -> !graph.tensor<[1, 3, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 3, 3, 3], f32>
}
// CHECK: 'graph.max_pool' op kernel must have 2 entries (one per spatial dim), got 1

// -----

graph.func @max_pool_35(%a0: !graph.tensor<[1, 3, 5, 5], f32>) -> (r: !graph.tensor<[1, 3, 3, 3], f32>) {
  %0 = graph.max_pool %a0 {kernel = array<i64: 3, 0>} : (!graph.tensor<[1, 3, 5, 5], f32>) -> !graph.tensor<[1, 3, 3, 3], f32>
  graph.return %0 : !graph.tensor<[1, 3, 3, 3], f32>
}
// CHECK: 'graph.max_pool' op kernel must be >= 1, got [3, 0]

// -----

graph.func @avg_pool_36(%a0: !graph.tensor<[1, 3, 5, 5], i32>) -> (r: !graph.tensor<[1, 3, 4, 4], i32>) {
  %0 = graph.avg_pool %a0 {kernel = array<i64: 2, 2>} : (!graph.tensor<[1, 3, 5, 5], i32>) -> !graph.tensor<[1, 3, 4, 4], i32>
  graph.return %0 : !graph.tensor<[1, 3, 4, 4], i32>
}
// CHECK: 'graph.avg_pool' op does not accept element type i32 (needs float types)

// -----

graph.func @global_avg_pool_37(%a0: !graph.tensor<[3, 5], f32>) -> (r: !graph.tensor<[3, 1], f32>) {
  %0 = graph.global_avg_pool %a0 : (!graph.tensor<[3, 5], f32>) -> !graph.tensor<[3, 1], f32>
  graph.return %0 : !graph.tensor<[3, 1], f32>
}
// CHECK: 'graph.global_avg_pool' op input must have rank 3, 4 or 5 ([N, C, 1 to 3 spatial dims]), got rank 2 (!graph.tensor<[3, 5], f32>)

// -----

graph.func @adaptive_avg_pool_38(%a0: !graph.tensor<[1, 3, 5, 5], f32>) -> (r: !graph.tensor<[1, 3, 2, 2], f32>) {
  %0 = graph.adaptive_avg_pool %a0 : (!graph.tensor<[1, 3, 5, 5], f32>) -> !graph.tensor<[1, 3, 2, 2], f32>
  graph.return %0 : !graph.tensor<[1, 3, 2, 2], f32>
}
// CHECK: 'graph.adaptive_avg_pool' op property 'output_size' expected in operation 'graph.adaptive_avg_pool'

// -----

graph.func @adaptive_avg_pool_39(%a0: !graph.tensor<[1, 3, 5, 5], f32>) -> (r: !graph.tensor<[1, 3, 2, 2], f32>) {
  %0 = graph.adaptive_avg_pool %a0 {output_size = array<i64: 2>} : (!graph.tensor<[1, 3, 5, 5], f32>) -> !graph.tensor<[1, 3, 2, 2], f32>
  graph.return %0 : !graph.tensor<[1, 3, 2, 2], f32>
}
// CHECK: 'graph.adaptive_avg_pool' op output_size must have 2 entries (one per spatial dim), got 1

// -----

graph.func @adaptive_avg_pool_40(%a0: !graph.tensor<[1, 3, 5, 5], f32>) -> (r: !graph.tensor<[1, 3, 2, 1], f32>) {
  %0 = graph.adaptive_avg_pool %a0 {output_size = array<i64: 2, 0>} : (!graph.tensor<[1, 3, 5, 5], f32>) -> !graph.tensor<[1, 3, 2, 1], f32>
  graph.return %0 : !graph.tensor<[1, 3, 2, 1], f32>
}
// CHECK: 'graph.adaptive_avg_pool' op output_size must be >= 1, got [2, 0]
