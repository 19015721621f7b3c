// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @iota_range
// CHECK-SAME: ()
// CHECK-NEXT: %[[R0:.*]] = graph.iota {limit = 5 : i64, dtype = i64} : !graph.tensor<[5], i64>
// CHECK-NEXT: %[[R1:.*]] = graph.iota {start = 10 : i64, limit = 0 : i64, delta = -4 : i64, dtype = i32} : !graph.tensor<[3], i32>
// CHECK-NEXT: %[[R2:.*]] = graph.iota {start = 0.000000e+00 : f64, limit = 1.000000e+00 : f64, delta = 1.000000e-01 : f64, dtype = f64} : !graph.tensor<[10], f64>
// CHECK-NEXT: %[[R3:.*]] = graph.iota {start = 3 : i64, limit = 1 : i64, dtype = f32} : !graph.tensor<[0], f32>
// CHECK-NEXT: graph.return %[[R0]], %[[R1]], %[[R2]], %[[R3]] : !graph.tensor<[5], i64>, !graph.tensor<[3], i32>, !graph.tensor<[10], f64>, !graph.tensor<[0], f32>
graph.func @iota_range() -> (a: !graph.tensor<[5], i64>, b: !graph.tensor<[3], i32>, c: !graph.tensor<[10], f64>, d: !graph.tensor<[0], f32>) {
  %0 = graph.iota {limit = 5 : i64, dtype = i64} : !graph.tensor<[5], i64>
  %1 = graph.iota {start = 10 : i64, limit = 0 : i64, delta = -4 : i64, dtype = i32} : !graph.tensor<[3], i32>
  %2 = graph.iota {start = 0.000000e+00 : f64, limit = 1.000000e+00 : f64, delta = 1.000000e-01 : f64, dtype = f64} : !graph.tensor<[10], f64>
  %3 = graph.iota {start = 3 : i64, limit = 1 : i64, dtype = f32} : !graph.tensor<[0], f32>
  graph.return %0, %1, %2, %3 : !graph.tensor<[5], i64>, !graph.tensor<[3], i32>, !graph.tensor<[10], f64>, !graph.tensor<[0], f32>
}

// CHECK-LABEL: graph.func @iota_shape
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n], f32>)
// CHECK-NEXT: %[[R0:.*]] = graph.iota {shape = #graph.shape<[n, 4]>, dimension = 1 : i64, dtype = bf16} : !graph.tensor<[n, 4], bf16>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[n, 4], bf16>
graph.func @iota_shape(%x: !graph.tensor<[n], f32>) -> (y: !graph.tensor<[n, 4], bf16>) {
  %0 = graph.iota {shape = #graph.shape<[n, 4]>, dimension = 1 : i64, dtype = bf16} : !graph.tensor<[n, 4], bf16>
  graph.return %0 : !graph.tensor<[n, 4], bf16>
}

// CHECK-LABEL: graph.func @full
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n], f32>)
// CHECK-NEXT: %[[R0:.*]] = graph.full {shape = #graph.shape<[n, 2]>, value = 1.500000e+00 : f64, dtype = f16} : !graph.tensor<[n, 2], f16>
// CHECK-NEXT: %[[R1:.*]] = graph.full {shape = #graph.shape<[]>, value = true, dtype = i1} : !graph.tensor<[], i1>
// CHECK-NEXT: %[[R2:.*]] = graph.full {shape = #graph.shape<[3]>, value = -4611686018427387904 : i64, dtype = i64} : !graph.tensor<[3], i64>
// CHECK-NEXT: graph.return %[[R0]], %[[R1]], %[[R2]] : !graph.tensor<[n, 2], f16>, !graph.tensor<[], i1>, !graph.tensor<[3], i64>
graph.func @full(%x: !graph.tensor<[n], f32>) -> (a: !graph.tensor<[n, 2], f16>, b: !graph.tensor<[], i1>, c: !graph.tensor<[3], i64>) {
  %0 = graph.full {shape = #graph.shape<[n, 2]>, value = 1.500000e+00 : f64, dtype = f16} : !graph.tensor<[n, 2], f16>
  %1 = graph.full {shape = #graph.shape<[]>, value = true, dtype = i1} : !graph.tensor<[], i1>
  %2 = graph.full {shape = #graph.shape<[3]>, value = -4611686018427387904 : i64, dtype = i64} : !graph.tensor<[3], i64>
  graph.return %0, %1, %2 : !graph.tensor<[n, 2], f16>, !graph.tensor<[], i1>, !graph.tensor<[3], i64>
}

// CHECK-LABEL: graph.func @like
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 3], bf16>)
// CHECK-NEXT: %[[R0:.*]] = graph.zeros_like %[[X]] : (!graph.tensor<[n, 3], bf16>) -> !graph.tensor<[n, 3], bf16>
// CHECK-NEXT: %[[R1:.*]] = graph.zeros_like %[[X]] {dtype = i1} : (!graph.tensor<[n, 3], bf16>) -> !graph.tensor<[n, 3], i1>
// CHECK-NEXT: %[[R2:.*]] = graph.ones_like %[[X]] : (!graph.tensor<[n, 3], bf16>) -> !graph.tensor<[n, 3], bf16>
// CHECK-NEXT: %[[R3:.*]] = graph.ones_like %[[X]] {dtype = i32} : (!graph.tensor<[n, 3], bf16>) -> !graph.tensor<[n, 3], i32>
// CHECK-NEXT: graph.return %[[R0]], %[[R1]], %[[R2]], %[[R3]] : !graph.tensor<[n, 3], bf16>, !graph.tensor<[n, 3], i1>, !graph.tensor<[n, 3], bf16>, !graph.tensor<[n, 3], i32>
graph.func @like(%x: !graph.tensor<[n, 3], bf16>) -> (a: !graph.tensor<[n, 3], bf16>, b: !graph.tensor<[n, 3], i1>, c: !graph.tensor<[n, 3], bf16>, d: !graph.tensor<[n, 3], i32>) {
  %0 = graph.zeros_like %x : (!graph.tensor<[n, 3], bf16>) -> !graph.tensor<[n, 3], bf16>
  %1 = graph.zeros_like %x {dtype = i1} : (!graph.tensor<[n, 3], bf16>) -> !graph.tensor<[n, 3], i1>
  %2 = graph.ones_like %x : (!graph.tensor<[n, 3], bf16>) -> !graph.tensor<[n, 3], bf16>
  %3 = graph.ones_like %x {dtype = i32} : (!graph.tensor<[n, 3], bf16>) -> !graph.tensor<[n, 3], i32>
  graph.return %0, %1, %2, %3 : !graph.tensor<[n, 3], bf16>, !graph.tensor<[n, 3], i1>, !graph.tensor<[n, 3], bf16>, !graph.tensor<[n, 3], i32>
}
