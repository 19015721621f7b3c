// RUN: tensorforge-opt %s -p graph-inline | filecheck %s
// RUN: not tensorforge-opt %s -p 'graph-inline{entry="nope"}' 2>&1 | filecheck %s --check-prefix=BAD

// The call of @block is replaced by its ops; the fused function stays a call.
// CHECK-LABEL: graph.func @main
// CHECK-NEXT: %[[E:.*]] = graph.exp %x
// CHECK-NEXT: %[[F:.*]] = graph.call @fused(%[[E]])
// CHECK-NEXT: graph.return %[[F]]
// BAD: graph-inline: no graph function @nope in the module
graph.func @main(%x: !graph.tensor<[4], f32>) -> (y: !graph.tensor<[4], f32>) {
  %e = graph.call @block(%x) : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  %f = graph.call @fused(%e) : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %f : !graph.tensor<[4], f32>
}
graph.func private @block(%a: !graph.tensor<[4], f32>) -> (r: !graph.tensor<[4], f32>) {
  %e = graph.exp %a : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %e : !graph.tensor<[4], f32>
}
graph.func private @fused(%a: !graph.tensor<[4], f32>) -> (r: !graph.tensor<[4], f32>) attributes {graph.fused} {
  %e = graph.relu %a : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %e : !graph.tensor<[4], f32>
}
// The inlined private function is erased; the fused one is still called.
// CHECK-NOT: graph.func private @block
// CHECK-LABEL: graph.func private @fused
