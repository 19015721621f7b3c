// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// three-way broadcasting
// CHECK-LABEL: graph.func @where
// CHECK-SAME: (%[[C:[a-z0-9_]+]]: !graph.tensor<[n, 1], i1>, %[[X:[a-z0-9_]+]]: !graph.tensor<[1, 4], f32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.where %[[C]], %[[X]], %[[Y]] : (!graph.tensor<[n, 1], i1>, !graph.tensor<[1, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @where(%c: !graph.tensor<[n, 1], i1>, %x: !graph.tensor<[1, 4], f32>, %y: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.where %c, %x, %y : (!graph.tensor<[n, 1], i1>, !graph.tensor<[1, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @where_i64
// CHECK-SAME: (%[[C:[a-z0-9_]+]]: !graph.tensor<[3], i1>, %[[X:[a-z0-9_]+]]: !graph.tensor<[3], i64>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[], i64>)
// CHECK: %[[R:[0-9]+]] = graph.where %[[C]], %[[X]], %[[Y]] : (!graph.tensor<[3], i1>, !graph.tensor<[3], i64>, !graph.tensor<[], i64>) -> !graph.tensor<[3], i64>
// CHECK: graph.return %[[R]] : !graph.tensor<[3], i64>
graph.func @where_i64(%c: !graph.tensor<[3], i1>, %x: !graph.tensor<[3], i64>, %y: !graph.tensor<[], i64>) -> (out: !graph.tensor<[3], i64>) {
  %0 = graph.where %c, %x, %y : (!graph.tensor<[3], i1>, !graph.tensor<[3], i64>, !graph.tensor<[], i64>) -> !graph.tensor<[3], i64>
  graph.return %0 : !graph.tensor<[3], i64>
}

// CHECK-LABEL: graph.func @clip
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.clip %[[X]] {min = -1.000000e+00 : f64, max = 1.000000e+00 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @clip(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.clip %x {min = -1.0 : f64, max = 1.0 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @clip_min
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n], i32>)
// CHECK: %[[R:[0-9]+]] = graph.clip %[[X]] {min = 0.000000e+00 : f64} : (!graph.tensor<[n], i32>) -> !graph.tensor<[n], i32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n], i32>
graph.func @clip_min(%x: !graph.tensor<[n], i32>) -> (out: !graph.tensor<[n], i32>) {
  %0 = graph.clip %x {min = 0.0 : f64} : (!graph.tensor<[n], i32>) -> !graph.tensor<[n], i32>
  graph.return %0 : !graph.tensor<[n], i32>
}

// CHECK-LABEL: graph.func @clip_max
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n], bf16>)
// CHECK: %[[R:[0-9]+]] = graph.clip %[[X]] {max = 6.000000e+00 : f64} : (!graph.tensor<[n], bf16>) -> !graph.tensor<[n], bf16>
// CHECK: graph.return %[[R]] : !graph.tensor<[n], bf16>
graph.func @clip_max(%x: !graph.tensor<[n], bf16>) -> (out: !graph.tensor<[n], bf16>) {
  %0 = graph.clip %x {max = 6.0 : f64} : (!graph.tensor<[n], bf16>) -> !graph.tensor<[n], bf16>
  graph.return %0 : !graph.tensor<[n], bf16>
}

// no bound: the identity
// CHECK-LABEL: graph.func @clip_none
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[2], ui8>)
// CHECK: %[[R:[0-9]+]] = graph.clip %[[X]] : (!graph.tensor<[2], ui8>) -> !graph.tensor<[2], ui8>
// CHECK: graph.return %[[R]] : !graph.tensor<[2], ui8>
graph.func @clip_none(%x: !graph.tensor<[2], ui8>) -> (out: !graph.tensor<[2], ui8>) {
  %0 = graph.clip %x : (!graph.tensor<[2], ui8>) -> !graph.tensor<[2], ui8>
  graph.return %0 : !graph.tensor<[2], ui8>
}

// CHECK-LABEL: graph.func @cast_f32_to_bf16
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 2], f32>)
// CHECK: %[[R:[0-9]+]] = graph.cast %[[X]] {to = bf16} : (!graph.tensor<[n, 2], f32>) -> !graph.tensor<[n, 2], bf16>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 2], bf16>
graph.func @cast_f32_to_bf16(%x: !graph.tensor<[n, 2], f32>) -> (out: !graph.tensor<[n, 2], bf16>) {
  %0 = graph.cast %x {to = bf16} : (!graph.tensor<[n, 2], f32>) -> !graph.tensor<[n, 2], bf16>
  graph.return %0 : !graph.tensor<[n, 2], bf16>
}

// CHECK-LABEL: graph.func @cast_f64_to_i8
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 2], f64>)
// CHECK: %[[R:[0-9]+]] = graph.cast %[[X]] {to = i8} : (!graph.tensor<[n, 2], f64>) -> !graph.tensor<[n, 2], i8>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 2], i8>
graph.func @cast_f64_to_i8(%x: !graph.tensor<[n, 2], f64>) -> (out: !graph.tensor<[n, 2], i8>) {
  %0 = graph.cast %x {to = i8} : (!graph.tensor<[n, 2], f64>) -> !graph.tensor<[n, 2], i8>
  graph.return %0 : !graph.tensor<[n, 2], i8>
}

// CHECK-LABEL: graph.func @cast_i64_to_ui8
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 2], i64>)
// CHECK: %[[R:[0-9]+]] = graph.cast %[[X]] {to = ui8} : (!graph.tensor<[n, 2], i64>) -> !graph.tensor<[n, 2], ui8>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 2], ui8>
graph.func @cast_i64_to_ui8(%x: !graph.tensor<[n, 2], i64>) -> (out: !graph.tensor<[n, 2], ui8>) {
  %0 = graph.cast %x {to = ui8} : (!graph.tensor<[n, 2], i64>) -> !graph.tensor<[n, 2], ui8>
  graph.return %0 : !graph.tensor<[n, 2], ui8>
}

// CHECK-LABEL: graph.func @cast_i32_to_i1
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 2], i32>)
// CHECK: %[[R:[0-9]+]] = graph.cast %[[X]] {to = i1} : (!graph.tensor<[n, 2], i32>) -> !graph.tensor<[n, 2], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 2], i1>
graph.func @cast_i32_to_i1(%x: !graph.tensor<[n, 2], i32>) -> (out: !graph.tensor<[n, 2], i1>) {
  %0 = graph.cast %x {to = i1} : (!graph.tensor<[n, 2], i32>) -> !graph.tensor<[n, 2], i1>
  graph.return %0 : !graph.tensor<[n, 2], i1>
}

// CHECK-LABEL: graph.func @cast_i1_to_f16
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 2], i1>)
// CHECK: %[[R:[0-9]+]] = graph.cast %[[X]] {to = f16} : (!graph.tensor<[n, 2], i1>) -> !graph.tensor<[n, 2], f16>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 2], f16>
graph.func @cast_i1_to_f16(%x: !graph.tensor<[n, 2], i1>) -> (out: !graph.tensor<[n, 2], f16>) {
  %0 = graph.cast %x {to = f16} : (!graph.tensor<[n, 2], i1>) -> !graph.tensor<[n, 2], f16>
  graph.return %0 : !graph.tensor<[n, 2], f16>
}

// CHECK-LABEL: graph.func @cast_same
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 2], f32>)
// CHECK: %[[R:[0-9]+]] = graph.cast %[[X]] {to = f32} : (!graph.tensor<[n, 2], f32>) -> !graph.tensor<[n, 2], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 2], f32>
graph.func @cast_same(%x: !graph.tensor<[n, 2], f32>) -> (out: !graph.tensor<[n, 2], f32>) {
  %0 = graph.cast %x {to = f32} : (!graph.tensor<[n, 2], f32>) -> !graph.tensor<[n, 2], f32>
  graph.return %0 : !graph.tensor<[n, 2], f32>
}

// CHECK-LABEL: graph.func @cast_ui64_to_f32
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 2], ui64>)
// CHECK: %[[R:[0-9]+]] = graph.cast %[[X]] {to = f32} : (!graph.tensor<[n, 2], ui64>) -> !graph.tensor<[n, 2], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 2], f32>
graph.func @cast_ui64_to_f32(%x: !graph.tensor<[n, 2], ui64>) -> (out: !graph.tensor<[n, 2], f32>) {
  %0 = graph.cast %x {to = f32} : (!graph.tensor<[n, 2], ui64>) -> !graph.tensor<[n, 2], f32>
  graph.return %0 : !graph.tensor<[n, 2], f32>
}
