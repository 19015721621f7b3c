// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @reduce_sum_keepdims
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 3, 4], f32>)
// CHECK: %[[R:.*]] = graph.reduce_sum %[[X]] {axes = array<i64: -1, 1>, keepdims = true} : (!graph.tensor<[n, 3, 4], f32>) -> !graph.tensor<[n, 1, 1], f32>
// CHECK: graph.return %[[R]]
graph.func @reduce_sum_keepdims(%x: !graph.tensor<[n, 3, 4], f32>) -> (out: !graph.tensor<[n, 1, 1], f32>) {
  %0 = graph.reduce_sum %x {axes = array<i64: -1, 1>, keepdims = true} : (!graph.tensor<[n, 3, 4], f32>) -> !graph.tensor<[n, 1, 1], f32>
  graph.return %0 : !graph.tensor<[n, 1, 1], f32>
}

// CHECK-LABEL: graph.func @reduce_sum_int_all
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, m], i32>)
// CHECK: %[[R:.*]] = graph.reduce_sum %[[X]] : (!graph.tensor<[n, m], i32>) -> !graph.tensor<[], i32>
// CHECK: graph.return %[[R]]
graph.func @reduce_sum_int_all(%x: !graph.tensor<[n, m], i32>) -> (out: !graph.tensor<[], i32>) {
  %0 = graph.reduce_sum %x : (!graph.tensor<[n, m], i32>) -> !graph.tensor<[], i32>
  graph.return %0 : !graph.tensor<[], i32>
}

// CHECK-LABEL: graph.func @reduce_mean
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 8], f16>)
// CHECK: %[[R:.*]] = graph.reduce_mean %[[X]] {axes = array<i64: 0>} : (!graph.tensor<[n, 8], f16>) -> !graph.tensor<[8], f16>
// CHECK: graph.return %[[R]]
graph.func @reduce_mean(%x: !graph.tensor<[n, 8], f16>) -> (out: !graph.tensor<[8], f16>) {
  %0 = graph.reduce_mean %x {axes = array<i64: 0>} : (!graph.tensor<[n, 8], f16>) -> !graph.tensor<[8], f16>
  graph.return %0 : !graph.tensor<[8], f16>
}

// CHECK-LABEL: graph.func @reduce_max_empty_axes
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[2, n], i64>)
// CHECK: %[[R:.*]] = graph.reduce_max %[[X]] {axes = array<i64>, keepdims = true} : (!graph.tensor<[2, n], i64>) -> !graph.tensor<[1, 1], i64>
// CHECK: graph.return %[[R]]
graph.func @reduce_max_empty_axes(%x: !graph.tensor<[2, n], i64>) -> (out: !graph.tensor<[1, 1], i64>) {
  %0 = graph.reduce_max %x {axes = array<i64>, keepdims = true} : (!graph.tensor<[2, n], i64>) -> !graph.tensor<[1, 1], i64>
  graph.return %0 : !graph.tensor<[1, 1], i64>
}

// CHECK-LABEL: graph.func @reduce_min_bool
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 5], i1>)
// CHECK: %[[R:.*]] = graph.reduce_min %[[X]] {axes = array<i64: 1>} : (!graph.tensor<[n, 5], i1>) -> !graph.tensor<[n], i1>
// CHECK: graph.return %[[R]]
graph.func @reduce_min_bool(%x: !graph.tensor<[n, 5], i1>) -> (out: !graph.tensor<[n], i1>) {
  %0 = graph.reduce_min %x {axes = array<i64: 1>} : (!graph.tensor<[n, 5], i1>) -> !graph.tensor<[n], i1>
  graph.return %0 : !graph.tensor<[n], i1>
}

// CHECK-LABEL: graph.func @reduce_prod_l2
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 4], f64>)
// CHECK: %[[P:.*]] = graph.reduce_prod %[[X]] {axes = array<i64: -1>} : (!graph.tensor<[n, 4], f64>) -> !graph.tensor<[n], f64>
// CHECK: %[[L:.*]] = graph.reduce_l2 %[[X]] {axes = array<i64: 0>} : (!graph.tensor<[n, 4], f64>) -> !graph.tensor<[4], f64>
// CHECK: graph.return %[[P]], %[[L]]
graph.func @reduce_prod_l2(%x: !graph.tensor<[n, 4], f64>) -> (p: !graph.tensor<[n], f64>, l: !graph.tensor<[4], f64>) {
  %0 = graph.reduce_prod %x {axes = array<i64: -1>} : (!graph.tensor<[n, 4], f64>) -> !graph.tensor<[n], f64>
  %1 = graph.reduce_l2 %x {axes = array<i64: 0>} : (!graph.tensor<[n, 4], f64>) -> !graph.tensor<[4], f64>
  graph.return %0, %1 : !graph.tensor<[n], f64>, !graph.tensor<[4], f64>
}

// CHECK-LABEL: graph.func @argmax_argmin
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 3, m], f32>)
// CHECK: %[[A:.*]] = graph.argmax %[[X]] {axis = 1 : i64} : (!graph.tensor<[n, 3, m], f32>) -> !graph.tensor<[n, m], i64>
// CHECK: %[[B:.*]] = graph.argmin %[[X]] {axis = -1 : i64, keepdims = true, select_last_index = true} : (!graph.tensor<[n, 3, m], f32>) -> !graph.tensor<[n, 3, 1], i64>
// CHECK: graph.return %[[A]], %[[B]]
graph.func @argmax_argmin(%x: !graph.tensor<[n, 3, m], f32>) -> (a: !graph.tensor<[n, m], i64>, b: !graph.tensor<[n, 3, 1], i64>) {
  %0 = graph.argmax %x {axis = 1 : i64} : (!graph.tensor<[n, 3, m], f32>) -> !graph.tensor<[n, m], i64>
  %1 = graph.argmin %x {axis = -1 : i64, keepdims = true, select_last_index = true} : (!graph.tensor<[n, 3, m], f32>) -> !graph.tensor<[n, 3, 1], i64>
  graph.return %0, %1 : !graph.tensor<[n, m], i64>, !graph.tensor<[n, 3, 1], i64>
}

// CHECK-LABEL: graph.func @softmax
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, h, 16], bf16>)
// CHECK: %[[S:.*]] = graph.softmax %[[X]] : (!graph.tensor<[n, h, 16], bf16>) -> !graph.tensor<[n, h, 16], bf16>
// CHECK: %[[L:.*]] = graph.log_softmax %[[S]] {axis = 1 : i64} : (!graph.tensor<[n, h, 16], bf16>) -> !graph.tensor<[n, h, 16], bf16>
// CHECK: graph.return %[[L]]
graph.func @softmax(%x: !graph.tensor<[n, h, 16], bf16>) -> (out: !graph.tensor<[n, h, 16], bf16>) {
  %0 = graph.softmax %x : (!graph.tensor<[n, h, 16], bf16>) -> !graph.tensor<[n, h, 16], bf16>
  %1 = graph.log_softmax %0 {axis = 1 : i64} : (!graph.tensor<[n, h, 16], bf16>) -> !graph.tensor<[n, h, 16], bf16>
  graph.return %1 : !graph.tensor<[n, h, 16], bf16>
}

// CHECK-LABEL: graph.func @cumsum
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 4], i64>)
// CHECK: %[[A:.*]] = graph.cumsum %[[X]] {axis = 0 : i64} : (!graph.tensor<[n, 4], i64>) -> !graph.tensor<[n, 4], i64>
// CHECK: %[[B:.*]] = graph.cumsum %[[A]] {axis = -1 : i64, exclusive = true, reverse = true} : (!graph.tensor<[n, 4], i64>) -> !graph.tensor<[n, 4], i64>
// CHECK: graph.return %[[B]]
graph.func @cumsum(%x: !graph.tensor<[n, 4], i64>) -> (out: !graph.tensor<[n, 4], i64>) {
  %0 = graph.cumsum %x {axis = 0 : i64} : (!graph.tensor<[n, 4], i64>) -> !graph.tensor<[n, 4], i64>
  %1 = graph.cumsum %0 {axis = -1 : i64, exclusive = true, reverse = true} : (!graph.tensor<[n, 4], i64>) -> !graph.tensor<[n, 4], i64>
  graph.return %1 : !graph.tensor<[n, 4], i64>
}
