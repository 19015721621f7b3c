// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @matmul_batched
// CHECK-SAME: (%[[A:.*]]: !graph.tensor<[b, n, 4], f32>, %[[B:.*]]: !graph.tensor<[4, m], f32>)
// CHECK: %[[R:.*]] = graph.matmul %[[A]], %[[B]] : (!graph.tensor<[b, n, 4], f32>, !graph.tensor<[4, m], f32>) -> !graph.tensor<[b, n, m], f32>
// CHECK: graph.return %[[R]]
graph.func @matmul_batched(%a: !graph.tensor<[b, n, 4], f32>, %b: !graph.tensor<[4, m], f32>) -> (c: !graph.tensor<[b, n, m], f32>) {
  %0 = graph.matmul %a, %b : (!graph.tensor<[b, n, 4], f32>, !graph.tensor<[4, m], f32>) -> !graph.tensor<[b, n, m], f32>
  graph.return %0 : !graph.tensor<[b, n, m], f32>
}

// CHECK-LABEL: graph.func @matmul_broadcast
// CHECK: graph.matmul %{{.*}}, %{{.*}} : (!graph.tensor<[2, 1, 3, 4], f64>, !graph.tensor<[5, 4, 6], f64>) -> !graph.tensor<[2, 5, 3, 6], f64>
graph.func @matmul_broadcast(%a: !graph.tensor<[2, 1, 3, 4], f64>, %b: !graph.tensor<[5, 4, 6], f64>) -> (c: !graph.tensor<[2, 5, 3, 6], f64>) {
  %0 = graph.matmul %a, %b : (!graph.tensor<[2, 1, 3, 4], f64>, !graph.tensor<[5, 4, 6], f64>) -> !graph.tensor<[2, 5, 3, 6], f64>
  graph.return %0 : !graph.tensor<[2, 5, 3, 6], f64>
}

// CHECK-LABEL: graph.func @matmul_vectors
// CHECK-SAME: (%[[V:.*]]: !graph.tensor<[k], i32>, %[[M:.*]]: !graph.tensor<[k, 5], i32>)
// CHECK: %[[R:.*]] = graph.matmul %[[V]], %[[M]] : (!graph.tensor<[k], i32>, !graph.tensor<[k, 5], i32>) -> !graph.tensor<[5], i32>
// CHECK: %[[D:.*]] = graph.matmul %[[V]], %[[V]] : (!graph.tensor<[k], i32>, !graph.tensor<[k], i32>) -> !graph.tensor<[], i32>
// CHECK: graph.return %[[R]], %[[D]]
graph.func @matmul_vectors(%v: !graph.tensor<[k], i32>, %m: !graph.tensor<[k, 5], i32>) -> (r: !graph.tensor<[5], i32>, d: !graph.tensor<[], i32>) {
  %0 = graph.matmul %v, %m : (!graph.tensor<[k], i32>, !graph.tensor<[k, 5], i32>) -> !graph.tensor<[5], i32>
  %1 = graph.matmul %v, %v : (!graph.tensor<[k], i32>, !graph.tensor<[k], i32>) -> !graph.tensor<[], i32>
  graph.return %0, %1 : !graph.tensor<[5], i32>, !graph.tensor<[], i32>
}

// CHECK-LABEL: graph.func @dense_bias
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, t, 16], f32>, %[[W:.*]]: !graph.tensor<[8, 16], f32>, %[[B:.*]]: !graph.tensor<[8], f32>)
// CHECK: %[[R:.*]] = graph.dense %[[X]], %[[W]], %[[B]] : (!graph.tensor<[n, t, 16], f32>, !graph.tensor<[8, 16], f32>, !graph.tensor<[8], f32>) -> !graph.tensor<[n, t, 8], f32>
// CHECK: graph.return %[[R]]
graph.func @dense_bias(%x: !graph.tensor<[n, t, 16], f32>, %w: !graph.tensor<[8, 16], f32>, %b: !graph.tensor<[8], f32>) -> (y: !graph.tensor<[n, t, 8], f32>) {
  %0 = graph.dense %x, %w, %b : (!graph.tensor<[n, t, 16], f32>, !graph.tensor<[8, 16], f32>, !graph.tensor<[8], f32>) -> !graph.tensor<[n, t, 8], f32>
  graph.return %0 : !graph.tensor<[n, t, 8], f32>
}

// CHECK-LABEL: graph.func @dense_no_bias
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, k], f16>, %[[W:.*]]: !graph.tensor<[o, k], f16>)
// CHECK: %[[R:.*]] = graph.dense %[[X]], %[[W]] : (!graph.tensor<[n, k], f16>, !graph.tensor<[o, k], f16>) -> !graph.tensor<[n, o], f16>
// CHECK: graph.return %[[R]]
graph.func @dense_no_bias(%x: !graph.tensor<[n, k], f16>, %w: !graph.tensor<[o, k], f16>) -> (y: !graph.tensor<[n, o], f16>) {
  %0 = graph.dense %x, %w : (!graph.tensor<[n, k], f16>, !graph.tensor<[o, k], f16>) -> !graph.tensor<[n, o], f16>
  graph.return %0 : !graph.tensor<[n, o], f16>
}
