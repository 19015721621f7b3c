// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @gather
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 4], f32>, %[[I:[^:]+]]: !graph.tensor<[2, m], i64>)
// CHECK: %[[R:.*]] = graph.gather %[[X]], %[[I]] {axis = 1 : i64} : (!graph.tensor<[n, 4], f32>, !graph.tensor<[2, m], i64>) -> !graph.tensor<[n, 2, m], f32>
// CHECK: graph.return %[[R]]
graph.func @gather(%x: !graph.tensor<[n, 4], f32>, %i: !graph.tensor<[2, m], i64>) -> (out: !graph.tensor<[n, 2, m], f32>) {
  %0 = graph.gather %x, %i {axis = 1 : i64} : (!graph.tensor<[n, 4], f32>, !graph.tensor<[2, m], i64>) -> !graph.tensor<[n, 2, m], f32>
  graph.return %0 : !graph.tensor<[n, 2, m], f32>
}

// CHECK-LABEL: graph.func @gather_default_axis
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[5, 3], i32>, %[[I:[^:]+]]: !graph.tensor<[], i32>)
// CHECK: %[[R:.*]] = graph.gather %[[X]], %[[I]] : (!graph.tensor<[5, 3], i32>, !graph.tensor<[], i32>) -> !graph.tensor<[3], i32>
// CHECK: graph.return %[[R]]
graph.func @gather_default_axis(%x: !graph.tensor<[5, 3], i32>, %i: !graph.tensor<[], i32>) -> (out: !graph.tensor<[3], i32>) {
  %0 = graph.gather %x, %i : (!graph.tensor<[5, 3], i32>, !graph.tensor<[], i32>) -> !graph.tensor<[3], i32>
  graph.return %0 : !graph.tensor<[3], i32>
}

// CHECK-LABEL: graph.func @gather_elements
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 4], f16>, %[[I:[^:]+]]: !graph.tensor<[n, 7], i64>)
// CHECK: %[[R:.*]] = graph.gather_elements %[[X]], %[[I]] {axis = -1 : i64} : (!graph.tensor<[n, 4], f16>, !graph.tensor<[n, 7], i64>) -> !graph.tensor<[n, 7], f16>
// CHECK: graph.return %[[R]]
graph.func @gather_elements(%x: !graph.tensor<[n, 4], f16>, %i: !graph.tensor<[n, 7], i64>) -> (out: !graph.tensor<[n, 7], f16>) {
  %0 = graph.gather_elements %x, %i {axis = -1 : i64} : (!graph.tensor<[n, 4], f16>, !graph.tensor<[n, 7], i64>) -> !graph.tensor<[n, 7], f16>
  graph.return %0 : !graph.tensor<[n, 7], f16>
}

// CHECK-LABEL: graph.func @gather_nd
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[b, 5, 6], f32>, %[[I:[^:]+]]: !graph.tensor<[b, k, 1], i32>)
// CHECK: %[[R:.*]] = graph.gather_nd %[[X]], %[[I]] {batch_dims = 1 : i64} : (!graph.tensor<[b, 5, 6], f32>, !graph.tensor<[b, k, 1], i32>) -> !graph.tensor<[b, k, 6], f32>
// CHECK: graph.return %[[R]]
graph.func @gather_nd(%x: !graph.tensor<[b, 5, 6], f32>, %i: !graph.tensor<[b, k, 1], i32>) -> (out: !graph.tensor<[b, k, 6], f32>) {
  %0 = graph.gather_nd %x, %i {batch_dims = 1 : i64} : (!graph.tensor<[b, 5, 6], f32>, !graph.tensor<[b, k, 1], i32>) -> !graph.tensor<[b, k, 6], f32>
  graph.return %0 : !graph.tensor<[b, k, 6], f32>
}

// CHECK-LABEL: graph.func @scatter_elements
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 4], f32>, %[[I:[^:]+]]: !graph.tensor<[m, 4], i64>, %[[U:[^:]+]]: !graph.tensor<[m, 4], f32>)
// CHECK: %[[R:.*]] = graph.scatter_elements %[[X]], %[[I]], %[[U]] {reduction = "add"} : (!graph.tensor<[n, 4], f32>, !graph.tensor<[m, 4], i64>, !graph.tensor<[m, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]]
graph.func @scatter_elements(%x: !graph.tensor<[n, 4], f32>, %i: !graph.tensor<[m, 4], i64>, %u: !graph.tensor<[m, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.scatter_elements %x, %i, %u {reduction = "add"} : (!graph.tensor<[n, 4], f32>, !graph.tensor<[m, 4], i64>, !graph.tensor<[m, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @scatter_nd
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[4, 3, d], i64>, %[[I:[^:]+]]: !graph.tensor<[m, 2], i64>, %[[U:[^:]+]]: !graph.tensor<[m, d], i64>)
// CHECK: %[[R:.*]] = graph.scatter_nd %[[X]], %[[I]], %[[U]] {reduction = "max"} : (!graph.tensor<[4, 3, d], i64>, !graph.tensor<[m, 2], i64>, !graph.tensor<[m, d], i64>) -> !graph.tensor<[4, 3, d], i64>
// CHECK: graph.return %[[R]]
graph.func @scatter_nd(%x: !graph.tensor<[4, 3, d], i64>, %i: !graph.tensor<[m, 2], i64>, %u: !graph.tensor<[m, d], i64>) -> (out: !graph.tensor<[4, 3, d], i64>) {
  %0 = graph.scatter_nd %x, %i, %u {reduction = "max"} : (!graph.tensor<[4, 3, d], i64>, !graph.tensor<[m, 2], i64>, !graph.tensor<[m, d], i64>) -> !graph.tensor<[4, 3, d], i64>
  graph.return %0 : !graph.tensor<[4, 3, d], i64>
}

// CHECK-LABEL: graph.func @embedding
// CHECK-SAME: (%[[W:[^:]+]]: !graph.tensor<[v, 16], bf16>, %[[I:[^:]+]]: !graph.tensor<[b, s], i32>)
// CHECK: %[[R:.*]] = graph.embedding %[[W]], %[[I]] : (!graph.tensor<[v, 16], bf16>, !graph.tensor<[b, s], i32>) -> !graph.tensor<[b, s, 16], bf16>
// CHECK: graph.return %[[R]]
graph.func @embedding(%w: !graph.tensor<[v, 16], bf16>, %i: !graph.tensor<[b, s], i32>) -> (out: !graph.tensor<[b, s, 16], bf16>) {
  %0 = graph.embedding %w, %i : (!graph.tensor<[v, 16], bf16>, !graph.tensor<[b, s], i32>) -> !graph.tensor<[b, s, 16], bf16>
  graph.return %0 : !graph.tensor<[b, s, 16], bf16>
}

// CHECK-LABEL: graph.func @one_hot
// CHECK-SAME: (%[[I:[^:]+]]: !graph.tensor<[n, 3], i64>)
// CHECK: %[[R:.*]] = graph.one_hot %[[I]] {depth = 5 : i64, axis = 1 : i64, dtype = i32, on_value = 3.000000e+00 : f64, off_value = -1.000000e+00 : f64} : (!graph.tensor<[n, 3], i64>) -> !graph.tensor<[n, 5, 3], i32>
// CHECK: graph.return %[[R]]
graph.func @one_hot(%i: !graph.tensor<[n, 3], i64>) -> (out: !graph.tensor<[n, 5, 3], i32>) {
  %0 = graph.one_hot %i {depth = 5 : i64, axis = 1 : i64, dtype = i32, on_value = 3.0 : f64, off_value = -1.0 : f64} : (!graph.tensor<[n, 3], i64>) -> !graph.tensor<[n, 5, 3], i32>
  graph.return %0 : !graph.tensor<[n, 5, 3], i32>
}

// CHECK-LABEL: graph.func @one_hot_default
// CHECK: graph.one_hot %{{.*}} {depth = 4 : i64} : (!graph.tensor<[n], i32>) -> !graph.tensor<[n, 4], f32>
graph.func @one_hot_default(%i: !graph.tensor<[n], i32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.one_hot %i {depth = 4 : i64} : (!graph.tensor<[n], i32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
