// RUN: tensorforge-opt %s -p graph-infer-shapes | filecheck %s

// Result dims that inference knows better are refined, and calls follow callees.
// CHECK-LABEL: graph.func @main
// CHECK-SAME: -> (out: !graph.tensor<[n, 4], f32>)
// CHECK: graph.add %x, %y : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.call @f(%{{.*}}) : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
graph.func @main(%x: !graph.tensor<[n, 4], f32>, %y: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[k, 4], f32>) {
  %0 = graph.add %x, %y : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[k, 4], f32>
  %1 = graph.call @f(%0) : (!graph.tensor<[k, 4], f32>) -> !graph.tensor<[k, 4], f32>
  graph.return %1 : !graph.tensor<[k, 4], f32>
}

// CHECK-LABEL: graph.func private @f
// CHECK: graph.exp %a : (!graph.tensor<[j, 4], f32>) -> !graph.tensor<[j, 4], f32>
graph.func private @f(%a: !graph.tensor<[j, 4], f32>) -> (r: !graph.tensor<[j, 4], f32>) {
  %0 = graph.exp %a : (!graph.tensor<[j, 4], f32>) -> !graph.tensor<[q, 4], f32>
  graph.return %0 : !graph.tensor<[q, 4], f32>
}

// A static dim the importer knew is kept where inference only has a symbol.
// CHECK-LABEL: graph.func @keep_static
// CHECK: graph.add %a, %b : (!graph.tensor<[n], f32>, !graph.tensor<[m], f32>) -> !graph.tensor<[8], f32>
graph.func @keep_static(%a: !graph.tensor<[n], f32>, %b: !graph.tensor<[m], f32>) -> (r: !graph.tensor<[8], f32>) {
  %0 = graph.add %a, %b : (!graph.tensor<[n], f32>, !graph.tensor<[m], f32>) -> !graph.tensor<[8], f32>
  graph.return %0 : !graph.tensor<[8], f32>
}
