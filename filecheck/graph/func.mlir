// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @main
// CHECK-SAME: (%x: !graph.tensor<[n, n*4], f32>, %w: !graph.tensor<[n*4], f32>) -> (y: !graph.tensor<[n, n*4], f32>, z: !graph.tensor<[n, n*4], f32>)
// CHECK: %[[C:.*]] = graph.constant dense<{{\[}}1.000000e+00, 2.000000e+00]> : tensor<2xf32> : !graph.tensor<[2], f32>
// CHECK: %[[S:.*]] = graph.constant dense<0> : tensor<3x3xi8> : !graph.tensor<[3, 3], i8>
// CHECK: %[[E:.*]] = graph.constant #graph.external<"weights.npz", "conv1.w"> : !graph.tensor<[64, 3, 7, 7], f32>
// CHECK: %[[P:.*]] = graph.param "bias" : !graph.tensor<[n*4], f32>
// CHECK: %[[R:.*]] = graph.call @helper(%x, %w) : (!graph.tensor<[n, n*4], f32>, !graph.tensor<[n*4], f32>) -> !graph.tensor<[n, n*4], f32>
// CHECK: graph.return %[[R]], %x : !graph.tensor<[n, n*4], f32>, !graph.tensor<[n, n*4], f32>
graph.func @main(%x: !graph.tensor<[n, n*4], f32>, %w: !graph.tensor<[4*n], f32>) -> (y: !graph.tensor<[n, n*4], f32>, z: !graph.tensor<[n, n*4], f32>) {
  %c = graph.constant dense<[1.0, 2.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %s = graph.constant dense<0> : tensor<3x3xi8> : !graph.tensor<[3, 3], i8>
  %e = graph.constant #graph.external<"weights.npz", "conv1.w"> : !graph.tensor<[64, 3, 7, 7], f32>
  %p = graph.param "bias" : !graph.tensor<[n*4], f32>
  %r = graph.call @helper(%x, %w) : (!graph.tensor<[n, n*4], f32>, !graph.tensor<[n*4], f32>) -> !graph.tensor<[n, n*4], f32>
  graph.return %r, %x : !graph.tensor<[n, n*4], f32>, !graph.tensor<[n, n*4], f32>
}

// A callee's symbols (k) are bound per call from the caller's dims.
// CHECK-LABEL: graph.func private @helper
// CHECK-SAME: (%a: !graph.tensor<[k, j], f32>, %b: !graph.tensor<[j], f32>) -> (out: !graph.tensor<[k, j], f32>)
graph.func private @helper(%a: !graph.tensor<[k, j], f32>, %b: !graph.tensor<[j], f32>) -> (out: !graph.tensor<[k, j], f32>) {
  %0 = graph.add %a, %b : (!graph.tensor<[k, j], f32>, !graph.tensor<[j], f32>) -> !graph.tensor<[k, j], f32>
  graph.return %0 : !graph.tensor<[k, j], f32>
}

// Symbolic expressions in types: affine syntax, canonical printing.
// CHECK-LABEL: graph.func @exprs
// CHECK-SAME: !graph.tensor<[((h-3) floordiv 2)+1, max(n, 4), n mod 8, h ceildiv 2], f16>
graph.func @exprs(%a: !graph.tensor<[(h - 3) floordiv 2 + 1, max(n, 4), n mod 8, h ceildiv 2], f16>) -> (o: !graph.tensor<[(h-3) floordiv 2+1, max(n, 4), n mod 8, h ceildiv 2], f16>) {
  graph.return %a : !graph.tensor<[(h-3) floordiv 2+1, max(n, 4), n mod 8, h ceildiv 2], f16>
}

// Every element type.
// CHECK-LABEL: graph.func @dtypes
// CHECK-SAME: !graph.tensor<[], bf16>, %{{.*}}: !graph.tensor<[], f64>, %{{.*}}: !graph.tensor<[], i1>, %{{.*}}: !graph.tensor<[], i16>, %{{.*}}: !graph.tensor<[], i64>, %{{.*}}: !graph.tensor<[], ui8>
graph.func @dtypes(%a: !graph.tensor<[], bf16>, %b: !graph.tensor<[], f64>, %c: !graph.tensor<[], i1>, %d: !graph.tensor<[], i16>, %e: !graph.tensor<[], i64>, %f: !graph.tensor<[], ui8>) {
  graph.return
}
