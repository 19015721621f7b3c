// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s
graph.func @mean_int(%x: !graph.tensor<[3], i32>) -> (out: !graph.tensor<[], i32>) {
  %0 = graph.reduce_mean %x : (!graph.tensor<[3], i32>) -> !graph.tensor<[], i32>
  graph.return %0 : !graph.tensor<[], i32>
}
// CHECK: 'graph.reduce_mean' op does not accept element type i32 (needs float types)

// -----

graph.func @l2_int(%x: !graph.tensor<[3], i64>) -> (out: !graph.tensor<[], i64>) {
  %0 = graph.reduce_l2 %x : (!graph.tensor<[3], i64>) -> !graph.tensor<[], i64>
  graph.return %0 : !graph.tensor<[], i64>
}
// CHECK: 'graph.reduce_l2' op does not accept element type i64 (needs float types)

// -----

graph.func @sum_bool(%x: !graph.tensor<[3], i1>) -> (out: !graph.tensor<[], i1>) {
  %0 = graph.reduce_sum %x : (!graph.tensor<[3], i1>) -> !graph.tensor<[], i1>
  graph.return %0 : !graph.tensor<[], i1>
}
// CHECK: 'graph.reduce_sum' op does not accept element type i1 (needs arith types)

// -----

graph.func @axis_range(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n], f32>) {
  %0 = graph.reduce_max %x {axes = array<i64: 2>} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n], f32>
  graph.return %0 : !graph.tensor<[n], f32>
}
// CHECK: 'graph.reduce_max' op axis 2 is out of range for rank 2

// -----

graph.func @axes_repeat(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[], f32>) {
  %0 = graph.reduce_min %x {axes = array<i64: 1, -1>} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[], f32>
  graph.return %0 : !graph.tensor<[], f32>
}
// CHECK: 'graph.reduce_min' op axes [1, -1] has repeated entries for rank 2

// -----

graph.func @keepdims_result(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.reduce_prod %x {axes = array<i64: 1>, keepdims = true} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
// CHECK: 'graph.reduce_prod' op result #0 dim 1 is 4, expected 1 (inferred !graph.tensor<[n, 1], f32>)

// -----

graph.func @argmax_result(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n], f32>) {
  %0 = graph.argmax %x {axis = 1 : i64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n], f32>
  graph.return %0 : !graph.tensor<[n], f32>
}
// CHECK: 'graph.argmax' op result #0 has element type f32, expected i64

// -----

graph.func @argmin_axis(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n], i64>) {
  %0 = graph.argmin %x {axis = -3 : i64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n], i64>
  graph.return %0 : !graph.tensor<[n], i64>
}
// CHECK: 'graph.argmin' op axis -3 is out of range for rank 2

// -----

graph.func @argmax_scalar(%x: !graph.tensor<[], f32>) -> (out: !graph.tensor<[], i64>) {
  %0 = graph.argmax %x : (!graph.tensor<[], f32>) -> !graph.tensor<[], i64>
  graph.return %0 : !graph.tensor<[], i64>
}
// CHECK: 'graph.argmax' op input must have rank >= 1, got 0 (!graph.tensor<[], f32>)

// -----

graph.func @softmax_int(%x: !graph.tensor<[2, 3], i32>) -> (out: !graph.tensor<[2, 3], i32>) {
  %0 = graph.softmax %x : (!graph.tensor<[2, 3], i32>) -> !graph.tensor<[2, 3], i32>
  graph.return %0 : !graph.tensor<[2, 3], i32>
}
// CHECK: 'graph.softmax' op does not accept element type i32 (needs float types)

// -----

graph.func @log_softmax_axis(%x: !graph.tensor<[2, 3], f32>) -> (out: !graph.tensor<[2, 3], f32>) {
  %0 = graph.log_softmax %x {axis = 2 : i64} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.log_softmax' op axis 2 is out of range for rank 2

// -----

graph.func @cumsum_no_axis(%x: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.cumsum %x : (!graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.cumsum' op property 'axis' expected in operation 'graph.cumsum'

// -----

graph.func @cumsum_axis(%x: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.cumsum %x {axis = 1 : i64} : (!graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.cumsum' op axis 1 is out of range for rank 1

// -----

graph.func @cumsum_bool(%x: !graph.tensor<[3], i1>) -> (out: !graph.tensor<[3], i1>) {
  %0 = graph.cumsum %x {axis = 0 : i64} : (!graph.tensor<[3], i1>) -> !graph.tensor<[3], i1>
  graph.return %0 : !graph.tensor<[3], i1>
}
// CHECK: 'graph.cumsum' op does not accept element type i1 (needs arith types)

// -----

graph.func @ln_scale(%x: !graph.tensor<[n, 4], f32>, %s: !graph.tensor<[3], f32>, %b: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.layer_norm %x, %s, %b : (!graph.tensor<[n, 4], f32>, !graph.tensor<[3], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
// CHECK: 'graph.layer_norm' op scale has shape [3], expected [4] (the normalized shape)

// -----

graph.func @ln_bias_rank(%x: !graph.tensor<[n, 3, 4], f32>, %s: !graph.tensor<[3, 4], f32>, %b: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[n, 3, 4], f32>) {
  %0 = graph.layer_norm %x, %s, %b {axis = -2 : i64} : (!graph.tensor<[n, 3, 4], f32>, !graph.tensor<[3, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 3, 4], f32>
  graph.return %0 : !graph.tensor<[n, 3, 4], f32>
}
// CHECK: 'graph.layer_norm' op bias has shape [4], expected [3, 4] (the normalized shape)

// -----

graph.func @ln_dtypes(%x: !graph.tensor<[n, 4], f32>, %s: !graph.tensor<[4], f16>, %b: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.layer_norm %x, %s, %b : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f16>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
// CHECK: 'graph.layer_norm' op operands must have the same element type, got f32, f16, f32

// -----

graph.func @ln_eps(%x: !graph.tensor<[n, 4], f32>, %s: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.layer_norm %x, %s, %s {epsilon = -1.0 : f64} : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
// CHECK: 'graph.layer_norm' op epsilon must be non-negative, got -1.0

// -----

graph.func @ln_axis(%x: !graph.tensor<[n, 4], f32>, %s: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.layer_norm %x, %s, %s {axis = 2 : i64} : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
// CHECK: 'graph.layer_norm' op axis 2 is out of range for rank 2

// -----

graph.func @bn_channels(%x: !graph.tensor<[n, 3, h, w], f32>, %p: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[n, 3, h, w], f32>) {
  %0 = graph.batch_norm %x, %p, %p, %p, %p : (!graph.tensor<[n, 3, h, w], f32>, !graph.tensor<[4], f32>, !graph.tensor<[4], f32>, !graph.tensor<[4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 3, h, w], f32>
  graph.return %0 : !graph.tensor<[n, 3, h, w], f32>
}
// CHECK: 'graph.batch_norm' op scale has shape [4], expected [3] (the channel dim of the input)

// -----

graph.func @bn_var(%x: !graph.tensor<[n, h, w, 3], f32>, %p: !graph.tensor<[3], f32>, %v: !graph.tensor<[3, 1], f32>) -> (out: !graph.tensor<[n, h, w, 3], f32>) {
  %0 = graph.batch_norm %x, %p, %p, %p, %v {channel_axis = -1 : i64} : (!graph.tensor<[n, h, w, 3], f32>, !graph.tensor<[3], f32>, !graph.tensor<[3], f32>, !graph.tensor<[3], f32>, !graph.tensor<[3, 1], f32>) -> !graph.tensor<[n, h, w, 3], f32>
  graph.return %0 : !graph.tensor<[n, h, w, 3], f32>
}
// CHECK: 'graph.batch_norm' op var has shape [3, 1], expected [3] (the channel dim of the input)

// -----

graph.func @bn_axis(%x: !graph.tensor<[n, 3], f32>, %p: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[n, 3], f32>) {
  %0 = graph.batch_norm %x, %p, %p, %p, %p {channel_axis = 2 : i64} : (!graph.tensor<[n, 3], f32>, !graph.tensor<[3], f32>, !graph.tensor<[3], f32>, !graph.tensor<[3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[n, 3], f32>
  graph.return %0 : !graph.tensor<[n, 3], f32>
}
// CHECK: 'graph.batch_norm' op channel_axis 2 is out of range for rank 2

// -----

graph.func @bn_rank(%x: !graph.tensor<[3], f32>, %p: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.batch_norm %x, %p, %p, %p, %p {channel_axis = 0 : i64} : (!graph.tensor<[3], f32>, !graph.tensor<[3], f32>, !graph.tensor<[3], f32>, !graph.tensor<[3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.batch_norm' op input must have rank >= 2, got 1 (!graph.tensor<[3], f32>)

// -----

graph.func @bn_int(%x: !graph.tensor<[2, 3], i32>, %p: !graph.tensor<[3], i32>) -> (out: !graph.tensor<[2, 3], i32>) {
  %0 = graph.batch_norm %x, %p, %p, %p, %p : (!graph.tensor<[2, 3], i32>, !graph.tensor<[3], i32>, !graph.tensor<[3], i32>, !graph.tensor<[3], i32>, !graph.tensor<[3], i32>) -> !graph.tensor<[2, 3], i32>
  graph.return %0 : !graph.tensor<[2, 3], i32>
}
// CHECK: 'graph.batch_norm' op does not accept element type i32 (needs float types)

// -----

graph.func @gn_divisible(%x: !graph.tensor<[n, 6, l], f32>, %s: !graph.tensor<[6], f32>) -> (out: !graph.tensor<[n, 6, l], f32>) {
  %0 = graph.group_norm %x, %s, %s {num_groups = 4 : i64} : (!graph.tensor<[n, 6, l], f32>, !graph.tensor<[6], f32>, !graph.tensor<[6], f32>) -> !graph.tensor<[n, 6, l], f32>
  graph.return %0 : !graph.tensor<[n, 6, l], f32>
}
// CHECK: 'graph.group_norm' op channels (6) must be divisible by num_groups (4)

// -----

graph.func @gn_groups(%x: !graph.tensor<[n, 6, l], f32>, %s: !graph.tensor<[6], f32>) -> (out: !graph.tensor<[n, 6, l], f32>) {
  %0 = graph.group_norm %x, %s, %s {num_groups = 0 : i64} : (!graph.tensor<[n, 6, l], f32>, !graph.tensor<[6], f32>, !graph.tensor<[6], f32>) -> !graph.tensor<[n, 6, l], f32>
  graph.return %0 : !graph.tensor<[n, 6, l], f32>
}
// CHECK: 'graph.group_norm' op num_groups must be positive, got 0

// -----

graph.func @gn_bias(%x: !graph.tensor<[n, 6, l], f32>, %s: !graph.tensor<[6], f32>, %b: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[n, 6, l], f32>) {
  %0 = graph.group_norm %x, %s, %b {num_groups = 3 : i64} : (!graph.tensor<[n, 6, l], f32>, !graph.tensor<[6], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[n, 6, l], f32>
  graph.return %0 : !graph.tensor<[n, 6, l], f32>
}
// CHECK: 'graph.group_norm' op bias has shape [3], expected [6] (the channel dim of the input)

// -----

graph.func @in_rank(%x: !graph.tensor<[n, 6], f32>, %s: !graph.tensor<[6], f32>) -> (out: !graph.tensor<[n, 6], f32>) {
  %0 = graph.instance_norm %x, %s, %s : (!graph.tensor<[n, 6], f32>, !graph.tensor<[6], f32>, !graph.tensor<[6], f32>) -> !graph.tensor<[n, 6], f32>
  graph.return %0 : !graph.tensor<[n, 6], f32>
}
// CHECK: 'graph.instance_norm' op input must have rank >= 3, got 2 (!graph.tensor<[n, 6], f32>)

// -----

graph.func @in_scale(%x: !graph.tensor<[n, c, 8], f32>, %s: !graph.tensor<[c+1], f32>, %b: !graph.tensor<[c], f32>) -> (out: !graph.tensor<[n, c, 8], f32>) {
  %0 = graph.instance_norm %x, %s, %b : (!graph.tensor<[n, c, 8], f32>, !graph.tensor<[c+1], f32>, !graph.tensor<[c], f32>) -> !graph.tensor<[n, c, 8], f32>
  graph.return %0 : !graph.tensor<[n, c, 8], f32>
}
// CHECK: 'graph.instance_norm' op scale has shape [c+1], expected [c] (the channel dim of the input)
