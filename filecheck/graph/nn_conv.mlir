// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @conv2d_grouped
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 4, h, w], f32>, %[[W:.*]]: !graph.tensor<[8, 2, 3, 3], f32>, %[[B:.*]]: !graph.tensor<[8], f32>)
// CHECK: %[[R:.*]] = graph.conv %[[X]], %[[W]], %[[B]] {strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>, groups = 2 : i64} : (!graph.tensor<[n, 4, h, w], f32>, !graph.tensor<[8, 2, 3, 3], f32>, !graph.tensor<[8], f32>) -> !graph.tensor<[n, 8, ((h-1) floordiv 2)+1, ((w-3) floordiv 2)+1], f32>
// CHECK: graph.return %[[R]]
graph.func @conv2d_grouped(%x: !graph.tensor<[n, 4, h, w], f32>, %w: !graph.tensor<[8, 2, 3, 3], f32>, %b: !graph.tensor<[8], f32>) -> (y: !graph.tensor<[n, 8, ((h-1) floordiv 2)+1, ((w-3) floordiv 2)+1], f32>) {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>, groups = 2 : i64} : (!graph.tensor<[n, 4, h, w], f32>, !graph.tensor<[8, 2, 3, 3], f32>, !graph.tensor<[8], f32>) -> !graph.tensor<[n, 8, ((h-1) floordiv 2)+1, ((w-3) floordiv 2)+1], f32>
  graph.return %0 : !graph.tensor<[n, 8, ((h-1) floordiv 2)+1, ((w-3) floordiv 2)+1], f32>
}

// CHECK-LABEL: graph.func @conv1d_depthwise_nwc
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, l, 6], f16>, %[[W:.*]]: !graph.tensor<[3, 1, 6], f16>)
// CHECK: %[[R:.*]] = graph.conv %[[X]], %[[W]] {dilations = array<i64: 2>, pads = array<i64: 2, 2>, groups = 6 : i64, layout = "NWC"} : (!graph.tensor<[n, l, 6], f16>, !graph.tensor<[3, 1, 6], f16>) -> !graph.tensor<[n, l, 6], f16>
// CHECK: graph.return %[[R]]
graph.func @conv1d_depthwise_nwc(%x: !graph.tensor<[n, l, 6], f16>, %w: !graph.tensor<[3, 1, 6], f16>) -> (y: !graph.tensor<[n, l, 6], f16>) {
  %0 = graph.conv %x, %w {dilations = array<i64: 2>, pads = array<i64: 2, 2>, groups = 6 : i64, layout = "NWC"} : (!graph.tensor<[n, l, 6], f16>, !graph.tensor<[3, 1, 6], f16>) -> !graph.tensor<[n, l, 6], f16>
  graph.return %0 : !graph.tensor<[n, l, 6], f16>
}

// CHECK-LABEL: graph.func @conv3d
// CHECK: graph.conv %{{.*}}, %{{.*}} {strides = array<i64: 2, 2, 2>} : (!graph.tensor<[1, 2, 8, 8, 8], f64>, !graph.tensor<[4, 2, 3, 3, 3], f64>) -> !graph.tensor<[1, 4, 3, 3, 3], f64>
graph.func @conv3d(%x: !graph.tensor<[1, 2, 8, 8, 8], f64>, %w: !graph.tensor<[4, 2, 3, 3, 3], f64>) -> (y: !graph.tensor<[1, 4, 3, 3, 3], f64>) {
  %0 = graph.conv %x, %w {strides = array<i64: 2, 2, 2>} : (!graph.tensor<[1, 2, 8, 8, 8], f64>, !graph.tensor<[4, 2, 3, 3, 3], f64>) -> !graph.tensor<[1, 4, 3, 3, 3], f64>
  graph.return %0 : !graph.tensor<[1, 4, 3, 3, 3], f64>
}

// CHECK-LABEL: graph.func @conv_transpose2d
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 4, h, w], f32>, %[[W:.*]]: !graph.tensor<[4, 3, 3, 3], f32>, %[[B:.*]]: !graph.tensor<[3], f32>)
// CHECK: %[[R:.*]] = graph.conv_transpose %[[X]], %[[W]], %[[B]] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>} : (!graph.tensor<[n, 4, h, w], f32>, !graph.tensor<[4, 3, 3, 3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[n, 3, h*2, w*2], f32>
// CHECK: graph.return %[[R]]
graph.func @conv_transpose2d(%x: !graph.tensor<[n, 4, h, w], f32>, %w: !graph.tensor<[4, 3, 3, 3], f32>, %b: !graph.tensor<[3], f32>) -> (y: !graph.tensor<[n, 3, h*2, w*2], f32>) {
  %0 = graph.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>} : (!graph.tensor<[n, 4, h, w], f32>, !graph.tensor<[4, 3, 3, 3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[n, 3, h*2, w*2], f32>
  graph.return %0 : !graph.tensor<[n, 3, h*2, w*2], f32>
}

// CHECK-LABEL: graph.func @conv_transpose1d_grouped
// CHECK: graph.conv_transpose %{{.*}}, %{{.*}} {groups = 2 : i64} : (!graph.tensor<[1, 4, 5], f32>, !graph.tensor<[4, 1, 3], f32>) -> !graph.tensor<[1, 2, 7], f32>
graph.func @conv_transpose1d_grouped(%x: !graph.tensor<[1, 4, 5], f32>, %w: !graph.tensor<[4, 1, 3], f32>) -> (y: !graph.tensor<[1, 2, 7], f32>) {
  %0 = graph.conv_transpose %x, %w {groups = 2 : i64} : (!graph.tensor<[1, 4, 5], f32>, !graph.tensor<[4, 1, 3], f32>) -> !graph.tensor<[1, 2, 7], f32>
  graph.return %0 : !graph.tensor<[1, 2, 7], f32>
}
