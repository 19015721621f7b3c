// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @max_pool_ceil
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 4, h, w], f32>)
// CHECK: %[[R:.*]] = graph.max_pool %[[X]] {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = true} : (!graph.tensor<[n, 4, h, w], f32>) -> !graph.tensor<[n, 4, min(((h-1) ceildiv 2)+1, (h floordiv 2)+1), min(((w-1) ceildiv 2)+1, (w floordiv 2)+1)], f32>
// CHECK: graph.return %[[R]]
graph.func @max_pool_ceil(%x: !graph.tensor<[n, 4, h, w], f32>) -> (y: !graph.tensor<[n, 4, min(((h-1) ceildiv 2)+1, (h floordiv 2)+1), min(((w-1) ceildiv 2)+1, (w floordiv 2)+1)], f32>) {
  %0 = graph.max_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = true} : (!graph.tensor<[n, 4, h, w], f32>) -> !graph.tensor<[n, 4, min(((h-1) ceildiv 2)+1, (h floordiv 2)+1), min(((w-1) ceildiv 2)+1, (w floordiv 2)+1)], f32>
  graph.return %0 : !graph.tensor<[n, 4, min(((h-1) ceildiv 2)+1, (h floordiv 2)+1), min(((w-1) ceildiv 2)+1, (w floordiv 2)+1)], f32>
}

// CHECK-LABEL: graph.func @max_pool1d_nwc_dilated
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[2, 10, 3], i32>)
// CHECK: %[[R:.*]] = graph.max_pool %[[X]] {kernel = array<i64: 3>, dilations = array<i64: 2>, layout = "NWC"} : (!graph.tensor<[2, 10, 3], i32>) -> !graph.tensor<[2, 6, 3], i32>
// CHECK: graph.return %[[R]]
graph.func @max_pool1d_nwc_dilated(%x: !graph.tensor<[2, 10, 3], i32>) -> (y: !graph.tensor<[2, 6, 3], i32>) {
  %0 = graph.max_pool %x {kernel = array<i64: 3>, dilations = array<i64: 2>, layout = "NWC"} : (!graph.tensor<[2, 10, 3], i32>) -> !graph.tensor<[2, 6, 3], i32>
  graph.return %0 : !graph.tensor<[2, 6, 3], i32>
}

// CHECK-LABEL: graph.func @avg_pool_asymmetric
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[1, 3, 7, 7], f32>)
// CHECK: %[[R:.*]] = graph.avg_pool %[[X]] {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, count_include_pad = true} : (!graph.tensor<[1, 3, 7, 7], f32>) -> !graph.tensor<[1, 3, 4, 4], f32>
// CHECK: graph.return %[[R]]
graph.func @avg_pool_asymmetric(%x: !graph.tensor<[1, 3, 7, 7], f32>) -> (y: !graph.tensor<[1, 3, 4, 4], f32>) {
  %0 = graph.avg_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, count_include_pad = true} : (!graph.tensor<[1, 3, 7, 7], f32>) -> !graph.tensor<[1, 3, 4, 4], f32>
  graph.return %0 : !graph.tensor<[1, 3, 4, 4], f32>
}

// CHECK-LABEL: graph.func @avg_pool3d
// CHECK: graph.avg_pool %{{.*}} {kernel = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>} : (!graph.tensor<[n, 2, 4, 4, 4], f16>) -> !graph.tensor<[n, 2, 2, 2, 2], f16>
graph.func @avg_pool3d(%x: !graph.tensor<[n, 2, 4, 4, 4], f16>) -> (y: !graph.tensor<[n, 2, 2, 2, 2], f16>) {
  %0 = graph.avg_pool %x {kernel = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>} : (!graph.tensor<[n, 2, 4, 4, 4], f16>) -> !graph.tensor<[n, 2, 2, 2, 2], f16>
  graph.return %0 : !graph.tensor<[n, 2, 2, 2, 2], f16>
}

// CHECK-LABEL: graph.func @global_avg_pool
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, c, h, w], f32>, %[[Y:.*]]: !graph.tensor<[n, h, w, c], f32>)
// CHECK: %[[A:.*]] = graph.global_avg_pool %[[X]] : (!graph.tensor<[n, c, h, w], f32>) -> !graph.tensor<[n, c, 1, 1], f32>
// CHECK: %[[B:.*]] = graph.global_avg_pool %[[Y]] {layout = "NHWC"} : (!graph.tensor<[n, h, w, c], f32>) -> !graph.tensor<[n, 1, 1, c], f32>
// CHECK: graph.return %[[A]], %[[B]]
graph.func @global_avg_pool(%x: !graph.tensor<[n, c, h, w], f32>, %y: !graph.tensor<[n, h, w, c], f32>) -> (a: !graph.tensor<[n, c, 1, 1], f32>, b: !graph.tensor<[n, 1, 1, c], f32>) {
  %0 = graph.global_avg_pool %x : (!graph.tensor<[n, c, h, w], f32>) -> !graph.tensor<[n, c, 1, 1], f32>
  %1 = graph.global_avg_pool %y {layout = "NHWC"} : (!graph.tensor<[n, h, w, c], f32>) -> !graph.tensor<[n, 1, 1, c], f32>
  graph.return %0, %1 : !graph.tensor<[n, c, 1, 1], f32>, !graph.tensor<[n, 1, 1, c], f32>
}

// CHECK-LABEL: graph.func @adaptive_avg_pool
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 3, h, w], f32>, %[[Y:.*]]: !graph.tensor<[n, 3, l], f64>)
// CHECK: %[[A:.*]] = graph.adaptive_avg_pool %[[X]] {output_size = array<i64: 7, 7>} : (!graph.tensor<[n, 3, h, w], f32>) -> !graph.tensor<[n, 3, 7, 7], f32>
// CHECK: %[[B:.*]] = graph.adaptive_avg_pool %[[Y]] {output_size = array<i64: 4>} : (!graph.tensor<[n, 3, l], f64>) -> !graph.tensor<[n, 3, 4], f64>
// CHECK: graph.return %[[A]], %[[B]]
graph.func @adaptive_avg_pool(%x: !graph.tensor<[n, 3, h, w], f32>, %y: !graph.tensor<[n, 3, l], f64>) -> (a: !graph.tensor<[n, 3, 7, 7], f32>, b: !graph.tensor<[n, 3, 4], f64>) {
  %0 = graph.adaptive_avg_pool %x {output_size = array<i64: 7, 7>} : (!graph.tensor<[n, 3, h, w], f32>) -> !graph.tensor<[n, 3, 7, 7], f32>
  %1 = graph.adaptive_avg_pool %y {output_size = array<i64: 4>} : (!graph.tensor<[n, 3, l], f64>) -> !graph.tensor<[n, 3, 4], f64>
  graph.return %0, %1 : !graph.tensor<[n, 3, 7, 7], f32>, !graph.tensor<[n, 3, 4], f64>
}
