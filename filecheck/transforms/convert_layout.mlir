// RUN: tensorforge-opt %s -p 'graph-convert-layout{layout="NHWC"}' | filecheck %s
// RUN: tensorforge-opt %s -p 'graph-convert-layout{layout="NCHW"}' | filecheck %s --check-prefix=NCHW
// RUN: not tensorforge-opt %s -p 'graph-convert-layout{layout="HWCN"}' 2>&1 | filecheck %s --check-prefix=ERR

// ERR: graph-convert-layout: layout must be one of NHWC, NWC, NDHWC, NCHW, NCW, NCDHW, got 'HWCN'

// conv + batch_norm + relu + max_pool run channel-last; the weight constant is
// folded to HWIO; the only transposes are at the input and the output.
// CHECK-LABEL: graph.func @conv_bn_relu_pool
// CHECK: %[[T:.*]] = graph.transpose %x {perm = array<i64: 0, 2, 3, 1>} : {{.*}} -> !graph.tensor<[n, 8, 8, 3], f32>
// CHECK: %[[W:.*]] = graph.constant dense<5.000000e-01> : tensor<3x3x3x4xf32>
// CHECK-NOT: graph.transpose
// CHECK: %[[C:.*]] = graph.conv %[[T]], %[[W]] {pads = array<i64: 1, 1, 1, 1>, layout = "NHWC"}
// CHECK-NOT: graph.transpose
// CHECK: %[[B:.*]] = graph.batch_norm %[[C]], %s, %s, %s, %s {channel_axis = 3 : i64}
// CHECK-NEXT: %[[R:.*]] = graph.relu %[[B]]
// CHECK-NEXT: %[[P:.*]] = graph.max_pool %[[R]] {{{.*}}layout = "NHWC"}
// CHECK-NEXT: %[[O:.*]] = graph.transpose %[[P]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: graph.return %[[O]]
// NCHW-LABEL: graph.func @conv_bn_relu_pool
// NCHW-NOT: graph.transpose
// NCHW: graph.return
graph.func @conv_bn_relu_pool(%x: !graph.tensor<[n, 3, 8, 8], f32>) -> (y: !graph.tensor<[n, 4, 4, 4], f32>) {
  %w = graph.constant dense<0.5> : tensor<4x3x3x3xf32> : !graph.tensor<[4, 3, 3, 3], f32>
  %s = graph.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32> : !graph.tensor<[4], f32>
  %c = graph.conv %x, %w {pads = array<i64: 1, 1, 1, 1>} : (!graph.tensor<[n, 3, 8, 8], f32>, !graph.tensor<[4, 3, 3, 3], f32>) -> !graph.tensor<[n, 4, 8, 8], f32>
  %b = graph.batch_norm %c, %s, %s, %s, %s : (!graph.tensor<[n, 4, 8, 8], f32>, !graph.tensor<[4], f32>, !graph.tensor<[4], f32>, !graph.tensor<[4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4, 8, 8], f32>
  %r = graph.relu %b : (!graph.tensor<[n, 4, 8, 8], f32>) -> !graph.tensor<[n, 4, 8, 8], f32>
  %p = graph.max_pool %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (!graph.tensor<[n, 4, 8, 8], f32>) -> !graph.tensor<[n, 4, 4, 4], f32>
  graph.return %p : !graph.tensor<[n, 4, 4, 4], f32>
}

// A flatten that mixes channels with spatial dims needs the channel-first order
// back (one transpose before it); dense stays as it is.
// CHECK-LABEL: graph.func @conv_flatten_dense
// CHECK: %[[T:.*]] = graph.transpose %x {perm = array<i64: 0, 2, 3, 1>}
// CHECK: %[[C:.*]] = graph.conv %[[T]], %{{.*}} {layout = "NHWC"}
// CHECK-NEXT: %[[R:.*]] = graph.relu %[[C]]
// CHECK-NEXT: %[[B:.*]] = graph.transpose %[[R]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: %[[F:.*]] = graph.flatten %[[B]]
// CHECK-NEXT: %[[D:.*]] = graph.dense %[[F]], %wd
// CHECK-NEXT: graph.return %[[D]]
graph.func @conv_flatten_dense(%x: !graph.tensor<[2, 3, 4, 4], f32>) -> (y: !graph.tensor<[2, 5], f32>) {
  %w = graph.constant dense<0.25> : tensor<2x3x1x1xf32> : !graph.tensor<[2, 3, 1, 1], f32>
  %wd = graph.constant dense<0.1> : tensor<5x32xf32> : !graph.tensor<[5, 32], f32>
  %c = graph.conv %x, %w : (!graph.tensor<[2, 3, 4, 4], f32>, !graph.tensor<[2, 3, 1, 1], f32>) -> !graph.tensor<[2, 2, 4, 4], f32>
  %r = graph.relu %c : (!graph.tensor<[2, 2, 4, 4], f32>) -> !graph.tensor<[2, 2, 4, 4], f32>
  %f = graph.flatten %r : (!graph.tensor<[2, 2, 4, 4], f32>) -> !graph.tensor<[2, 32], f32>
  %d = graph.dense %f, %wd : (!graph.tensor<[2, 32], f32>, !graph.tensor<[5, 32], f32>) -> !graph.tensor<[2, 5], f32>
  graph.return %d : !graph.tensor<[2, 5], f32>
}

// A global pool [N, 1, 1, C] flattens without a transpose; a [C, 1, 1] bias
// constant becomes [1, 1, 1, C].
// CHECK-LABEL: graph.func @pool_flatten
// CHECK: %[[T:.*]] = graph.transpose %x
// CHECK: %[[K:.*]] = graph.constant dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00]]]]> : tensor<1x1x1x2xf32>
// CHECK: %[[A:.*]] = graph.add %{{.*}}, %[[K]] : (!graph.tensor<[2, 4, 4, 2], f32>, !graph.tensor<[1, 1, 1, 2], f32>)
// CHECK-NEXT: %[[G:.*]] = graph.global_avg_pool %[[A]] {layout = "NHWC"}
// CHECK-NEXT: %[[F:.*]] = graph.reshape %[[G]] {shape = #graph.shape<[2, 2]>}
// CHECK-NEXT: graph.return %[[F]]
graph.func @pool_flatten(%x: !graph.tensor<[2, 3, 4, 4], f32>) -> (y: !graph.tensor<[2, 2], f32>) {
  %w = graph.constant dense<0.25> : tensor<2x3x1x1xf32> : !graph.tensor<[2, 3, 1, 1], f32>
  %k = graph.constant dense<[[[1.0]], [[2.0]]]> : tensor<2x1x1xf32> : !graph.tensor<[2, 1, 1], f32>
  %c = graph.conv %x, %w : (!graph.tensor<[2, 3, 4, 4], f32>, !graph.tensor<[2, 3, 1, 1], f32>) -> !graph.tensor<[2, 2, 4, 4], f32>
  %a = graph.add %c, %k : (!graph.tensor<[2, 2, 4, 4], f32>, !graph.tensor<[2, 1, 1], f32>) -> !graph.tensor<[2, 2, 4, 4], f32>
  %g = graph.global_avg_pool %a : (!graph.tensor<[2, 2, 4, 4], f32>) -> !graph.tensor<[2, 2, 1, 1], f32>
  %f = graph.flatten %g : (!graph.tensor<[2, 2, 1, 1], f32>) -> !graph.tensor<[2, 2], f32>
  graph.return %f : !graph.tensor<[2, 2], f32>
}

// Back to channel-first: an NHWC conv net gets OIHW weights and NCHW ops; the
// user's transposes at the boundary cancel with the inserted ones.
// NCHW-LABEL: graph.func @nhwc_back
// NCHW-NEXT: %[[W:.*]] = graph.constant dense<5.000000e-01> : tensor<4x3x3x3xf32>
// NCHW-NEXT: %[[C:.*]] = graph.conv %x, %[[W]] {pads = array<i64: 1, 1, 1, 1>} : (!graph.tensor<[1, 3, 6, 6], f32>
// NCHW-NEXT: %[[P:.*]] = graph.avg_pool %[[C]] {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} :
// NCHW-NEXT: graph.return %[[P]] : !graph.tensor<[1, 4, 3, 3], f32>
// CHECK-LABEL: graph.func @nhwc_back
// CHECK: graph.conv {{.*}}layout = "NHWC"
graph.func @nhwc_back(%x: !graph.tensor<[1, 3, 6, 6], f32>) -> (y: !graph.tensor<[1, 4, 3, 3], f32>) {
  %w = graph.constant dense<0.5> : tensor<3x3x3x4xf32> : !graph.tensor<[3, 3, 3, 4], f32>
  %t = graph.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (!graph.tensor<[1, 3, 6, 6], f32>) -> !graph.tensor<[1, 6, 6, 3], f32>
  %c = graph.conv %t, %w {pads = array<i64: 1, 1, 1, 1>, layout = "NHWC"} : (!graph.tensor<[1, 6, 6, 3], f32>, !graph.tensor<[3, 3, 3, 4], f32>) -> !graph.tensor<[1, 6, 6, 4], f32>
  %p = graph.avg_pool %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, layout = "NHWC"} : (!graph.tensor<[1, 6, 6, 4], f32>) -> !graph.tensor<[1, 3, 3, 4], f32>
  %o = graph.transpose %p {perm = array<i64: 0, 3, 1, 2>} : (!graph.tensor<[1, 3, 3, 4], f32>) -> !graph.tensor<[1, 4, 3, 3], f32>
  graph.return %o : !graph.tensor<[1, 4, 3, 3], f32>
}

// instance_norm (and group_norm) follow through channel_axis.
// CHECK-LABEL: graph.func @conv_instance_norm
// CHECK: %[[C:.*]] = graph.conv %{{.*}} {layout = "NHWC"}
// CHECK-NEXT: %[[N:.*]] = graph.instance_norm %[[C]], %s, %s {channel_axis = 3 : i64}
// CHECK-NEXT: %[[O:.*]] = graph.transpose %[[N]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: graph.return %[[O]]
graph.func @conv_instance_norm(%x: !graph.tensor<[1, 3, 4, 4], f32>) -> (y: !graph.tensor<[1, 2, 4, 4], f32>) {
  %w = graph.constant dense<0.25> : tensor<2x3x1x1xf32> : !graph.tensor<[2, 3, 1, 1], f32>
  %s = graph.constant dense<[1.0, 2.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %c = graph.conv %x, %w : (!graph.tensor<[1, 3, 4, 4], f32>, !graph.tensor<[2, 3, 1, 1], f32>) -> !graph.tensor<[1, 2, 4, 4], f32>
  %n = graph.instance_norm %c, %s, %s : (!graph.tensor<[1, 2, 4, 4], f32>, !graph.tensor<[2], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[1, 2, 4, 4], f32>
  graph.return %n : !graph.tensor<[1, 2, 4, 4], f32>
}
