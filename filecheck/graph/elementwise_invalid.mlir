// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s

graph.func @mismatch(%x: !graph.tensor<[3], f32>, %y: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[4], f32>) {
  %0 = graph.add %x, %y : (!graph.tensor<[3], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.add' op shapes [3] and [4] do not broadcast: dim -1 is 3 vs 4

// -----

graph.func @dtypes(%x: !graph.tensor<[3], f32>, %y: !graph.tensor<[3], i32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.add %x, %y : (!graph.tensor<[3], f32>, !graph.tensor<[3], i32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.add' op operands must have the same element type, got f32 and i32

// -----

graph.func @float_only(%x: !graph.tensor<[3], i32>) -> (out: !graph.tensor<[3], i32>) {
  %0 = graph.exp %x : (!graph.tensor<[3], i32>) -> !graph.tensor<[3], i32>
  graph.return %0 : !graph.tensor<[3], i32>
}
// CHECK: 'graph.exp' op does not accept element type i32 (needs float types)

// -----

graph.func @arith_not_i1(%x: !graph.tensor<[3], i1>, %y: !graph.tensor<[3], i1>) -> (out: !graph.tensor<[3], i1>) {
  %0 = graph.add %x, %y : (!graph.tensor<[3], i1>, !graph.tensor<[3], i1>) -> !graph.tensor<[3], i1>
  graph.return %0 : !graph.tensor<[3], i1>
}
// CHECK: 'graph.add' op does not accept element type i1 (needs arith types)

// -----

graph.func @shift_not_i1(%x: !graph.tensor<[3], i1>, %y: !graph.tensor<[3], i1>) -> (out: !graph.tensor<[3], i1>) {
  %0 = graph.shift_left %x, %y : (!graph.tensor<[3], i1>, !graph.tensor<[3], i1>) -> !graph.tensor<[3], i1>
  graph.return %0 : !graph.tensor<[3], i1>
}
// CHECK: 'graph.shift_left' op does not accept element type i1 (needs integer types)

// -----

graph.func @shift_not_float(%x: !graph.tensor<[3], f32>, %y: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.shift_right %x, %y : (!graph.tensor<[3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.shift_right' op does not accept element type f32 (needs integer types)

// -----

graph.func @bitwise_not_float(%x: !graph.tensor<[3], f16>, %y: !graph.tensor<[3], f16>) -> (out: !graph.tensor<[3], f16>) {
  %0 = graph.bitwise_and %x, %y : (!graph.tensor<[3], f16>, !graph.tensor<[3], f16>) -> !graph.tensor<[3], f16>
  graph.return %0 : !graph.tensor<[3], f16>
}
// CHECK: 'graph.bitwise_and' op does not accept element type f16 (needs integer or i1 types)

// -----

graph.func @logical_needs_i1(%x: !graph.tensor<[3], i32>, %y: !graph.tensor<[3], i32>) -> (out: !graph.tensor<[3], i32>) {
  %0 = graph.and %x, %y : (!graph.tensor<[3], i32>, !graph.tensor<[3], i32>) -> !graph.tensor<[3], i32>
  graph.return %0 : !graph.tensor<[3], i32>
}
// CHECK: 'graph.and' op does not accept element type i32 (needs i1 types)

// -----

graph.func @not_needs_i1(%x: !graph.tensor<[3], ui8>) -> (out: !graph.tensor<[3], ui8>) {
  %0 = graph.not %x : (!graph.tensor<[3], ui8>) -> !graph.tensor<[3], ui8>
  graph.return %0 : !graph.tensor<[3], ui8>
}
// CHECK: 'graph.not' op does not accept element type ui8 (needs i1 types)

// -----

graph.func @isnan_float_only(%x: !graph.tensor<[3], i64>) -> (out: !graph.tensor<[3], i1>) {
  %0 = graph.isnan %x : (!graph.tensor<[3], i64>) -> !graph.tensor<[3], i1>
  graph.return %0 : !graph.tensor<[3], i1>
}
// CHECK: 'graph.isnan' op does not accept element type i64 (needs float types)

// -----

graph.func @compare_result_i1(%x: !graph.tensor<[3], f32>, %y: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.lt %x, %y : (!graph.tensor<[3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.lt' op result #0 has element type f32, expected i1

// -----

graph.func @wrong_result(%x: !graph.tensor<[n, 3], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.relu %x : (!graph.tensor<[n, 3], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
// CHECK: 'graph.relu' op result #0 dim 1 is 4, expected 3 (inferred !graph.tensor<[n, 3], f32>)

// -----

graph.func @wrong_rank(%x: !graph.tensor<[n, 3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.sigmoid %x : (!graph.tensor<[n, 3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.sigmoid' op result #0 has rank 1, expected 2 (inferred !graph.tensor<[n, 3], f32>)

// -----

graph.func @where_cond(%c: !graph.tensor<[3], f32>, %x: !graph.tensor<[3], f32>, %y: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.where %c, %x, %y : (!graph.tensor<[3], f32>, !graph.tensor<[3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.where' op condition must have element type i1, got f32

// -----

graph.func @where_branches(%c: !graph.tensor<[3], i1>, %x: !graph.tensor<[3], f32>, %y: !graph.tensor<[3], f16>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.where %c, %x, %y : (!graph.tensor<[3], i1>, !graph.tensor<[3], f32>, !graph.tensor<[3], f16>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.where' op branches must have the same element type, got f32 and f16

// -----

graph.func @where_shapes(%c: !graph.tensor<[2], i1>, %x: !graph.tensor<[3], f32>, %y: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.where %c, %x, %y : (!graph.tensor<[2], i1>, !graph.tensor<[3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.where' op shapes [2] and [3] and [3] do not broadcast: dim -1 is 2 vs 3

// -----

graph.func @clip_kind(%x: !graph.tensor<[3], i1>) -> (out: !graph.tensor<[3], i1>) {
  %0 = graph.clip %x {min = 0.0 : f64} : (!graph.tensor<[3], i1>) -> !graph.tensor<[3], i1>
  graph.return %0 : !graph.tensor<[3], i1>
}
// CHECK: 'graph.clip' op does not accept element type i1 (needs arith types)

// -----

graph.func @clip_order(%x: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.clip %x {min = 2.0 : f64, max = 1.0 : f64} : (!graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.clip' op min 2.0 is greater than max 1.0

// -----

graph.func @clip_nan(%x: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.clip %x {max = 0x7FF8000000000000 : f64} : (!graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.clip' op max is NaN

// -----

graph.func @clip_int_bound(%x: !graph.tensor<[3], i32>) -> (out: !graph.tensor<[3], i32>) {
  %0 = graph.clip %x {min = 0.5 : f64} : (!graph.tensor<[3], i32>) -> !graph.tensor<[3], i32>
  graph.return %0 : !graph.tensor<[3], i32>
}
// CHECK: 'graph.clip' op min 0.5 is not integral, but the element type is i32

// -----

graph.func @cast_unsupported(%x: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.cast %x {to = i7} : (!graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.cast' op cannot cast to i7: the element type must be one of f16, bf16, f32, f64, i1, i8, i16, i32, i64, ui8, ui16, ui32, ui64

// -----

graph.func @cast_index(%x: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.cast %x {to = index} : (!graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.cast' op cannot cast to index: the element type must be one of

// -----

graph.func @cast_result(%x: !graph.tensor<[3], f32>) -> (out: !graph.tensor<[3], f32>) {
  %0 = graph.cast %x {to = f16} : (!graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.cast' op result #0 has element type f32, expected f16
