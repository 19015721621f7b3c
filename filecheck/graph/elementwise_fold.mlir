// RUN: tensorforge-opt %s -p canonicalize | filecheck %s

// A cast to the operand's own type and a clip without bounds are no-ops.
// CHECK-LABEL: graph.func @identities
// CHECK-NEXT: %[[C:.*]] = graph.cast %x {to = f16}
// CHECK-NEXT: %[[K:.*]] = graph.clip %x {min = 0.000000e+00 : f64}
// CHECK-NEXT: graph.return %x, %x, %[[C]], %[[K]]
graph.func @identities(%x: !graph.tensor<[n], f32>) -> (a: !graph.tensor<[n], f32>, b: !graph.tensor<[n], f32>, c: !graph.tensor<[n], f16>, d: !graph.tensor<[n], f32>) {
  %0 = graph.cast %x {to = f32} : (!graph.tensor<[n], f32>) -> !graph.tensor<[n], f32>
  %1 = graph.clip %x : (!graph.tensor<[n], f32>) -> !graph.tensor<[n], f32>
  %2 = graph.cast %x {to = f16} : (!graph.tensor<[n], f32>) -> !graph.tensor<[n], f16>
  %3 = graph.clip %x {min = 0.0 : f64} : (!graph.tensor<[n], f32>) -> !graph.tensor<[n], f32>
  graph.return %0, %1, %2, %3 : !graph.tensor<[n], f32>, !graph.tensor<[n], f32>, !graph.tensor<[n], f16>, !graph.tensor<[n], f32>
}

// Folding follows the interpreter's rules: float -> int truncates and saturates.
// CHECK-LABEL: graph.func @fold_cast_saturates
// CHECK-NEXT: graph.constant dense<[127, -128, -2, 0]> : tensor<4xi8>
graph.func @fold_cast_saturates() -> (out: !graph.tensor<[4], i8>) {
  %a = graph.constant dense<[300.5, -300.5, -2.9, -0.5]> : tensor<4xf32> : !graph.tensor<[4], f32>
  %0 = graph.cast %a {to = i8} : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], i8>
  graph.return %0 : !graph.tensor<[4], i8>
}

// f64 -> bf16 rounds once: 1 + 2^-8 + 2^-40 is above the midpoint, so it rounds up
// (rounding through f32 first would give 1.0).
// CHECK-LABEL: graph.func @fold_cast_bf16
// CHECK-NEXT: graph.constant dense<[1.007810e+00, 3.000000e+00]> : tensor<2xbf16>
graph.func @fold_cast_bf16() -> (out: !graph.tensor<[2], bf16>) {
  %e = graph.constant dense<[1.00390625000090949, 3.0]> : tensor<2xf64> : !graph.tensor<[2], f64>
  %0 = graph.cast %e {to = bf16} : (!graph.tensor<[2], f64>) -> !graph.tensor<[2], bf16>
  graph.return %0 : !graph.tensor<[2], bf16>
}

// Integer division truncates toward zero; division by zero gives 0.
// CHECK-LABEL: graph.func @fold_int_div
// CHECK-NEXT: graph.constant dense<[3, -3, -3, 0]> : tensor<4xi32>
graph.func @fold_int_div() -> (out: !graph.tensor<[4], i32>) {
  %n = graph.constant dense<[7, -7, 7, 5]> : tensor<4xi32> : !graph.tensor<[4], i32>
  %d = graph.constant dense<[2, 2, -2, 0]> : tensor<4xi32> : !graph.tensor<[4], i32>
  %0 = graph.div %n, %d : (!graph.tensor<[4], i32>, !graph.tensor<[4], i32>) -> !graph.tensor<[4], i32>
  graph.return %0 : !graph.tensor<[4], i32>
}

// Shifts by the bit width or more give 0 (left) and the sign fill (right).
// CHECK-LABEL: graph.func @fold_shifts
// CHECK-NEXT: graph.constant dense<[0, -8, 0]> : tensor<3xi8>
// CHECK-NEXT: graph.constant dense<[-1, -1, 0]> : tensor<3xi8>
graph.func @fold_shifts() -> (l: !graph.tensor<[3], i8>, r: !graph.tensor<[3], i8>) {
  %x = graph.constant dense<[1, -1, 64]> : tensor<3xi8> : !graph.tensor<[3], i8>
  %s = graph.constant dense<[8, 3, 2]> : tensor<3xi8> : !graph.tensor<[3], i8>
  %y = graph.constant dense<[-5, -5, 5]> : tensor<3xi8> : !graph.tensor<[3], i8>
  %t = graph.constant dense<[8, -1, 9]> : tensor<3xi8> : !graph.tensor<[3], i8>
  %0 = graph.shift_left %x, %s : (!graph.tensor<[3], i8>, !graph.tensor<[3], i8>) -> !graph.tensor<[3], i8>
  %1 = graph.shift_right %y, %t : (!graph.tensor<[3], i8>, !graph.tensor<[3], i8>) -> !graph.tensor<[3], i8>
  graph.return %0, %1 : !graph.tensor<[3], i8>, !graph.tensor<[3], i8>
}
