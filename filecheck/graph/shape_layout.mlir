// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @reshape_infer
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 4, 8], f32>)
// CHECK-NEXT: %[[R0:.*]] = graph.reshape %[[X]] {shape = #graph.shape<[-1, 32]>} : (!graph.tensor<[n, 4, 8], f32>) -> !graph.tensor<[n, 32], f32>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[n, 32], f32>
graph.func @reshape_infer(%x: !graph.tensor<[n, 4, 8], f32>) -> (y: !graph.tensor<[n, 32], f32>) {
  %0 = graph.reshape %x {shape = #graph.shape<[-1, 32]>} : (!graph.tensor<[n, 4, 8], f32>) -> !graph.tensor<[n, 32], f32>
  graph.return %0 : !graph.tensor<[n, 32], f32>
}

// CHECK-LABEL: graph.func @reshape_copy_zero
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, m, 4], i32>)
// CHECK-NEXT: %[[R0:.*]] = graph.reshape %[[X]] {shape = #graph.shape<[0, -1]>} : (!graph.tensor<[n, m, 4], i32>) -> !graph.tensor<[n, m*4], i32>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[n, m*4], i32>
graph.func @reshape_copy_zero(%x: !graph.tensor<[n, m, 4], i32>) -> (y: !graph.tensor<[n, m*4], i32>) {
  %0 = graph.reshape %x {shape = #graph.shape<[0, -1]>} : (!graph.tensor<[n, m, 4], i32>) -> !graph.tensor<[n, m*4], i32>
  graph.return %0 : !graph.tensor<[n, m*4], i32>
}

// CHECK-LABEL: graph.func @reshape_symbolic_target
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 4, 8], bf16>)
// CHECK-NEXT: %[[R0:.*]] = graph.reshape %[[X]] {shape = #graph.shape<[n, 32]>} : (!graph.tensor<[n, 4, 8], bf16>) -> !graph.tensor<[n, 32], bf16>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[n, 32], bf16>
graph.func @reshape_symbolic_target(%x: !graph.tensor<[n, 4, 8], bf16>) -> (y: !graph.tensor<[n, 32], bf16>) {
  %0 = graph.reshape %x {shape = #graph.shape<[n, 32]>} : (!graph.tensor<[n, 4, 8], bf16>) -> !graph.tensor<[n, 32], bf16>
  graph.return %0 : !graph.tensor<[n, 32], bf16>
}

// CHECK-LABEL: graph.func @reshape_allowzero
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[0, 3], f16>)
// CHECK-NEXT: %[[R0:.*]] = graph.reshape %[[X]] {shape = #graph.shape<[3, 0]>, allowzero = true} : (!graph.tensor<[0, 3], f16>) -> !graph.tensor<[3, 0], f16>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[3, 0], f16>
graph.func @reshape_allowzero(%x: !graph.tensor<[0, 3], f16>) -> (y: !graph.tensor<[3, 0], f16>) {
  %0 = graph.reshape %x {shape = #graph.shape<[3, 0]>, allowzero = true} : (!graph.tensor<[0, 3], f16>) -> !graph.tensor<[3, 0], f16>
  graph.return %0 : !graph.tensor<[3, 0], f16>
}

// CHECK-LABEL: graph.func @transpose
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, m, 4], i1>)
// CHECK-NEXT: %[[R0:.*]] = graph.transpose %[[X]] : (!graph.tensor<[n, m, 4], i1>) -> !graph.tensor<[4, m, n], i1>
// CHECK-NEXT: %[[R1:.*]] = graph.transpose %[[X]] {perm = array<i64: 1, -1, 0>} : (!graph.tensor<[n, m, 4], i1>) -> !graph.tensor<[m, 4, n], i1>
// CHECK-NEXT: graph.return %[[R0]], %[[R1]] : !graph.tensor<[4, m, n], i1>, !graph.tensor<[m, 4, n], i1>
graph.func @transpose(%x: !graph.tensor<[n, m, 4], i1>) -> (a: !graph.tensor<[4, m, n], i1>, b: !graph.tensor<[m, 4, n], i1>) {
  %0 = graph.transpose %x : (!graph.tensor<[n, m, 4], i1>) -> !graph.tensor<[4, m, n], i1>
  %1 = graph.transpose %x {perm = array<i64: 1, -1, 0>} : (!graph.tensor<[n, m, 4], i1>) -> !graph.tensor<[m, 4, n], i1>
  graph.return %0, %1 : !graph.tensor<[4, m, n], i1>, !graph.tensor<[m, 4, n], i1>
}

// CHECK-LABEL: graph.func @broadcast_to
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 1], f32>)
// CHECK-NEXT: %[[R0:.*]] = graph.broadcast_to %[[X]] {shape = #graph.shape<[2, -1, m]>} : (!graph.tensor<[n, 1], f32>) -> !graph.tensor<[2, n, m], f32>
// CHECK-NEXT: %[[R1:.*]] = graph.broadcast_to %[[X]] {shape = #graph.shape<[3, 1, 5]>, bidirectional = true} : (!graph.tensor<[n, 1], f32>) -> !graph.tensor<[3, n, 5], f32>
// CHECK-NEXT: graph.return %[[R0]], %[[R1]] : !graph.tensor<[2, n, m], f32>, !graph.tensor<[3, n, 5], f32>
graph.func @broadcast_to(%x: !graph.tensor<[n, 1], f32>) -> (a: !graph.tensor<[2, n, m], f32>, b: !graph.tensor<[3, n, 5], f32>) {
  %0 = graph.broadcast_to %x {shape = #graph.shape<[2, -1, m]>} : (!graph.tensor<[n, 1], f32>) -> !graph.tensor<[2, n, m], f32>
  %1 = graph.broadcast_to %x {shape = #graph.shape<[3, 1, 5]>, bidirectional = true} : (!graph.tensor<[n, 1], f32>) -> !graph.tensor<[3, n, 5], f32>
  graph.return %0, %1 : !graph.tensor<[2, n, m], f32>, !graph.tensor<[3, n, 5], f32>
}

// CHECK-LABEL: graph.func @squeeze
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[1, n, 1, 3], ui8>)
// CHECK-NEXT: %[[R0:.*]] = graph.squeeze %[[X]] : (!graph.tensor<[1, n, 1, 3], ui8>) -> !graph.tensor<[n, 3], ui8>
// CHECK-NEXT: %[[R1:.*]] = graph.squeeze %[[X]] {axes = array<i64: -2>} : (!graph.tensor<[1, n, 1, 3], ui8>) -> !graph.tensor<[1, n, 3], ui8>
// CHECK-NEXT: graph.return %[[R0]], %[[R1]] : !graph.tensor<[n, 3], ui8>, !graph.tensor<[1, n, 3], ui8>
graph.func @squeeze(%x: !graph.tensor<[1, n, 1, 3], ui8>) -> (a: !graph.tensor<[n, 3], ui8>, b: !graph.tensor<[1, n, 3], ui8>) {
  %0 = graph.squeeze %x : (!graph.tensor<[1, n, 1, 3], ui8>) -> !graph.tensor<[n, 3], ui8>
  %1 = graph.squeeze %x {axes = array<i64: -2>} : (!graph.tensor<[1, n, 1, 3], ui8>) -> !graph.tensor<[1, n, 3], ui8>
  graph.return %0, %1 : !graph.tensor<[n, 3], ui8>, !graph.tensor<[1, n, 3], ui8>
}

// CHECK-LABEL: graph.func @unsqueeze
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 3], f64>)
// CHECK-NEXT: %[[R0:.*]] = graph.unsqueeze %[[X]] {axes = array<i64: 0, -1>} : (!graph.tensor<[n, 3], f64>) -> !graph.tensor<[1, n, 3, 1], f64>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[1, n, 3, 1], f64>
graph.func @unsqueeze(%x: !graph.tensor<[n, 3], f64>) -> (y: !graph.tensor<[1, n, 3, 1], f64>) {
  %0 = graph.unsqueeze %x {axes = array<i64: 0, -1>} : (!graph.tensor<[n, 3], f64>) -> !graph.tensor<[1, n, 3, 1], f64>
  graph.return %0 : !graph.tensor<[1, n, 3, 1], f64>
}

// CHECK-LABEL: graph.func @flatten
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 3, 4], f32>)
// CHECK-NEXT: %[[R0:.*]] = graph.flatten %[[X]] : (!graph.tensor<[n, 3, 4], f32>) -> !graph.tensor<[n, 12], f32>
// CHECK-NEXT: %[[R1:.*]] = graph.flatten %[[X]] {axis = -1 : i64} : (!graph.tensor<[n, 3, 4], f32>) -> !graph.tensor<[n*3, 4], f32>
// CHECK-NEXT: %[[R2:.*]] = graph.flatten %[[X]] {axis = 0 : i64} : (!graph.tensor<[n, 3, 4], f32>) -> !graph.tensor<[1, n*12], f32>
// CHECK-NEXT: graph.return %[[R0]], %[[R1]], %[[R2]] : !graph.tensor<[n, 12], f32>, !graph.tensor<[n*3, 4], f32>, !graph.tensor<[1, n*12], f32>
graph.func @flatten(%x: !graph.tensor<[n, 3, 4], f32>) -> (a: !graph.tensor<[n, 12], f32>, b: !graph.tensor<[n*3, 4], f32>, c: !graph.tensor<[1, n*12], f32>) {
  %0 = graph.flatten %x : (!graph.tensor<[n, 3, 4], f32>) -> !graph.tensor<[n, 12], f32>
  %1 = graph.flatten %x {axis = -1 : i64} : (!graph.tensor<[n, 3, 4], f32>) -> !graph.tensor<[n*3, 4], f32>
  %2 = graph.flatten %x {axis = 0 : i64} : (!graph.tensor<[n, 3, 4], f32>) -> !graph.tensor<[1, n*12], f32>
  graph.return %0, %1, %2 : !graph.tensor<[n, 12], f32>, !graph.tensor<[n*3, 4], f32>, !graph.tensor<[1, n*12], f32>
}

// CHECK-LABEL: graph.func @tile
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 3], i64>)
// CHECK-NEXT: %[[R0:.*]] = graph.tile %[[X]] {repeats = array<i64: 2, 1>} : (!graph.tensor<[n, 3], i64>) -> !graph.tensor<[n*2, 3], i64>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[n*2, 3], i64>
graph.func @tile(%x: !graph.tensor<[n, 3], i64>) -> (y: !graph.tensor<[n*2, 3], i64>) {
  %0 = graph.tile %x {repeats = array<i64: 2, 1>} : (!graph.tensor<[n, 3], i64>) -> !graph.tensor<[n*2, 3], i64>
  graph.return %0 : !graph.tensor<[n*2, 3], i64>
}
