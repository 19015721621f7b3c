// RUN: tensorforge-opt %s -p canonicalize | filecheck %s

// Constant subgraphs fold to one constant; ops on arguments stay.
// CHECK-LABEL: graph.func @fold_chain
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<[54.5981483, 148.413162]> : tensor<2xf32> : !graph.tensor<[2], f32>
// CHECK-NEXT: %[[M:.*]] = graph.mul %x, %[[C]]
// CHECK-NEXT: graph.return %[[M]]
graph.func @fold_chain(%x: !graph.tensor<[2], f32>) -> (out: !graph.tensor<[2], f32>) {
  %a = graph.constant dense<[1.0, 2.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %b = graph.constant dense<3.0> : tensor<2xf32> : !graph.tensor<[2], f32>
  %c = graph.add %a, %b : (!graph.tensor<[2], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  %d = graph.exp %c : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  %f = graph.mul %x, %d : (!graph.tensor<[2], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  graph.return %f : !graph.tensor<[2], f32>
}

// Integer folding wraps like execution does.
// CHECK-LABEL: graph.func @fold_wrap
// CHECK-NEXT: graph.constant dense<-128> : tensor<1xi8> : !graph.tensor<[1], i8>
graph.func @fold_wrap() -> (out: !graph.tensor<[1], i8>) {
  %a = graph.constant dense<127> : tensor<1xi8> : !graph.tensor<[1], i8>
  %b = graph.constant dense<1> : tensor<1xi8> : !graph.tensor<[1], i8>
  %c = graph.add %a, %b : (!graph.tensor<[1], i8>, !graph.tensor<[1], i8>) -> !graph.tensor<[1], i8>
  graph.return %c : !graph.tensor<[1], i8>
}

// Results above canonicalize's size limit (4096 elements) are left for graph-fold-constants.
// CHECK-LABEL: graph.func @too_big
// CHECK: graph.add
graph.func @too_big() -> (out: !graph.tensor<[8192], f32>) {
  %a = graph.constant dense<1.0> : tensor<8192xf32> : !graph.tensor<[8192], f32>
  %c = graph.add %a, %a : (!graph.tensor<[8192], f32>, !graph.tensor<[8192], f32>) -> !graph.tensor<[8192], f32>
  graph.return %c : !graph.tensor<[8192], f32>
}

// Data-movement ops that keep the type are no-ops; an identity transpose too.
// CHECK-LABEL: graph.func @identities
// CHECK-NEXT: %[[T:.*]] = graph.transpose %x {perm = array<i64: 1, 0>}
// CHECK-NEXT: graph.return %x, %[[T]]
graph.func @identities(%x: !graph.tensor<[n, 4], f32>) -> (a: !graph.tensor<[n, 4], f32>, b: !graph.tensor<[4, n], f32>) {
  %0 = graph.transpose %x {perm = array<i64: 0, 1>} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  %1 = graph.reshape %0 {shape = #graph.shape<[n, 4]>} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  %2 = graph.broadcast_to %1 {shape = #graph.shape<[n, 4]>} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  %3 = graph.transpose %2 {perm = array<i64: 1, 0>} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[4, n], f32>
  graph.return %2, %3 : !graph.tensor<[n, 4], f32>, !graph.tensor<[4, n], f32>
}
