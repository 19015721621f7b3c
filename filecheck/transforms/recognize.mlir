// RUN: tensorforge-opt %s -p graph-recognize | filecheck %s
// RUN: tensorforge-opt %s -p 'graph-recognize{disable=silu,softmax}' | filecheck %s --check-prefix=OFF

// CHECK-LABEL: graph.func @silu
// CHECK-NEXT: %[[S:.*]] = graph.silu %x
// CHECK-NEXT: graph.return %[[S]]
// OFF-LABEL: graph.func @silu
// OFF: graph.sigmoid
graph.func @silu(%x: !graph.tensor<[n, 4], f32>) -> (y: !graph.tensor<[n, 4], f32>) {
  %s = graph.sigmoid %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  %y = graph.mul %x, %s : (!graph.tensor<[n, 4], f32>, !graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %y : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @gelu
// CHECK-NEXT: %[[G:.*]] = graph.gelu %x
// CHECK-NEXT: graph.return %[[G]]
graph.func @gelu(%x: !graph.tensor<[4], f32>) -> (y: !graph.tensor<[4], f32>) {
  %half = graph.constant dense<0.5> : tensor<f32> : !graph.tensor<[], f32>
  %one = graph.constant dense<1.0> : tensor<f32> : !graph.tensor<[], f32>
  %r2 = graph.constant dense<1.41421354> : tensor<f32> : !graph.tensor<[], f32>
  %a = graph.mul %x, %half : (!graph.tensor<[4], f32>, !graph.tensor<[], f32>) -> !graph.tensor<[4], f32>
  %d = graph.div %x, %r2 : (!graph.tensor<[4], f32>, !graph.tensor<[], f32>) -> !graph.tensor<[4], f32>
  %e = graph.erf %d : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  %p = graph.add %e, %one : (!graph.tensor<[4], f32>, !graph.tensor<[], f32>) -> !graph.tensor<[4], f32>
  %y = graph.mul %a, %p : (!graph.tensor<[4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %y : !graph.tensor<[4], f32>
}

// CHECK-LABEL: graph.func @softmax
// CHECK-NEXT: %[[S:.*]] = graph.softmax %x {axis = 1 : i64}
// CHECK-NEXT: graph.return %[[S]]
// OFF-LABEL: graph.func @softmax
// OFF: graph.reduce_max
graph.func @softmax(%x: !graph.tensor<[n, 4], f32>) -> (y: !graph.tensor<[n, 4], f32>) {
  %m = graph.reduce_max %x {axes = array<i64: -1>, keepdims = true} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 1], f32>
  %d = graph.sub %x, %m : (!graph.tensor<[n, 4], f32>, !graph.tensor<[n, 1], f32>) -> !graph.tensor<[n, 4], f32>
  %e = graph.exp %d : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  %s = graph.reduce_sum %e {axes = array<i64: 1>, keepdims = true} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 1], f32>
  %y = graph.div %e, %s : (!graph.tensor<[n, 4], f32>, !graph.tensor<[n, 1], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %y : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @layer_norm
// CHECK: %[[L:.*]] = graph.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 9.9999997473787516e-06 : f64}
// CHECK-NEXT: graph.return %[[L]]
graph.func @layer_norm(%x: !graph.tensor<[n, 4], f32>, %g: !graph.tensor<[4], f32>, %b: !graph.tensor<[4], f32>) -> (y: !graph.tensor<[n, 4], f32>) {
  %eps = graph.constant dense<1.0e-05> : tensor<f32> : !graph.tensor<[], f32>
  %two = graph.constant dense<2.0> : tensor<f32> : !graph.tensor<[], f32>
  %m = graph.reduce_mean %x {axes = array<i64: -1>, keepdims = true} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 1], f32>
  %d = graph.sub %x, %m : (!graph.tensor<[n, 4], f32>, !graph.tensor<[n, 1], f32>) -> !graph.tensor<[n, 4], f32>
  %p = graph.pow %d, %two : (!graph.tensor<[n, 4], f32>, !graph.tensor<[], f32>) -> !graph.tensor<[n, 4], f32>
  %v = graph.reduce_mean %p {axes = array<i64: -1>, keepdims = true} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 1], f32>
  %ve = graph.add %v, %eps : (!graph.tensor<[n, 1], f32>, !graph.tensor<[], f32>) -> !graph.tensor<[n, 1], f32>
  %r = graph.rsqrt %ve : (!graph.tensor<[n, 1], f32>) -> !graph.tensor<[n, 1], f32>
  %nrm = graph.mul %d, %r : (!graph.tensor<[n, 4], f32>, !graph.tensor<[n, 1], f32>) -> !graph.tensor<[n, 4], f32>
  %s = graph.mul %nrm, %g : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  %y = graph.add %s, %b : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %y : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @attention
// CHECK-NEXT: %[[A:.*]] = graph.attention %q, %k, %v, %m {scale = 2.500000e-01 : f64}
// CHECK-NEXT: graph.return %[[A]]
graph.func @attention(%q: !graph.tensor<[b, 5, 16], f32>, %k: !graph.tensor<[b, 6, 16], f32>, %v: !graph.tensor<[b, 6, 8], f32>, %m: !graph.tensor<[5, 6], f32>) -> (o: !graph.tensor<[b, 5, 8], f32>) {
  %c = graph.constant dense<4.0> : tensor<f32> : !graph.tensor<[], f32>
  %kt = graph.transpose %k {perm = array<i64: 0, 2, 1>} : (!graph.tensor<[b, 6, 16], f32>) -> !graph.tensor<[b, 16, 6], f32>
  %s = graph.matmul %q, %kt : (!graph.tensor<[b, 5, 16], f32>, !graph.tensor<[b, 16, 6], f32>) -> !graph.tensor<[b, 5, 6], f32>
  %d = graph.div %s, %c : (!graph.tensor<[b, 5, 6], f32>, !graph.tensor<[], f32>) -> !graph.tensor<[b, 5, 6], f32>
  %a = graph.add %d, %m : (!graph.tensor<[b, 5, 6], f32>, !graph.tensor<[5, 6], f32>) -> !graph.tensor<[b, 5, 6], f32>
  %p = graph.softmax %a {axis = -1 : i64} : (!graph.tensor<[b, 5, 6], f32>) -> !graph.tensor<[b, 5, 6], f32>
  %o = graph.matmul %p, %v : (!graph.tensor<[b, 5, 6], f32>, !graph.tensor<[b, 6, 8], f32>) -> !graph.tensor<[b, 5, 8], f32>
  graph.return %o : !graph.tensor<[b, 5, 8], f32>
}
