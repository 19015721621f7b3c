// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @resize_sizes
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 3, h, w], f32>)
// CHECK: %[[R:.*]] = graph.resize %[[X]] {mode = "linear", coordinate_transformation_mode = "align_corners", sizes = #graph.shape<[n, 3, h*2, 8]>} : (!graph.tensor<[n, 3, h, w], f32>) -> !graph.tensor<[n, 3, h*2, 8], f32>
// CHECK: graph.return %[[R]]
graph.func @resize_sizes(%x: !graph.tensor<[n, 3, h, w], f32>) -> (out: !graph.tensor<[n, 3, h*2, 8], f32>) {
  %0 = graph.resize %x {mode = "linear", coordinate_transformation_mode = "align_corners", sizes = #graph.shape<[n, 3, h*2, 8]>} : (!graph.tensor<[n, 3, h, w], f32>) -> !graph.tensor<[n, 3, h*2, 8], f32>
  graph.return %0 : !graph.tensor<[n, 3, h*2, 8], f32>
}

// CHECK-LABEL: graph.func @resize_scales
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[1, 2, h, 10], i32>)
// CHECK: %[[R:.*]] = graph.resize %[[X]] {nearest_mode = "floor", coordinate_transformation_mode = "asymmetric", scales = array<f64: 1.000000e+00, 1.000000e+00, 1.500000e+00, 7.000000e-01>} : (!graph.tensor<[1, 2, h, 10], i32>) -> !graph.tensor<[1, 2, (h*3) floordiv 2, 7], i32>
// CHECK: graph.return %[[R]]
graph.func @resize_scales(%x: !graph.tensor<[1, 2, h, 10], i32>) -> (out: !graph.tensor<[1, 2, (h*3 floordiv 2), 7], i32>) {
  %0 = graph.resize %x {nearest_mode = "floor", coordinate_transformation_mode = "asymmetric", scales = array<f64: 1.0, 1.0, 1.5, 0.7>} : (!graph.tensor<[1, 2, h, 10], i32>) -> !graph.tensor<[1, 2, (h*3 floordiv 2), 7], i32>
  graph.return %0 : !graph.tensor<[1, 2, (h*3 floordiv 2), 7], i32>
}

// CHECK-LABEL: graph.func @topk
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 10], f32>)
// CHECK: %[[V:.*]], %[[I:.*]] = graph.topk %[[X]] {k = 3 : i64, largest = false} : (!graph.tensor<[n, 10], f32>) -> (!graph.tensor<[n, 3], f32>, !graph.tensor<[n, 3], i64>)
// CHECK: graph.return %[[V]], %[[I]]
graph.func @topk(%x: !graph.tensor<[n, 10], f32>) -> (v: !graph.tensor<[n, 3], f32>, i: !graph.tensor<[n, 3], i64>) {
  %0, %1 = graph.topk %x {k = 3 : i64, largest = false} : (!graph.tensor<[n, 10], f32>) -> (!graph.tensor<[n, 3], f32>, !graph.tensor<[n, 3], i64>)
  graph.return %0, %1 : !graph.tensor<[n, 3], f32>, !graph.tensor<[n, 3], i64>
}

// CHECK-LABEL: graph.func @topk_axis0
// CHECK: graph.topk %{{.*}} {k = 2 : i64, axis = 0 : i64, sorted = false} : (!graph.tensor<[5, m], i64>) -> (!graph.tensor<[2, m], i64>, !graph.tensor<[2, m], i64>)
graph.func @topk_axis0(%x: !graph.tensor<[5, m], i64>) -> (v: !graph.tensor<[2, m], i64>, i: !graph.tensor<[2, m], i64>) {
  %0, %1 = graph.topk %x {k = 2 : i64, axis = 0 : i64, sorted = false} : (!graph.tensor<[5, m], i64>) -> (!graph.tensor<[2, m], i64>, !graph.tensor<[2, m], i64>)
  graph.return %0, %1 : !graph.tensor<[2, m], i64>, !graph.tensor<[2, m], i64>
}

// CHECK-LABEL: graph.func @sort
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 4], f16>)
// CHECK: %[[S:.*]] = graph.sort %[[X]] {axis = 0 : i64, descending = true, stable = true} : (!graph.tensor<[n, 4], f16>) -> !graph.tensor<[n, 4], f16>
// CHECK: graph.return %[[S]]
graph.func @sort(%x: !graph.tensor<[n, 4], f16>) -> (s: !graph.tensor<[n, 4], f16>) {
  %0 = graph.sort %x {axis = 0 : i64, descending = true, stable = true} : (!graph.tensor<[n, 4], f16>) -> !graph.tensor<[n, 4], f16>
  graph.return %0 : !graph.tensor<[n, 4], f16>
}

// CHECK-LABEL: graph.func @argsort
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 4], i32>)
// CHECK: %[[A:.*]] = graph.argsort %[[X]] : (!graph.tensor<[n, 4], i32>) -> !graph.tensor<[n, 4], i64>
// CHECK: graph.return %[[A]]
graph.func @argsort(%x: !graph.tensor<[n, 4], i32>) -> (a: !graph.tensor<[n, 4], i64>) {
  %0 = graph.argsort %x : (!graph.tensor<[n, 4], i32>) -> !graph.tensor<[n, 4], i64>
  graph.return %0 : !graph.tensor<[n, 4], i64>
}
