// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// numpy broadcasting against a symbolic dim
// CHECK-LABEL: graph.func @add
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.add %[[X]], %[[Y]] : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @add(%x: !graph.tensor<[n, 4], f32>, %y: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.add %x, %y : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @add_i8_size_one
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[3, 1], i8>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[1, 5], i8>)
// CHECK: %[[R:[0-9]+]] = graph.add %[[X]], %[[Y]] : (!graph.tensor<[3, 1], i8>, !graph.tensor<[1, 5], i8>) -> !graph.tensor<[3, 5], i8>
// CHECK: graph.return %[[R]] : !graph.tensor<[3, 5], i8>
graph.func @add_i8_size_one(%x: !graph.tensor<[3, 1], i8>, %y: !graph.tensor<[1, 5], i8>) -> (out: !graph.tensor<[3, 5], i8>) {
  %0 = graph.add %x, %y : (!graph.tensor<[3, 1], i8>, !graph.tensor<[1, 5], i8>) -> !graph.tensor<[3, 5], i8>
  graph.return %0 : !graph.tensor<[3, 5], i8>
}

// a 0-size dim broadcasts against 1
// CHECK-LABEL: graph.func @add_empty
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[0, 3], f16>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[1, 3], f16>)
// CHECK: %[[R:[0-9]+]] = graph.add %[[X]], %[[Y]] : (!graph.tensor<[0, 3], f16>, !graph.tensor<[1, 3], f16>) -> !graph.tensor<[0, 3], f16>
// CHECK: graph.return %[[R]] : !graph.tensor<[0, 3], f16>
graph.func @add_empty(%x: !graph.tensor<[0, 3], f16>, %y: !graph.tensor<[1, 3], f16>) -> (out: !graph.tensor<[0, 3], f16>) {
  %0 = graph.add %x, %y : (!graph.tensor<[0, 3], f16>, !graph.tensor<[1, 3], f16>) -> !graph.tensor<[0, 3], f16>
  graph.return %0 : !graph.tensor<[0, 3], f16>
}

// rank 0 broadcasts to anything
// CHECK-LABEL: graph.func @add_scalar
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[], bf16>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[2, 2], bf16>)
// CHECK: %[[R:[0-9]+]] = graph.add %[[X]], %[[Y]] : (!graph.tensor<[], bf16>, !graph.tensor<[2, 2], bf16>) -> !graph.tensor<[2, 2], bf16>
// CHECK: graph.return %[[R]] : !graph.tensor<[2, 2], bf16>
graph.func @add_scalar(%x: !graph.tensor<[], bf16>, %y: !graph.tensor<[2, 2], bf16>) -> (out: !graph.tensor<[2, 2], bf16>) {
  %0 = graph.add %x, %y : (!graph.tensor<[], bf16>, !graph.tensor<[2, 2], bf16>) -> !graph.tensor<[2, 2], bf16>
  graph.return %0 : !graph.tensor<[2, 2], bf16>
}

// CHECK-LABEL: graph.func @sub
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n], ui8>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[n], ui8>)
// CHECK: %[[R:[0-9]+]] = graph.sub %[[X]], %[[Y]] : (!graph.tensor<[n], ui8>, !graph.tensor<[n], ui8>) -> !graph.tensor<[n], ui8>
// CHECK: graph.return %[[R]] : !graph.tensor<[n], ui8>
graph.func @sub(%x: !graph.tensor<[n], ui8>, %y: !graph.tensor<[n], ui8>) -> (out: !graph.tensor<[n], ui8>) {
  %0 = graph.sub %x, %y : (!graph.tensor<[n], ui8>, !graph.tensor<[n], ui8>) -> !graph.tensor<[n], ui8>
  graph.return %0 : !graph.tensor<[n], ui8>
}

// CHECK-LABEL: graph.func @mul
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[2, n], f64>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[2, 1], f64>)
// CHECK: %[[R:[0-9]+]] = graph.mul %[[X]], %[[Y]] : (!graph.tensor<[2, n], f64>, !graph.tensor<[2, 1], f64>) -> !graph.tensor<[2, n], f64>
// CHECK: graph.return %[[R]] : !graph.tensor<[2, n], f64>
graph.func @mul(%x: !graph.tensor<[2, n], f64>, %y: !graph.tensor<[2, 1], f64>) -> (out: !graph.tensor<[2, n], f64>) {
  %0 = graph.mul %x, %y : (!graph.tensor<[2, n], f64>, !graph.tensor<[2, 1], f64>) -> !graph.tensor<[2, n], f64>
  graph.return %0 : !graph.tensor<[2, n], f64>
}

// CHECK-LABEL: graph.func @div_float
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[3], f32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[3], f32>)
// CHECK: %[[R:[0-9]+]] = graph.div %[[X]], %[[Y]] : (!graph.tensor<[3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[3], f32>
graph.func @div_float(%x: !graph.tensor<[3], f32>, %y: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.div %x, %y : (!graph.tensor<[3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}

// CHECK-LABEL: graph.func @div_int
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[3], i32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[1], i32>)
// CHECK: %[[R:[0-9]+]] = graph.div %[[X]], %[[Y]] : (!graph.tensor<[3], i32>, !graph.tensor<[1], i32>) -> !graph.tensor<[3], i32>
// CHECK: graph.return %[[R]] : !graph.tensor<[3], i32>
graph.func @div_int(%x: !graph.tensor<[3], i32>, %y: !graph.tensor<[1], i32>) -> (out: !graph.tensor<[3], i32>) {
  %0 = graph.div %x, %y : (!graph.tensor<[3], i32>, !graph.tensor<[1], i32>) -> !graph.tensor<[3], i32>
  graph.return %0 : !graph.tensor<[3], i32>
}

// CHECK-LABEL: graph.func @pow
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[4], f32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[], f32>)
// CHECK: %[[R:[0-9]+]] = graph.pow %[[X]], %[[Y]] : (!graph.tensor<[4], f32>, !graph.tensor<[], f32>) -> !graph.tensor<[4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[4], f32>
graph.func @pow(%x: !graph.tensor<[4], f32>, %y: !graph.tensor<[], f32>) -> (out: !graph.tensor<[4], f32>) {
  %0 = graph.pow %x, %y : (!graph.tensor<[4], f32>, !graph.tensor<[], f32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}

// CHECK-LABEL: graph.func @pow_int
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[4], i64>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[4], i64>)
// CHECK: %[[R:[0-9]+]] = graph.pow %[[X]], %[[Y]] : (!graph.tensor<[4], i64>, !graph.tensor<[4], i64>) -> !graph.tensor<[4], i64>
// CHECK: graph.return %[[R]] : !graph.tensor<[4], i64>
graph.func @pow_int(%x: !graph.tensor<[4], i64>, %y: !graph.tensor<[4], i64>) -> (out: !graph.tensor<[4], i64>) {
  %0 = graph.pow %x, %y : (!graph.tensor<[4], i64>, !graph.tensor<[4], i64>) -> !graph.tensor<[4], i64>
  graph.return %0 : !graph.tensor<[4], i64>
}

// CHECK-LABEL: graph.func @maximum
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, m], f16>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[n, m], f16>)
// CHECK: %[[R:[0-9]+]] = graph.maximum %[[X]], %[[Y]] : (!graph.tensor<[n, m], f16>, !graph.tensor<[n, m], f16>) -> !graph.tensor<[n, m], f16>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, m], f16>
graph.func @maximum(%x: !graph.tensor<[n, m], f16>, %y: !graph.tensor<[n, m], f16>) -> (out: !graph.tensor<[n, m], f16>) {
  %0 = graph.maximum %x, %y : (!graph.tensor<[n, m], f16>, !graph.tensor<[n, m], f16>) -> !graph.tensor<[n, m], f16>
  graph.return %0 : !graph.tensor<[n, m], f16>
}

// CHECK-LABEL: graph.func @minimum
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[5], ui32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[5], ui32>)
// CHECK: %[[R:[0-9]+]] = graph.minimum %[[X]], %[[Y]] : (!graph.tensor<[5], ui32>, !graph.tensor<[5], ui32>) -> !graph.tensor<[5], ui32>
// CHECK: graph.return %[[R]] : !graph.tensor<[5], ui32>
graph.func @minimum(%x: !graph.tensor<[5], ui32>, %y: !graph.tensor<[5], ui32>) -> (out: !graph.tensor<[5], ui32>) {
  %0 = graph.minimum %x, %y : (!graph.tensor<[5], ui32>, !graph.tensor<[5], ui32>) -> !graph.tensor<[5], ui32>
  graph.return %0 : !graph.tensor<[5], ui32>
}

// CHECK-LABEL: graph.func @mod
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[6], i16>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[6], i16>)
// CHECK: %[[R:[0-9]+]] = graph.mod %[[X]], %[[Y]] : (!graph.tensor<[6], i16>, !graph.tensor<[6], i16>) -> !graph.tensor<[6], i16>
// CHECK: graph.return %[[R]] : !graph.tensor<[6], i16>
graph.func @mod(%x: !graph.tensor<[6], i16>, %y: !graph.tensor<[6], i16>) -> (out: !graph.tensor<[6], i16>) {
  %0 = graph.mod %x, %y : (!graph.tensor<[6], i16>, !graph.tensor<[6], i16>) -> !graph.tensor<[6], i16>
  graph.return %0 : !graph.tensor<[6], i16>
}

// CHECK-LABEL: graph.func @fmod
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[6], f32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[6], f32>)
// CHECK: %[[R:[0-9]+]] = graph.fmod %[[X]], %[[Y]] : (!graph.tensor<[6], f32>, !graph.tensor<[6], f32>) -> !graph.tensor<[6], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[6], f32>
graph.func @fmod(%x: !graph.tensor<[6], f32>, %y: !graph.tensor<[6], f32>) -> (out: !graph.tensor<[6], f32>) {
  %0 = graph.fmod %x, %y : (!graph.tensor<[6], f32>, !graph.tensor<[6], f32>) -> !graph.tensor<[6], f32>
  graph.return %0 : !graph.tensor<[6], f32>
}

// CHECK-LABEL: graph.func @and
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n], i1>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[n], i1>)
// CHECK: %[[R:[0-9]+]] = graph.and %[[X]], %[[Y]] : (!graph.tensor<[n], i1>, !graph.tensor<[n], i1>) -> !graph.tensor<[n], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[n], i1>
graph.func @and(%x: !graph.tensor<[n], i1>, %y: !graph.tensor<[n], i1>) -> (out: !graph.tensor<[n], i1>) {
  %0 = graph.and %x, %y : (!graph.tensor<[n], i1>, !graph.tensor<[n], i1>) -> !graph.tensor<[n], i1>
  graph.return %0 : !graph.tensor<[n], i1>
}

// CHECK-LABEL: graph.func @or
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[2, 3], i1>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[3], i1>)
// CHECK: %[[R:[0-9]+]] = graph.or %[[X]], %[[Y]] : (!graph.tensor<[2, 3], i1>, !graph.tensor<[3], i1>) -> !graph.tensor<[2, 3], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[2, 3], i1>
graph.func @or(%x: !graph.tensor<[2, 3], i1>, %y: !graph.tensor<[3], i1>) -> (out: !graph.tensor<[2, 3], i1>) {
  %0 = graph.or %x, %y : (!graph.tensor<[2, 3], i1>, !graph.tensor<[3], i1>) -> !graph.tensor<[2, 3], i1>
  graph.return %0 : !graph.tensor<[2, 3], i1>
}

// CHECK-LABEL: graph.func @xor
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[4], i1>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[4], i1>)
// CHECK: %[[R:[0-9]+]] = graph.xor %[[X]], %[[Y]] : (!graph.tensor<[4], i1>, !graph.tensor<[4], i1>) -> !graph.tensor<[4], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[4], i1>
graph.func @xor(%x: !graph.tensor<[4], i1>, %y: !graph.tensor<[4], i1>) -> (out: !graph.tensor<[4], i1>) {
  %0 = graph.xor %x, %y : (!graph.tensor<[4], i1>, !graph.tensor<[4], i1>) -> !graph.tensor<[4], i1>
  graph.return %0 : !graph.tensor<[4], i1>
}

// CHECK-LABEL: graph.func @bitwise_and
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[4], i32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[4], i32>)
// CHECK: %[[R:[0-9]+]] = graph.bitwise_and %[[X]], %[[Y]] : (!graph.tensor<[4], i32>, !graph.tensor<[4], i32>) -> !graph.tensor<[4], i32>
// CHECK: graph.return %[[R]] : !graph.tensor<[4], i32>
graph.func @bitwise_and(%x: !graph.tensor<[4], i32>, %y: !graph.tensor<[4], i32>) -> (out: !graph.tensor<[4], i32>) {
  %0 = graph.bitwise_and %x, %y : (!graph.tensor<[4], i32>, !graph.tensor<[4], i32>) -> !graph.tensor<[4], i32>
  graph.return %0 : !graph.tensor<[4], i32>
}

// CHECK-LABEL: graph.func @bitwise_or
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[4], ui8>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[4], ui8>)
// CHECK: %[[R:[0-9]+]] = graph.bitwise_or %[[X]], %[[Y]] : (!graph.tensor<[4], ui8>, !graph.tensor<[4], ui8>) -> !graph.tensor<[4], ui8>
// CHECK: graph.return %[[R]] : !graph.tensor<[4], ui8>
graph.func @bitwise_or(%x: !graph.tensor<[4], ui8>, %y: !graph.tensor<[4], ui8>) -> (out: !graph.tensor<[4], ui8>) {
  %0 = graph.bitwise_or %x, %y : (!graph.tensor<[4], ui8>, !graph.tensor<[4], ui8>) -> !graph.tensor<[4], ui8>
  graph.return %0 : !graph.tensor<[4], ui8>
}

// i1 is accepted by the bitwise ops
// CHECK-LABEL: graph.func @bitwise_xor
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[4], i1>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[4], i1>)
// CHECK: %[[R:[0-9]+]] = graph.bitwise_xor %[[X]], %[[Y]] : (!graph.tensor<[4], i1>, !graph.tensor<[4], i1>) -> !graph.tensor<[4], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[4], i1>
graph.func @bitwise_xor(%x: !graph.tensor<[4], i1>, %y: !graph.tensor<[4], i1>) -> (out: !graph.tensor<[4], i1>) {
  %0 = graph.bitwise_xor %x, %y : (!graph.tensor<[4], i1>, !graph.tensor<[4], i1>) -> !graph.tensor<[4], i1>
  graph.return %0 : !graph.tensor<[4], i1>
}

// CHECK-LABEL: graph.func @shift_left
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[4], i64>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[4], i64>)
// CHECK: %[[R:[0-9]+]] = graph.shift_left %[[X]], %[[Y]] : (!graph.tensor<[4], i64>, !graph.tensor<[4], i64>) -> !graph.tensor<[4], i64>
// CHECK: graph.return %[[R]] : !graph.tensor<[4], i64>
graph.func @shift_left(%x: !graph.tensor<[4], i64>, %y: !graph.tensor<[4], i64>) -> (out: !graph.tensor<[4], i64>) {
  %0 = graph.shift_left %x, %y : (!graph.tensor<[4], i64>, !graph.tensor<[4], i64>) -> !graph.tensor<[4], i64>
  graph.return %0 : !graph.tensor<[4], i64>
}

// CHECK-LABEL: graph.func @shift_right
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[4], ui16>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[], ui16>)
// CHECK: %[[R:[0-9]+]] = graph.shift_right %[[X]], %[[Y]] : (!graph.tensor<[4], ui16>, !graph.tensor<[], ui16>) -> !graph.tensor<[4], ui16>
// CHECK: graph.return %[[R]] : !graph.tensor<[4], ui16>
graph.func @shift_right(%x: !graph.tensor<[4], ui16>, %y: !graph.tensor<[], ui16>) -> (out: !graph.tensor<[4], ui16>) {
  %0 = graph.shift_right %x, %y : (!graph.tensor<[4], ui16>, !graph.tensor<[], ui16>) -> !graph.tensor<[4], ui16>
  graph.return %0 : !graph.tensor<[4], ui16>
}

// CHECK-LABEL: graph.func @eq
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n], f32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[n], f32>)
// CHECK: %[[R:[0-9]+]] = graph.eq %[[X]], %[[Y]] : (!graph.tensor<[n], f32>, !graph.tensor<[n], f32>) -> !graph.tensor<[n], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[n], i1>
graph.func @eq(%x: !graph.tensor<[n], f32>, %y: !graph.tensor<[n], f32>) -> (out: !graph.tensor<[n], i1>) {
  %0 = graph.eq %x, %y : (!graph.tensor<[n], f32>, !graph.tensor<[n], f32>) -> !graph.tensor<[n], i1>
  graph.return %0 : !graph.tensor<[n], i1>
}

// CHECK-LABEL: graph.func @ne
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[2, 3], i32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[1, 3], i32>)
// CHECK: %[[R:[0-9]+]] = graph.ne %[[X]], %[[Y]] : (!graph.tensor<[2, 3], i32>, !graph.tensor<[1, 3], i32>) -> !graph.tensor<[2, 3], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[2, 3], i1>
graph.func @ne(%x: !graph.tensor<[2, 3], i32>, %y: !graph.tensor<[1, 3], i32>) -> (out: !graph.tensor<[2, 3], i1>) {
  %0 = graph.ne %x, %y : (!graph.tensor<[2, 3], i32>, !graph.tensor<[1, 3], i32>) -> !graph.tensor<[2, 3], i1>
  graph.return %0 : !graph.tensor<[2, 3], i1>
}

// CHECK-LABEL: graph.func @lt
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[2, 3], i32>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[1, 3], i32>)
// CHECK: %[[R:[0-9]+]] = graph.lt %[[X]], %[[Y]] : (!graph.tensor<[2, 3], i32>, !graph.tensor<[1, 3], i32>) -> !graph.tensor<[2, 3], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[2, 3], i1>
graph.func @lt(%x: !graph.tensor<[2, 3], i32>, %y: !graph.tensor<[1, 3], i32>) -> (out: !graph.tensor<[2, 3], i1>) {
  %0 = graph.lt %x, %y : (!graph.tensor<[2, 3], i32>, !graph.tensor<[1, 3], i32>) -> !graph.tensor<[2, 3], i1>
  graph.return %0 : !graph.tensor<[2, 3], i1>
}

// CHECK-LABEL: graph.func @le
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[3], bf16>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[3], bf16>)
// CHECK: %[[R:[0-9]+]] = graph.le %[[X]], %[[Y]] : (!graph.tensor<[3], bf16>, !graph.tensor<[3], bf16>) -> !graph.tensor<[3], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[3], i1>
graph.func @le(%x: !graph.tensor<[3], bf16>, %y: !graph.tensor<[3], bf16>) -> (out: !graph.tensor<[3], i1>) {
  %0 = graph.le %x, %y : (!graph.tensor<[3], bf16>, !graph.tensor<[3], bf16>) -> !graph.tensor<[3], i1>
  graph.return %0 : !graph.tensor<[3], i1>
}

// compares accept i1
// CHECK-LABEL: graph.func @gt
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[3], i1>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[3], i1>)
// CHECK: %[[R:[0-9]+]] = graph.gt %[[X]], %[[Y]] : (!graph.tensor<[3], i1>, !graph.tensor<[3], i1>) -> !graph.tensor<[3], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[3], i1>
graph.func @gt(%x: !graph.tensor<[3], i1>, %y: !graph.tensor<[3], i1>) -> (out: !graph.tensor<[3], i1>) {
  %0 = graph.gt %x, %y : (!graph.tensor<[3], i1>, !graph.tensor<[3], i1>) -> !graph.tensor<[3], i1>
  graph.return %0 : !graph.tensor<[3], i1>
}

// CHECK-LABEL: graph.func @ge
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 1], ui64>, %[[Y:[a-z0-9_]+]]: !graph.tensor<[1, m], ui64>)
// CHECK: %[[R:[0-9]+]] = graph.ge %[[X]], %[[Y]] : (!graph.tensor<[n, 1], ui64>, !graph.tensor<[1, m], ui64>) -> !graph.tensor<[n, m], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, m], i1>
graph.func @ge(%x: !graph.tensor<[n, 1], ui64>, %y: !graph.tensor<[1, m], ui64>) -> (out: !graph.tensor<[n, m], i1>) {
  %0 = graph.ge %x, %y : (!graph.tensor<[n, 1], ui64>, !graph.tensor<[1, m], ui64>) -> !graph.tensor<[n, m], i1>
  graph.return %0 : !graph.tensor<[n, m], i1>
}
