// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @broadcast_add
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 4], f32>, %[[Y:.*]]: !graph.tensor<[4], f32>)
// CHECK: %[[R:.*]] = graph.add %[[X]], %[[Y]] : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]]
graph.func @broadcast_add(%x: !graph.tensor<[n, 4], f32>, %y: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.add %x, %y : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @compare
// CHECK: graph.lt %{{.*}}, %{{.*}} : (!graph.tensor<[2, 3], i32>, !graph.tensor<[1, 3], i32>) -> !graph.tensor<[2, 3], i1>
graph.func @compare(%a: !graph.tensor<[2, 3], i32>, %b: !graph.tensor<[1, 3], i32>) -> (m: !graph.tensor<[2, 3], i1>) {
  %0 = graph.lt %a, %b : (!graph.tensor<[2, 3], i32>, !graph.tensor<[1, 3], i32>) -> !graph.tensor<[2, 3], i1>
  graph.return %0 : !graph.tensor<[2, 3], i1>
}
