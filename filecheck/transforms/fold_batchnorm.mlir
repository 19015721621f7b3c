// RUN: tensorforge-opt %s -p graph-fold-batchnorm | filecheck %s
// RUN: tensorforge-opt %s -p 'graph-fold-batchnorm{fold-affine=false}' | filecheck %s --check-prefix=NOAFF

// CHECK-LABEL: graph.func @conv_bn
// CHECK: %[[W:.*]] = graph.constant dense<{{.*}}> : tensor<2x1x1x1xf32>
// CHECK: %[[B:.*]] = graph.constant dense<{{.*}}> : tensor<2xf32>
// CHECK: %[[C:.*]] = graph.conv %x, %[[W]], %[[B]]
// CHECK-NOT: graph.batch_norm
// CHECK: graph.return %[[C]]
graph.func @conv_bn(%x: !graph.tensor<[1, 1, 3, 3], f32>) -> (y: !graph.tensor<[1, 2, 3, 3], f32>) {
  %w = graph.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32> : !graph.tensor<[2, 1, 1, 1], f32>
  %s = graph.constant dense<[2.0, 3.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %b = graph.constant dense<[0.5, -1.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %m = graph.constant dense<[1.0, 0.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %v = graph.constant dense<[4.0, 1.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %c = graph.conv %x, %w : (!graph.tensor<[1, 1, 3, 3], f32>, !graph.tensor<[2, 1, 1, 1], f32>) -> !graph.tensor<[1, 2, 3, 3], f32>
  %y = graph.batch_norm %c, %s, %b, %m, %v {epsilon = 0.0 : f64} : (!graph.tensor<[1, 2, 3, 3], f32>, !graph.tensor<[2], f32>, !graph.tensor<[2], f32>, !graph.tensor<[2], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[1, 2, 3, 3], f32>
  graph.return %y : !graph.tensor<[1, 2, 3, 3], f32>
}

// A per-channel scale after a dense folds into its weights; disabled by fold-affine=false.
// CHECK-LABEL: graph.func @dense_scale
// CHECK: %[[W:.*]] = graph.constant dense<{{\[\[}}2.000000e+00, 2.000000e+00], [3.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[D:.*]] = graph.dense %x, %[[W]], %{{.*}}
// CHECK-NEXT: graph.return %[[D]]
// NOAFF-LABEL: graph.func @dense_scale
// NOAFF: graph.mul
graph.func @dense_scale(%x: !graph.tensor<[n, 2], f32>) -> (y: !graph.tensor<[n, 2], f32>) {
  %w = graph.constant dense<1.0> : tensor<2x2xf32> : !graph.tensor<[2, 2], f32>
  %k = graph.constant dense<[2.0, 3.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %d = graph.dense %x, %w : (!graph.tensor<[n, 2], f32>, !graph.tensor<[2, 2], f32>) -> !graph.tensor<[n, 2], f32>
  %y = graph.mul %d, %k : (!graph.tensor<[n, 2], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[n, 2], f32>
  graph.return %y : !graph.tensor<[n, 2], f32>
}

// Weights that are not constants: nothing folds.
// CHECK-LABEL: graph.func @param_weights
// CHECK: graph.batch_norm
graph.func @param_weights(%x: !graph.tensor<[1, 1, 3, 3], f32>, %w: !graph.tensor<[2, 1, 1, 1], f32>) -> (y: !graph.tensor<[1, 2, 3, 3], f32>) {
  %s = graph.constant dense<[2.0, 3.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %c = graph.conv %x, %w : (!graph.tensor<[1, 1, 3, 3], f32>, !graph.tensor<[2, 1, 1, 1], f32>) -> !graph.tensor<[1, 2, 3, 3], f32>
  %y = graph.batch_norm %c, %s, %s, %s, %s : (!graph.tensor<[1, 2, 3, 3], f32>, !graph.tensor<[2], f32>, !graph.tensor<[2], f32>, !graph.tensor<[2], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[1, 2, 3, 3], f32>
  graph.return %y : !graph.tensor<[1, 2, 3, 3], f32>
}
