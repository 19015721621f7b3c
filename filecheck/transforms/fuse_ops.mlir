// RUN: tensorforge-opt %s -p graph-fuse-ops | filecheck %s
// RUN: tensorforge-opt %s -p 'graph-fuse-ops{no-epilogue=true}' | filecheck %s --check-prefix=NOEPI
// RUN: tensorforge-opt %s -p 'graph-fuse-ops{max-group-size=2}' | filecheck %s --check-prefix=MAX2
// RUN: tensorforge-opt %s -p 'graph-fuse-ops,graph-lower-to-tensorir' | filecheck %s --check-prefix=LOWER

// A matmul with its bias add and activation; a reduction with its epilogue.
// CHECK-LABEL: graph.func @mlp
// CHECK-NEXT: %[[R:.*]] = graph.call @mlp_fused_0(%x, %w, %b)
// CHECK-NEXT: %[[L:.*]] = graph.call @mlp_fused_1(%[[R]])
// CHECK-NEXT: graph.return %[[L]]
// CHECK-LABEL: graph.func private @mlp_fused_0
// CHECK-SAME: attributes {graph.fused}
// CHECK-NEXT: graph.matmul
// CHECK-NEXT: graph.add
// CHECK-NEXT: graph.relu
// CHECK-NEXT: graph.exp
// CHECK-NEXT: graph.return
// CHECK-LABEL: graph.func private @mlp_fused_1
// CHECK-NEXT: graph.reduce_sum
// CHECK-NEXT: graph.log
// CHECK-NEXT: graph.return
// NOEPI-LABEL: graph.func @mlp
// NOEPI-NEXT: graph.matmul
// NOEPI-NEXT: graph.call @mlp_fused_0
// MAX2-LABEL: graph.func private @mlp_fused_0
// MAX2-NEXT: graph.matmul
// MAX2-NEXT: graph.add
// MAX2-NEXT: graph.return
// LOWER-LABEL: graph.func @mlp
// LOWER-NEXT: graph.call_tir @mlp_fused_0
// LOWER-NEXT: graph.call_tir @mlp_fused_1
// LOWER: tir.func @mlp_fused_0
// LOWER: tir.func @mlp_fused_1
graph.func @mlp(%x: !graph.tensor<[n, 8], f32>, %w: !graph.tensor<[8, 6], f32>, %b: !graph.tensor<[6], f32>) -> (y: !graph.tensor<[n], f32>) {
  %m = graph.matmul %x, %w : (!graph.tensor<[n, 8], f32>, !graph.tensor<[8, 6], f32>) -> !graph.tensor<[n, 6], f32>
  %a = graph.add %m, %b : (!graph.tensor<[n, 6], f32>, !graph.tensor<[6], f32>) -> !graph.tensor<[n, 6], f32>
  %r = graph.relu %a : (!graph.tensor<[n, 6], f32>) -> !graph.tensor<[n, 6], f32>
  %e = graph.exp %r : (!graph.tensor<[n, 6], f32>) -> !graph.tensor<[n, 6], f32>
  %s = graph.reduce_sum %e {axes = array<i64: 1>} : (!graph.tensor<[n, 6], f32>) -> !graph.tensor<[n], f32>
  %l = graph.log %s : (!graph.tensor<[n], f32>) -> !graph.tensor<[n], f32>
  graph.return %l : !graph.tensor<[n], f32>
}

// A value with a consumer outside the chain (the return) keeps the group unfused.
// CHECK-LABEL: graph.func @shared
// CHECK-NEXT: graph.exp
// CHECK-NEXT: graph.tanh
// CHECK-NEXT: graph.return
graph.func @shared(%x: !graph.tensor<[4], f32>) -> (a: !graph.tensor<[4], f32>, b: !graph.tensor<[4], f32>) {
  %e = graph.exp %x : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  %t = graph.tanh %e : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %e, %t : !graph.tensor<[4], f32>, !graph.tensor<[4], f32>
}

// A diamond fuses whole; the opaque sort stays outside.
// CHECK-LABEL: graph.func @diamond
// CHECK-NEXT: %[[S:.*]] = graph.sort %x
// CHECK-NEXT: %[[C:.*]] = graph.call @diamond_fused_0(%[[S]])
// CHECK-NEXT: graph.return %[[C]]
// CHECK-LABEL: graph.func private @diamond_fused_0
// CHECK-NEXT: graph.exp
// CHECK-NEXT: graph.neg
// CHECK-NEXT: graph.abs
// CHECK-NEXT: graph.sub
graph.func @diamond(%x: !graph.tensor<[4], f32>) -> (a: !graph.tensor<[4], f32>) {
  %s = graph.sort %x : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  %e = graph.exp %s : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  %n = graph.neg %e : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  %a = graph.abs %e : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  %d = graph.sub %n, %a : (!graph.tensor<[4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %d : !graph.tensor<[4], f32>
}

// Two groups that would feed each other (rotary embedding: real = c*x1 - s*x2 joins
// c's group, imag = s*x1 + c*x2 joins s's group): one is left unfused, no cycle.
// CHECK-LABEL: graph.func @cross
// CHECK: graph.call @cross_fused_0
// CHECK-NOT: graph.call
// CHECK: graph.return
graph.func @cross(%c0: !graph.tensor<[4], f32>, %s0: !graph.tensor<[4], f32>, %x1: !graph.tensor<[2, 4], f32>, %x2: !graph.tensor<[2, 4], f32>) -> (r: !graph.tensor<[2, 4], f32>, i: !graph.tensor<[2, 4], f32>) {
  %c = graph.unsqueeze %c0 {axes = array<i64: 0>} : (!graph.tensor<[4], f32>) -> !graph.tensor<[1, 4], f32>
  %s = graph.unsqueeze %s0 {axes = array<i64: 0>} : (!graph.tensor<[4], f32>) -> !graph.tensor<[1, 4], f32>
  %cx1 = graph.mul %c, %x1 : (!graph.tensor<[1, 4], f32>, !graph.tensor<[2, 4], f32>) -> !graph.tensor<[2, 4], f32>
  %sx2 = graph.mul %s, %x2 : (!graph.tensor<[1, 4], f32>, !graph.tensor<[2, 4], f32>) -> !graph.tensor<[2, 4], f32>
  %real = graph.sub %cx1, %sx2 : (!graph.tensor<[2, 4], f32>, !graph.tensor<[2, 4], f32>) -> !graph.tensor<[2, 4], f32>
  %sx1 = graph.mul %s, %x1 : (!graph.tensor<[1, 4], f32>, !graph.tensor<[2, 4], f32>) -> !graph.tensor<[2, 4], f32>
  %cx2 = graph.mul %c, %x2 : (!graph.tensor<[1, 4], f32>, !graph.tensor<[2, 4], f32>) -> !graph.tensor<[2, 4], f32>
  %imag = graph.add %sx1, %cx2 : (!graph.tensor<[2, 4], f32>, !graph.tensor<[2, 4], f32>) -> !graph.tensor<[2, 4], f32>
  graph.return %real, %imag : !graph.tensor<[2, 4], f32>, !graph.tensor<[2, 4], f32>
}
