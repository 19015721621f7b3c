// RUN: tensorforge-opt %s -p cse,dce | filecheck %s

// Graph ops are pure: duplicates merge and dead ones disappear.
// CHECK-LABEL: graph.func @dup
// CHECK-NEXT: %[[E:.*]] = graph.exp %x
// CHECK-NEXT: %[[S:.*]] = graph.add %[[E]], %[[E]]
// CHECK-NEXT: graph.return %[[S]]
graph.func @dup(%x: !graph.tensor<[n], f32>) -> (out: !graph.tensor<[n], f32>) {
  %a = graph.exp %x : (!graph.tensor<[n], f32>) -> !graph.tensor<[n], f32>
  %b = graph.exp %x : (!graph.tensor<[n], f32>) -> !graph.tensor<[n], f32>
  %dead = graph.tanh %x : (!graph.tensor<[n], f32>) -> !graph.tensor<[n], f32>
  %s = graph.add %a, %b : (!graph.tensor<[n], f32>, !graph.tensor<[n], f32>) -> !graph.tensor<[n], f32>
  graph.return %s : !graph.tensor<[n], f32>
}
