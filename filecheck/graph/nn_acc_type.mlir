// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s

// acc_type: i8 x i8 -> i32 (and u8 x i8, f16 -> f32) on graph.matmul, graph.dense and graph.conv.
// CHECK-LABEL: graph.func @ok
// CHECK: graph.matmul %a, %b {acc_type = i32} : (!graph.tensor<[2, 3], i8>, !graph.tensor<[3, 4], i8>) -> !graph.tensor<[2, 4], i32>
// CHECK: graph.dense %u, %w, %bias {acc_type = i32} : (!graph.tensor<[2, 3], ui8>, !graph.tensor<[4, 3], i8>, !graph.tensor<[4], i32>) -> !graph.tensor<[2, 4], i32>
// CHECK: graph.conv %x, %k {acc_type = i32, pads = array<i64: 1, 1>} : (!graph.tensor<[1, 2, 5], i8>, !graph.tensor<[3, 2, 3], i8>) -> !graph.tensor<[1, 3, 5], i32>
// CHECK: graph.matmul %h, %h {acc_type = f32} : (!graph.tensor<[3, 3], f16>, !graph.tensor<[3, 3], f16>) -> !graph.tensor<[3, 3], f32>
graph.func @ok(%a: !graph.tensor<[2, 3], i8>, %b: !graph.tensor<[3, 4], i8>, %u: !graph.tensor<[2, 3], ui8>, %w: !graph.tensor<[4, 3], i8>, %bias: !graph.tensor<[4], i32>, %x: !graph.tensor<[1, 2, 5], i8>, %k: !graph.tensor<[3, 2, 3], i8>, %h: !graph.tensor<[3, 3], f16>) -> (r0: !graph.tensor<[2, 4], i32>, r1: !graph.tensor<[2, 4], i32>, r2: !graph.tensor<[1, 3, 5], i32>, r3: !graph.tensor<[3, 3], f32>) {
  %0 = graph.matmul %a, %b {acc_type = i32} : (!graph.tensor<[2, 3], i8>, !graph.tensor<[3, 4], i8>) -> !graph.tensor<[2, 4], i32>
  %1 = graph.dense %u, %w, %bias {acc_type = i32} : (!graph.tensor<[2, 3], ui8>, !graph.tensor<[4, 3], i8>, !graph.tensor<[4], i32>) -> !graph.tensor<[2, 4], i32>
  %2 = graph.conv %x, %k {acc_type = i32, pads = array<i64: 1, 1>} : (!graph.tensor<[1, 2, 5], i8>, !graph.tensor<[3, 2, 3], i8>) -> !graph.tensor<[1, 3, 5], i32>
  %3 = graph.matmul %h, %h {acc_type = f32} : (!graph.tensor<[3, 3], f16>, !graph.tensor<[3, 3], f16>) -> !graph.tensor<[3, 3], f32>
  graph.return %0, %1, %2, %3 : !graph.tensor<[2, 4], i32>, !graph.tensor<[2, 4], i32>, !graph.tensor<[1, 3, 5], i32>, !graph.tensor<[3, 3], f32>
}

// -----

graph.func @narrow(%a: !graph.tensor<[2, 3], i8>, %b: !graph.tensor<[3, 4], i8>) -> (r: !graph.tensor<[2, 4], i16>) {
  %0 = graph.matmul %a, %b {acc_type = i16} : (!graph.tensor<[2, 3], i8>, !graph.tensor<[3, 4], i8>) -> !graph.tensor<[2, 4], i16>
  graph.return %0 : !graph.tensor<[2, 4], i16>
}
// CHECK: 'graph.matmul' op acc_type for i8 x i8 must be a signed integer of >= 32 bits, got i16

// -----

graph.func @wide(%a: !graph.tensor<[2, 3], i32>, %b: !graph.tensor<[3, 4], i32>) -> (r: !graph.tensor<[2, 4], i64>) {
  %0 = graph.matmul %a, %b {acc_type = i64} : (!graph.tensor<[2, 3], i32>, !graph.tensor<[3, 4], i32>) -> !graph.tensor<[2, 4], i64>
  graph.return %0 : !graph.tensor<[2, 4], i64>
}
// CHECK: 'graph.matmul' op acc_type needs 8 or 16-bit integer operands, got i32 and i32

// -----

graph.func @mixed(%a: !graph.tensor<[2, 3], i8>, %b: !graph.tensor<[4, 3], f32>) -> (r: !graph.tensor<[2, 4], i32>) {
  %0 = graph.dense %a, %b {acc_type = i32} : (!graph.tensor<[2, 3], i8>, !graph.tensor<[4, 3], f32>) -> !graph.tensor<[2, 4], i32>
  graph.return %0 : !graph.tensor<[2, 4], i32>
}
// CHECK: 'graph.dense' op acc_type needs integer operands or float operands of one type, got i8 and f32

// -----

graph.func @bias(%a: !graph.tensor<[2, 3], i8>, %b: !graph.tensor<[4, 3], i8>, %c: !graph.tensor<[4], i8>) -> (r: !graph.tensor<[2, 4], i32>) {
  %0 = graph.dense %a, %b, %c {acc_type = i32} : (!graph.tensor<[2, 3], i8>, !graph.tensor<[4, 3], i8>, !graph.tensor<[4], i8>) -> !graph.tensor<[2, 4], i32>
  graph.return %0 : !graph.tensor<[2, 4], i32>
}
// CHECK: 'graph.dense' op bias must have the acc_type element type i32, got i8

// -----

graph.func @result(%a: !graph.tensor<[2, 3], i8>, %b: !graph.tensor<[3, 4], i8>) -> (r: !graph.tensor<[2, 4], i8>) {
  %0 = graph.matmul %a, %b {acc_type = i32} : (!graph.tensor<[2, 3], i8>, !graph.tensor<[3, 4], i8>) -> !graph.tensor<[2, 4], i8>
  graph.return %0 : !graph.tensor<[2, 4], i8>
}
// CHECK: 'graph.matmul' op

// -----

graph.func @noacc(%x: !graph.tensor<[1, 2, 5], i8>, %k: !graph.tensor<[3, 2, 3], i8>) -> (r: !graph.tensor<[1, 3, 3], i8>) {
  %0 = graph.conv %x, %k : (!graph.tensor<[1, 2, 5], i8>, !graph.tensor<[3, 2, 3], i8>) -> !graph.tensor<[1, 3, 3], i8>
  graph.return %0 : !graph.tensor<[1, 3, 3], i8>
}
// CHECK: 'graph.conv' op does not accept element type i8 (needs float types)
