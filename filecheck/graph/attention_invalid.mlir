// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s

graph.func @head(%q: !graph.tensor<[5, 4], f32>, %k: !graph.tensor<[6, 3], f32>, %v: !graph.tensor<[6, 3], f32>) -> (o: !graph.tensor<[5, 3], f32>) {
  %a = graph.attention %q, %k, %v : (!graph.tensor<[5, 4], f32>, !graph.tensor<[6, 3], f32>, !graph.tensor<[6, 3], f32>) -> !graph.tensor<[5, 3], f32>
  graph.return %a : !graph.tensor<[5, 3], f32>
}
// CHECK: 'graph.attention' op query and key head dims differ: 4 vs 3

// -----

graph.func @len(%q: !graph.tensor<[5, 4], f32>, %k: !graph.tensor<[6, 4], f32>, %v: !graph.tensor<[7, 3], f32>) -> (o: !graph.tensor<[5, 3], f32>) {
  %a = graph.attention %q, %k, %v : (!graph.tensor<[5, 4], f32>, !graph.tensor<[6, 4], f32>, !graph.tensor<[7, 3], f32>) -> !graph.tensor<[5, 3], f32>
  graph.return %a : !graph.tensor<[5, 3], f32>
}
// CHECK: 'graph.attention' op key and value lengths differ: 6 vs 7

// -----

graph.func @rank(%q: !graph.tensor<[4], f32>, %k: !graph.tensor<[6, 4], f32>, %v: !graph.tensor<[6, 3], f32>) -> (o: !graph.tensor<[3], f32>) {
  %a = graph.attention %q, %k, %v : (!graph.tensor<[4], f32>, !graph.tensor<[6, 4], f32>, !graph.tensor<[6, 3], f32>) -> !graph.tensor<[3], f32>
  graph.return %a : !graph.tensor<[3], f32>
}
// CHECK: 'graph.attention' op query must have rank >= 2

// -----

graph.func @int(%q: !graph.tensor<[5, 4], i32>, %k: !graph.tensor<[6, 4], i32>, %v: !graph.tensor<[6, 3], i32>) -> (o: !graph.tensor<[5, 3], i32>) {
  %a = graph.attention %q, %k, %v : (!graph.tensor<[5, 4], i32>, !graph.tensor<[6, 4], i32>, !graph.tensor<[6, 3], i32>) -> !graph.tensor<[5, 3], i32>
  graph.return %a : !graph.tensor<[5, 3], i32>
}
// CHECK: 'graph.attention' op attention needs a float element type, got i32

// -----

graph.func @batch(%q: !graph.tensor<[2, 5, 4], f32>, %k: !graph.tensor<[3, 6, 4], f32>, %v: !graph.tensor<[3, 6, 3], f32>) -> (o: !graph.tensor<[3, 5, 3], f32>) {
  %a = graph.attention %q, %k, %v : (!graph.tensor<[2, 5, 4], f32>, !graph.tensor<[3, 6, 4], f32>, !graph.tensor<[3, 6, 3], f32>) -> !graph.tensor<[3, 5, 3], f32>
  graph.return %a : !graph.tensor<[3, 5, 3], f32>
}
// CHECK: 'graph.attention' op attention shapes:

// -----

graph.func @mask(%q: !graph.tensor<[5, 4], f32>, %k: !graph.tensor<[6, 4], f32>, %v: !graph.tensor<[6, 3], f32>, %m: !graph.tensor<[1, 5, 6], f32>) -> (o: !graph.tensor<[5, 3], f32>) {
  %a = graph.attention %q, %k, %v, %m : (!graph.tensor<[5, 4], f32>, !graph.tensor<[6, 4], f32>, !graph.tensor<[6, 3], f32>, !graph.tensor<[1, 5, 6], f32>) -> !graph.tensor<[5, 3], f32>
  graph.return %a : !graph.tensor<[5, 3], f32>
}
// CHECK: 'graph.attention' op mask rank 3 exceeds the score rank 2
