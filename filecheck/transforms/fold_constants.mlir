// RUN: tensorforge-opt %s -p graph-fold-constants | filecheck %s
// RUN: tensorforge-opt %s -p 'graph-fold-constants{max-elements=4}' | filecheck %s --check-prefix=LIMIT

// CHECK-LABEL: graph.func @big
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<2.000000e+00> : tensor<8192xf32>
// CHECK-NEXT: graph.return %[[C]]
// LIMIT-LABEL: graph.func @big
// LIMIT: graph.add
graph.func @big() -> (out: !graph.tensor<[8192], f32>) {
  %a = graph.constant dense<1.0> : tensor<8192xf32> : !graph.tensor<[8192], f32>
  %c = graph.add %a, %a : (!graph.tensor<[8192], f32>, !graph.tensor<[8192], f32>) -> !graph.tensor<[8192], f32>
  graph.return %c : !graph.tensor<[8192], f32>
}

// A division by zero in integers is defined (gives 0), so it folds.
// CHECK-LABEL: graph.func @int_div
// CHECK-NEXT: graph.constant dense<[3, 0, -3]> : tensor<3xi32>
graph.func @int_div() -> (out: !graph.tensor<[3], i32>) {
  %a = graph.constant dense<[7, 7, -7]> : tensor<3xi32> : !graph.tensor<[3], i32>
  %b = graph.constant dense<[2, 0, 2]> : tensor<3xi32> : !graph.tensor<[3], i32>
  %c = graph.div %a, %b : (!graph.tensor<[3], i32>, !graph.tensor<[3], i32>) -> !graph.tensor<[3], i32>
  graph.return %c : !graph.tensor<[3], i32>
}

// Ops with a non-constant operand stay.
// LIMIT-LABEL: graph.func @arg
// LIMIT: graph.exp %x
graph.func @arg(%x: !graph.tensor<[2], f32>) -> (out: !graph.tensor<[2], f32>) {
  %e = graph.exp %x : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  graph.return %e : !graph.tensor<[2], f32>
}
