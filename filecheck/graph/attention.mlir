// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @sdpa
// CHECK-NEXT: %[[A:.*]] = graph.attention %q, %k, %v : (!graph.tensor<[b, 8, s, 16], f32>, !graph.tensor<[b, 8, t, 16], f32>, !graph.tensor<[b, 8, t, 32], f32>) -> !graph.tensor<[b, 8, s, 32], f32>
// CHECK-NEXT: graph.return %[[A]]
graph.func @sdpa(%q: !graph.tensor<[b, 8, s, 16], f32>, %k: !graph.tensor<[b, 8, t, 16], f32>, %v: !graph.tensor<[b, 8, t, 32], f32>) -> (o: !graph.tensor<[b, 8, s, 32], f32>) {
  %a = graph.attention %q, %k, %v : (!graph.tensor<[b, 8, s, 16], f32>, !graph.tensor<[b, 8, t, 16], f32>, !graph.tensor<[b, 8, t, 32], f32>) -> !graph.tensor<[b, 8, s, 32], f32>
  graph.return %a : !graph.tensor<[b, 8, s, 32], f32>
}

// CHECK-LABEL: graph.func @masked
// CHECK-NEXT: %[[A:.*]] = graph.attention %q, %k, %v, %m {scale = 1.250000e-01 : f64} : (!graph.tensor<[4, 16], f16>, !graph.tensor<[6, 16], f16>, !graph.tensor<[6, 2], f16>, !graph.tensor<[4, 6], f16>) -> !graph.tensor<[4, 2], f16>
graph.func @masked(%q: !graph.tensor<[4, 16], f16>, %k: !graph.tensor<[6, 16], f16>, %v: !graph.tensor<[6, 2], f16>, %m: !graph.tensor<[4, 6], f16>) -> (o: !graph.tensor<[4, 2], f16>) {
  %a = graph.attention %q, %k, %v, %m {scale = 0.125 : f64} : (!graph.tensor<[4, 16], f16>, !graph.tensor<[6, 16], f16>, !graph.tensor<[6, 2], f16>, !graph.tensor<[4, 6], f16>) -> !graph.tensor<[4, 2], f16>
  graph.return %a : !graph.tensor<[4, 2], f16>
}
