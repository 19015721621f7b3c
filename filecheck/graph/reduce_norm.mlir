// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @layer_norm
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, s, 64], f32>, %[[W:[^:]+]]: !graph.tensor<[64], f32>, %[[B:[^:]+]]: !graph.tensor<[64], f32>)
// CHECK: %[[R:.*]] = graph.layer_norm %[[X]], %[[W]], %[[B]] : (!graph.tensor<[n, s, 64], f32>, !graph.tensor<[64], f32>, !graph.tensor<[64], f32>) -> !graph.tensor<[n, s, 64], f32>
// CHECK: graph.return %[[R]]
graph.func @layer_norm(%x: !graph.tensor<[n, s, 64], f32>, %w: !graph.tensor<[64], f32>, %b: !graph.tensor<[64], f32>) -> (out: !graph.tensor<[n, s, 64], f32>) {
  %0 = graph.layer_norm %x, %w, %b : (!graph.tensor<[n, s, 64], f32>, !graph.tensor<[64], f32>, !graph.tensor<[64], f32>) -> !graph.tensor<[n, s, 64], f32>
  graph.return %0 : !graph.tensor<[n, s, 64], f32>
}

// CHECK-LABEL: graph.func @layer_norm_two_dims
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, s, d], f16>, %[[W:[^:]+]]: !graph.tensor<[s, d], f16>, %[[B:[^:]+]]: !graph.tensor<[s, d], f16>)
// CHECK: %[[R:.*]] = graph.layer_norm %[[X]], %[[W]], %[[B]] {axis = 1 : i64, epsilon = 1.000000e-06 : f64} : (!graph.tensor<[n, s, d], f16>, !graph.tensor<[s, d], f16>, !graph.tensor<[s, d], f16>) -> !graph.tensor<[n, s, d], f16>
// CHECK: graph.return %[[R]]
graph.func @layer_norm_two_dims(%x: !graph.tensor<[n, s, d], f16>, %w: !graph.tensor<[s, d], f16>, %b: !graph.tensor<[s, d], f16>) -> (out: !graph.tensor<[n, s, d], f16>) {
  %0 = graph.layer_norm %x, %w, %b {axis = 1 : i64, epsilon = 1.0e-06 : f64} : (!graph.tensor<[n, s, d], f16>, !graph.tensor<[s, d], f16>, !graph.tensor<[s, d], f16>) -> !graph.tensor<[n, s, d], f16>
  graph.return %0 : !graph.tensor<[n, s, d], f16>
}

// CHECK-LABEL: graph.func @batch_norm_nchw
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 8, h, w], f32>, %[[P:[^:]+]]: !graph.tensor<[8], f32>)
// CHECK: %[[R:.*]] = graph.batch_norm %[[X]], %[[P]], %[[P]], %[[P]], %[[P]] : (!graph.tensor<[n, 8, h, w], f32>, !graph.tensor<[8], f32>, !graph.tensor<[8], f32>, !graph.tensor<[8], f32>, !graph.tensor<[8], f32>) -> !graph.tensor<[n, 8, h, w], f32>
// CHECK: graph.return %[[R]]
graph.func @batch_norm_nchw(%x: !graph.tensor<[n, 8, h, w], f32>, %p: !graph.tensor<[8], f32>) -> (out: !graph.tensor<[n, 8, h, w], f32>) {
  %0 = graph.batch_norm %x, %p, %p, %p, %p : (!graph.tensor<[n, 8, h, w], f32>, !graph.tensor<[8], f32>, !graph.tensor<[8], f32>, !graph.tensor<[8], f32>, !graph.tensor<[8], f32>) -> !graph.tensor<[n, 8, h, w], f32>
  graph.return %0 : !graph.tensor<[n, 8, h, w], f32>
}

// CHECK-LABEL: graph.func @batch_norm_nhwc
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, h, w, c], f64>, %[[S:[^:]+]]: !graph.tensor<[c], f64>, %[[B:[^:]+]]: !graph.tensor<[c], f64>, %[[M:[^:]+]]: !graph.tensor<[c], f64>, %[[V:[^:]+]]: !graph.tensor<[c], f64>)
// CHECK: %[[R:.*]] = graph.batch_norm %[[X]], %[[S]], %[[B]], %[[M]], %[[V]] {channel_axis = -1 : i64, epsilon = 1.000000e-03 : f64} : (!graph.tensor<[n, h, w, c], f64>, !graph.tensor<[c], f64>, !graph.tensor<[c], f64>, !graph.tensor<[c], f64>, !graph.tensor<[c], f64>) -> !graph.tensor<[n, h, w, c], f64>
// CHECK: graph.return %[[R]]
graph.func @batch_norm_nhwc(%x: !graph.tensor<[n, h, w, c], f64>, %s: !graph.tensor<[c], f64>, %b: !graph.tensor<[c], f64>, %m: !graph.tensor<[c], f64>, %v: !graph.tensor<[c], f64>) -> (out: !graph.tensor<[n, h, w, c], f64>) {
  %0 = graph.batch_norm %x, %s, %b, %m, %v {channel_axis = -1 : i64, epsilon = 1.0e-03 : f64} : (!graph.tensor<[n, h, w, c], f64>, !graph.tensor<[c], f64>, !graph.tensor<[c], f64>, !graph.tensor<[c], f64>, !graph.tensor<[c], f64>) -> !graph.tensor<[n, h, w, c], f64>
  graph.return %0 : !graph.tensor<[n, h, w, c], f64>
}

// CHECK-LABEL: graph.func @group_norm
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, 32, l], f32>, %[[S:[^:]+]]: !graph.tensor<[32], f32>, %[[B:[^:]+]]: !graph.tensor<[32], f32>)
// CHECK: %[[R:.*]] = graph.group_norm %[[X]], %[[S]], %[[B]] {num_groups = 8 : i64} : (!graph.tensor<[n, 32, l], f32>, !graph.tensor<[32], f32>, !graph.tensor<[32], f32>) -> !graph.tensor<[n, 32, l], f32>
// CHECK: graph.return %[[R]]
graph.func @group_norm(%x: !graph.tensor<[n, 32, l], f32>, %s: !graph.tensor<[32], f32>, %b: !graph.tensor<[32], f32>) -> (out: !graph.tensor<[n, 32, l], f32>) {
  %0 = graph.group_norm %x, %s, %b {num_groups = 8 : i64} : (!graph.tensor<[n, 32, l], f32>, !graph.tensor<[32], f32>, !graph.tensor<[32], f32>) -> !graph.tensor<[n, 32, l], f32>
  graph.return %0 : !graph.tensor<[n, 32, l], f32>
}

// CHECK-LABEL: graph.func @instance_norm
// CHECK-SAME: (%[[X:[^:]+]]: !graph.tensor<[n, c, h, w], bf16>, %[[S:[^:]+]]: !graph.tensor<[c], bf16>, %[[B:[^:]+]]: !graph.tensor<[c], bf16>)
// CHECK: %[[R:.*]] = graph.instance_norm %[[X]], %[[S]], %[[B]] {epsilon = 1.000000e-04 : f64} : (!graph.tensor<[n, c, h, w], bf16>, !graph.tensor<[c], bf16>, !graph.tensor<[c], bf16>) -> !graph.tensor<[n, c, h, w], bf16>
// CHECK: graph.return %[[R]]
graph.func @instance_norm(%x: !graph.tensor<[n, c, h, w], bf16>, %s: !graph.tensor<[c], bf16>, %b: !graph.tensor<[c], bf16>) -> (out: !graph.tensor<[n, c, h, w], bf16>) {
  %0 = graph.instance_norm %x, %s, %b {epsilon = 1.0e-04 : f64} : (!graph.tensor<[n, c, h, w], bf16>, !graph.tensor<[c], bf16>, !graph.tensor<[c], bf16>) -> !graph.tensor<[n, c, h, w], bf16>
  graph.return %0 : !graph.tensor<[n, c, h, w], bf16>
}
