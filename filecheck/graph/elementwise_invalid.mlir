// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s

graph.func @mismatch(%x: !graph.tensor<[3], f32>, %y: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[4], f32>) {
  %0 = graph.add %x, %y : (!graph.tensor<[3], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.add' op shapes [3] and [4] do not broadcast: dim -1 is 3 vs 4

// -----

graph.func @dtypes(%x: !graph.tensor<[3], f32>, %y: !graph.tensor<[3], i32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.add %x, %y : (!graph.tensor<[3], f32>, !graph.tensor<[3], i32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.add' op operands must have the same element type, got f32 and i32

// -----

graph.func @float_only(%x: !graph.tensor<[3], i32>) -> (out: !graph.tensor<[3], i32>) {
  %0 = graph.exp %x : (!graph.tensor<[3], i32>) -> !graph.tensor<[3], i32>
  graph.return %0 : !graph.tensor<[3], i32>
}
// CHECK: 'graph.exp' op does not accept element type i32 (needs float types)

// -----

graph.func @wrong_result(%x: !graph.tensor<[n, 3], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.relu %x : (!graph.tensor<[n, 3], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
// CHECK: 'graph.relu' op result #0 dim 1 is 4, expected 3 (inferred !graph.tensor<[n, 3], f32>)
