// RUN: tensorforge-opt %s -p graph-canonicalize | filecheck %s
// RUN: tensorforge-opt %s -p 'graph-canonicalize{stats=true}' 2>&1 >/dev/null | filecheck %s --check-prefix=STATS
// RUN: tensorforge-opt %s -p 'graph-canonicalize{disable=mul-one}' | filecheck %s --check-prefix=OFF
// RUN: tensorforge-opt %s -p 'graph-canonicalize{enable-only=neg-neg}' | filecheck %s --check-prefix=ONLY

// One case per pattern of the canonicalize tables, then cases where none may fire.

!F = !graph.tensor<[4], f32>
!I = !graph.tensor<[4], i32>
!B = !graph.tensor<[4], i1>

// Every pattern fires in this file: 68 lines, one per pattern.
// STATS-DAG: {{^}}add-zero: 2
// STATS-DAG: {{^}}mul-one: 1
// STATS-DAG: {{^}}shift-zero: 2
// STATS-DAG: {{^}}neg-neg: 1
// STATS-DAG: {{^}}transpose-transpose: 1
// STATS-DAG: {{^}}reshape-chain: 1

// -- arithmetic ----------------------------------------------------------------------

// CHECK-LABEL: graph.func @add_zero
// CHECK-NEXT: graph.return %x, %i
graph.func @add_zero(%x: !F, %i: !I) -> (a: !F, b: !I) {
  %z = graph.constant dense<-0.0> : tensor<4xf32> : !F
  %a = graph.add %z, %x : (!F, !F) -> !F
  %zi = graph.constant dense<0> : tensor<4xi32> : !I
  %b = graph.add %i, %zi : (!I, !I) -> !I
  graph.return %a, %b : !F, !I
}

// CHECK-LABEL: graph.func @sub_zero
// CHECK-NEXT: graph.return %x
graph.func @sub_zero(%x: !F) -> (a: !F) {
  %z = graph.constant dense<0.0> : tensor<4xf32> : !F
  %a = graph.sub %x, %z : (!F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @zero_sub
// CHECK-NEXT: %[[N:.*]] = graph.neg %i
// CHECK-NEXT: graph.return %[[N]]
graph.func @zero_sub(%i: !I) -> (a: !I) {
  %z = graph.constant dense<0> : tensor<4xi32> : !I
  %a = graph.sub %z, %i : (!I, !I) -> !I
  graph.return %a : !I
}

// CHECK-LABEL: graph.func @mul_one
// CHECK-NEXT: graph.return %x
// OFF-LABEL: graph.func @mul_one
// OFF: graph.mul
graph.func @mul_one(%x: !F) -> (a: !F) {
  %c = graph.constant dense<1.0> : tensor<4xf32> : !F
  %a = graph.mul %c, %x : (!F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @mul_neg_one
// CHECK-NEXT: %[[N:.*]] = graph.neg %x
// CHECK-NEXT: graph.return %[[N]]
graph.func @mul_neg_one(%x: !F) -> (a: !F) {
  %c = graph.constant dense<-1.0> : tensor<4xf32> : !F
  %a = graph.mul %x, %c : (!F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @mul_zero_int
// CHECK-NEXT: %[[Z:.*]] = graph.zeros_like %i
// CHECK-NEXT: graph.return %[[Z]]
graph.func @mul_zero_int(%i: !I) -> (a: !I) {
  %c = graph.constant dense<0> : tensor<4xi32> : !I
  %a = graph.mul %i, %c : (!I, !I) -> !I
  graph.return %a : !I
}

// CHECK-LABEL: graph.func @div_one
// CHECK-NEXT: graph.return %x
graph.func @div_one(%x: !F) -> (a: !F) {
  %c = graph.constant dense<1.0> : tensor<4xf32> : !F
  %a = graph.div %x, %c : (!F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @pow_one
// CHECK-NEXT: graph.return %x
graph.func @pow_one(%x: !F) -> (a: !F) {
  %c = graph.constant dense<1.0> : tensor<4xf32> : !F
  %a = graph.pow %x, %c : (!F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @sub_self_int
// CHECK-NEXT: %[[Z:.*]] = graph.zeros_like %i
// CHECK-NEXT: graph.return %[[Z]]
graph.func @sub_self_int(%i: !I) -> (a: !I) {
  %a = graph.sub %i, %i : (!I, !I) -> !I
  graph.return %a : !I
}

// CHECK-LABEL: graph.func @neg_sub_int
// CHECK-NEXT: %[[S:.*]] = graph.sub %j, %i
// CHECK-NEXT: graph.return %[[S]]
graph.func @neg_sub_int(%i: !I, %j: !I) -> (a: !I) {
  %s = graph.sub %i, %j : (!I, !I) -> !I
  %a = graph.neg %s : (!I) -> !I
  graph.return %a : !I
}

// CHECK-LABEL: graph.func @sub_neg
// CHECK-NEXT: %[[S:.*]] = graph.add %x, %y
// CHECK-NEXT: graph.return %[[S]]
graph.func @sub_neg(%x: !F, %y: !F) -> (a: !F) {
  %n = graph.neg %y : (!F) -> !F
  %a = graph.sub %x, %n : (!F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @add_neg
// CHECK-NEXT: %[[S:.*]] = graph.sub %x, %y
// CHECK-NEXT: graph.return %[[S]]
graph.func @add_neg(%x: !F, %y: !F) -> (a: !F) {
  %n = graph.neg %y : (!F) -> !F
  %a = graph.add %n, %x : (!F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @mul_neg_neg
// CHECK-NEXT: %[[M:.*]] = graph.mul %x, %y
// CHECK-NEXT: graph.return %[[M]]
graph.func @mul_neg_neg(%x: !F, %y: !F) -> (a: !F) {
  %nx = graph.neg %x : (!F) -> !F
  %ny = graph.neg %y : (!F) -> !F
  %a = graph.mul %nx, %ny : (!F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @div_neg_neg_float
// CHECK-NEXT: %[[D:.*]] = graph.div %x, %y
// CHECK-NEXT: graph.return %[[D]]
graph.func @div_neg_neg_float(%x: !F, %y: !F) -> (a: !F) {
  %nx = graph.neg %x : (!F) -> !F
  %ny = graph.neg %y : (!F) -> !F
  %a = graph.div %nx, %ny : (!F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @min_max_self
// CHECK-NEXT: graph.return %x, %x
graph.func @min_max_self(%x: !F) -> (a: !F, b: !F) {
  %a = graph.minimum %x, %x : (!F, !F) -> !F
  %b = graph.maximum %x, %x : (!F, !F) -> !F
  graph.return %a, %b : !F, !F
}

// CHECK-LABEL: graph.func @cmp_self_int
// CHECK-NEXT: %[[T:.*]] = graph.ones_like %i {dtype = i1}
// CHECK-NEXT: %[[F:.*]] = graph.zeros_like %i {dtype = i1}
// CHECK-NEXT: graph.return %[[T]], %[[F]]
graph.func @cmp_self_int(%i: !I) -> (a: !B, b: !B) {
  %a = graph.le %i, %i : (!I, !I) -> !B
  %b = graph.ne %i, %i : (!I, !I) -> !B
  graph.return %a, %b : !B, !B
}

// -- logical and bitwise --------------------------------------------------------------

// CHECK-LABEL: graph.func @and_or_xor_consts
// CHECK-NEXT: %[[F:.*]] = graph.zeros_like %p {dtype = i1}
// CHECK-NEXT: %[[T:.*]] = graph.ones_like %p {dtype = i1}
// CHECK-NEXT: graph.return %p, %[[F]], %p, %[[T]], %p
graph.func @and_or_xor_consts(%p: !B) -> (a: !B, b: !B, c: !B, d: !B, e: !B) {
  %t = graph.constant dense<true> : tensor<4xi1> : !B
  %f = graph.constant dense<false> : tensor<4xi1> : !B
  %a = graph.and %p, %t : (!B, !B) -> !B
  %b = graph.and %f, %p : (!B, !B) -> !B
  %c = graph.or %p, %f : (!B, !B) -> !B
  %d = graph.or %p, %t : (!B, !B) -> !B
  %e = graph.xor %p, %f : (!B, !B) -> !B
  graph.return %a, %b, %c, %d, %e : !B, !B, !B, !B, !B
}

// CHECK-LABEL: graph.func @logical_self
// CHECK-NEXT: %[[F:.*]] = graph.zeros_like %p
// CHECK-NEXT: graph.return %p, %p, %[[F]]
graph.func @logical_self(%p: !B) -> (a: !B, b: !B, c: !B) {
  %a = graph.and %p, %p : (!B, !B) -> !B
  %b = graph.or %p, %p : (!B, !B) -> !B
  %c = graph.xor %p, %p : (!B, !B) -> !B
  graph.return %a, %b, %c : !B, !B, !B
}

// CHECK-LABEL: graph.func @not_not
// CHECK-NEXT: graph.return %p, %i
graph.func @not_not(%p: !B, %i: !I) -> (a: !B, b: !I) {
  %n = graph.not %p : (!B) -> !B
  %a = graph.not %n : (!B) -> !B
  %m = graph.bitwise_not %i : (!I) -> !I
  %b = graph.bitwise_not %m : (!I) -> !I
  graph.return %a, %b : !B, !I
}

// CHECK-LABEL: graph.func @bitwise
// CHECK-NEXT: %[[Z:.*]] = graph.zeros_like %i
// CHECK-NEXT: graph.return %i, %i, %[[Z]], %i, %i, %i, %i
graph.func @bitwise(%i: !I) -> (a: !I, b: !I, c: !I, d: !I, e: !I, f: !I, g: !I) {
  %z = graph.constant dense<0> : tensor<4xi32> : !I
  %a = graph.bitwise_and %i, %i : (!I, !I) -> !I
  %b = graph.bitwise_or %i, %i : (!I, !I) -> !I
  %c = graph.bitwise_xor %i, %i : (!I, !I) -> !I
  %d = graph.bitwise_or %z, %i : (!I, !I) -> !I
  %e = graph.bitwise_xor %i, %z : (!I, !I) -> !I
  %f = graph.shift_left %i, %z : (!I, !I) -> !I
  %g = graph.shift_right %i, %z : (!I, !I) -> !I
  graph.return %a, %b, %c, %d, %e, %f, %g : !I, !I, !I, !I, !I, !I, !I
}

// -- unary -------------------------------------------------------------------------

// CHECK-LABEL: graph.func @neg_neg
// CHECK-NEXT: graph.return %x
// ONLY-LABEL: graph.func @neg_neg
// ONLY-NEXT: graph.return %x
graph.func @neg_neg(%x: !F) -> (a: !F) {
  %n = graph.neg %x : (!F) -> !F
  %a = graph.neg %n : (!F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @abs_abs
// CHECK-NEXT: %[[A:.*]] = graph.abs %i
// CHECK-NEXT: graph.return %[[A]]
graph.func @abs_abs(%i: !I) -> (a: !I) {
  %n = graph.abs %i : (!I) -> !I
  %a = graph.abs %n : (!I) -> !I
  graph.return %a : !I
}

// CHECK-LABEL: graph.func @abs_neg
// CHECK-NEXT: %[[A:.*]] = graph.abs %i
// CHECK-NEXT: graph.return %[[A]]
graph.func @abs_neg(%i: !I) -> (a: !I) {
  %n = graph.neg %i : (!I) -> !I
  %a = graph.abs %n : (!I) -> !I
  graph.return %a : !I
}

// CHECK-LABEL: graph.func @relu_relu
// CHECK-NEXT: %[[R:.*]] = graph.relu %x
// CHECK-NEXT: graph.return %[[R]]
graph.func @relu_relu(%x: !F) -> (a: !F) {
  %r = graph.relu %x : (!F) -> !F
  %a = graph.relu %r : (!F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @relu_abs_float
// CHECK-NEXT: %[[A:.*]] = graph.abs %x
// CHECK-NEXT: graph.return %[[A]]
graph.func @relu_abs_float(%x: !F) -> (a: !F) {
  %r = graph.abs %x : (!F) -> !F
  %a = graph.relu %r : (!F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @sign_sign
// CHECK-NEXT: %[[S:.*]] = graph.sign %x
// CHECK-NEXT: graph.return %[[S]]
graph.func @sign_sign(%x: !F) -> (a: !F) {
  %r = graph.sign %x : (!F) -> !F
  %a = graph.sign %r : (!F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @round_integral
// CHECK-NEXT: %[[F:.*]] = graph.floor %x
// CHECK-NEXT: graph.return %[[F]]
graph.func @round_integral(%x: !F) -> (a: !F) {
  %r = graph.floor %x : (!F) -> !F
  %a = graph.round %r : (!F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @clip_unbounded
// CHECK-NEXT: graph.return %x
graph.func @clip_unbounded(%x: !F) -> (a: !F) {
  %a = graph.clip %x : (!F) -> !F
  graph.return %a : !F
}

// -- where and cast ------------------------------------------------------------------

// CHECK-LABEL: graph.func @where_same
// CHECK-NEXT: graph.return %x
graph.func @where_same(%p: !B, %x: !F) -> (a: !F) {
  %a = graph.where %p, %x, %x : (!B, !F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @where_const
// CHECK-NEXT: graph.return %x, %y
graph.func @where_const(%x: !F, %y: !F) -> (a: !F, b: !F) {
  %t = graph.constant dense<true> : tensor<4xi1> : !B
  %f = graph.constant dense<false> : tensor<4xi1> : !B
  %a = graph.where %t, %x, %y : (!B, !F, !F) -> !F
  %b = graph.where %f, %x, %y : (!B, !F, !F) -> !F
  graph.return %a, %b : !F, !F
}

// CHECK-LABEL: graph.func @where_not
// CHECK-NEXT: %[[W:.*]] = graph.where %p, %y, %x
// CHECK-NEXT: graph.return %[[W]]
graph.func @where_not(%p: !B, %x: !F, %y: !F) -> (a: !F) {
  %n = graph.not %p : (!B) -> !B
  %a = graph.where %n, %x, %y : (!B, !F, !F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @cast_identity
// CHECK-NEXT: graph.return %x
graph.func @cast_identity(%x: !F) -> (a: !F) {
  %a = graph.cast %x {to = f32} : (!F) -> !F
  graph.return %a : !F
}

// CHECK-LABEL: graph.func @cast_roundtrip_exact
// CHECK-NEXT: graph.return %i
graph.func @cast_roundtrip_exact(%i: !I) -> (a: !I) {
  %w = graph.cast %i {to = i64} : (!I) -> !graph.tensor<[4], i64>
  %a = graph.cast %w {to = i32} : (!graph.tensor<[4], i64>) -> !I
  graph.return %a : !I
}

// CHECK-LABEL: graph.func @cast_cast_exact
// CHECK-NEXT: %[[C:.*]] = graph.cast %h {to = f64}
// CHECK-NEXT: graph.return %[[C]]
graph.func @cast_cast_exact(%h: !graph.tensor<[4], f16>) -> (a: !graph.tensor<[4], f64>) {
  %w = graph.cast %h {to = f32} : (!graph.tensor<[4], f16>) -> !F
  %a = graph.cast %w {to = f64} : (!F) -> !graph.tensor<[4], f64>
  graph.return %a : !graph.tensor<[4], f64>
}

// -- layout ---------------------------------------------------------------------------

// CHECK-LABEL: graph.func @transpose_identity
// CHECK-NEXT: graph.return %m
graph.func @transpose_identity(%m: !graph.tensor<[2, 3], f32>) -> (a: !graph.tensor<[2, 3], f32>) {
  %a = graph.transpose %m {perm = array<i64: 0, 1>} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %a : !graph.tensor<[2, 3], f32>
}

// CHECK-LABEL: graph.func @transpose_transpose_identity
// CHECK-NEXT: graph.return %m
graph.func @transpose_transpose_identity(%m: !graph.tensor<[2, 3, n], f32>) -> (a: !graph.tensor<[2, 3, n], f32>) {
  %t = graph.transpose %m {perm = array<i64: 1, 2, 0>} : (!graph.tensor<[2, 3, n], f32>) -> !graph.tensor<[3, n, 2], f32>
  %a = graph.transpose %t {perm = array<i64: 2, 0, 1>} : (!graph.tensor<[3, n, 2], f32>) -> !graph.tensor<[2, 3, n], f32>
  graph.return %a : !graph.tensor<[2, 3, n], f32>
}

// CHECK-LABEL: graph.func @transpose_transpose
// CHECK-NEXT: %[[T:.*]] = graph.transpose %m {perm = array<i64: 1, 0, 2>}
// CHECK-NEXT: graph.return %[[T]]
graph.func @transpose_transpose(%m: !graph.tensor<[2, 3, n], f32>) -> (a: !graph.tensor<[3, 2, n], f32>) {
  %t = graph.transpose %m {perm = array<i64: 1, 2, 0>} : (!graph.tensor<[2, 3, n], f32>) -> !graph.tensor<[3, n, 2], f32>
  %a = graph.transpose %t {perm = array<i64: 0, 2, 1>} : (!graph.tensor<[3, n, 2], f32>) -> !graph.tensor<[3, 2, n], f32>
  graph.return %a : !graph.tensor<[3, 2, n], f32>
}

// CHECK-LABEL: graph.func @transpose_as_reshape
// CHECK-NEXT: %[[R:.*]] = graph.reshape %m {shape = #graph.shape<[n, 1, 3]>}
// CHECK-NEXT: graph.return %[[R]]
graph.func @transpose_as_reshape(%m: !graph.tensor<[1, n, 3], f32>) -> (a: !graph.tensor<[n, 1, 3], f32>) {
  %a = graph.transpose %m {perm = array<i64: 1, 0, 2>} : (!graph.tensor<[1, n, 3], f32>) -> !graph.tensor<[n, 1, 3], f32>
  graph.return %a : !graph.tensor<[n, 1, 3], f32>
}

// CHECK-LABEL: graph.func @shape_identities
// CHECK-NEXT: graph.return %m, %m, %m
graph.func @shape_identities(%m: !graph.tensor<[2, 3], f32>) -> (a: !graph.tensor<[2, 3], f32>, b: !graph.tensor<[2, 3], f32>, c: !graph.tensor<[2, 3], f32>) {
  %a = graph.reshape %m {shape = #graph.shape<[2, 3]>} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  %b = graph.squeeze %m : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  %c = graph.flatten %m : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %a, %b, %c : !graph.tensor<[2, 3], f32>, !graph.tensor<[2, 3], f32>, !graph.tensor<[2, 3], f32>
}

// CHECK-LABEL: graph.func @squeeze_unsqueeze
// CHECK-NEXT: graph.return %v, %w
graph.func @squeeze_unsqueeze(%v: !graph.tensor<[n, 3], f32>, %w: !graph.tensor<[1, n], f32>) -> (a: !graph.tensor<[n, 3], f32>, b: !graph.tensor<[1, n], f32>) {
  %u = graph.unsqueeze %v {axes = array<i64: 1>} : (!graph.tensor<[n, 3], f32>) -> !graph.tensor<[n, 1, 3], f32>
  %a = graph.squeeze %u {axes = array<i64: 1>} : (!graph.tensor<[n, 1, 3], f32>) -> !graph.tensor<[n, 3], f32>
  %s = graph.squeeze %w {axes = array<i64: 0>} : (!graph.tensor<[1, n], f32>) -> !graph.tensor<[n], f32>
  %b = graph.unsqueeze %s {axes = array<i64: 0>} : (!graph.tensor<[n], f32>) -> !graph.tensor<[1, n], f32>
  graph.return %a, %b : !graph.tensor<[n, 3], f32>, !graph.tensor<[1, n], f32>
}

// CHECK-LABEL: graph.func @reshape_chain
// CHECK-NEXT: %[[R:.*]] = graph.reshape %v {shape = #graph.shape<[n*6]>}
// CHECK-NEXT: graph.return %[[R]]
graph.func @reshape_chain(%v: !graph.tensor<[n, 2, 3], f32>) -> (a: !graph.tensor<[n*6], f32>) {
  %r = graph.reshape %v {shape = #graph.shape<[n, 6]>} : (!graph.tensor<[n, 2, 3], f32>) -> !graph.tensor<[n, 6], f32>
  %a = graph.reshape %r {shape = #graph.shape<[-1]>} : (!graph.tensor<[n, 6], f32>) -> !graph.tensor<[n*6], f32>
  graph.return %a : !graph.tensor<[n*6], f32>
}

// CHECK-LABEL: graph.func @broadcast
// CHECK-NEXT: %[[B:.*]] = graph.broadcast_to %x {shape = #graph.shape<[n, 2, 4]>}
// CHECK-NEXT: graph.return %x, %[[B]]
graph.func @broadcast(%x: !F) -> (a: !F, b: !graph.tensor<[n, 2, 4], f32>) {
  %a = graph.broadcast_to %x {shape = #graph.shape<[4]>} : (!F) -> !F
  %b1 = graph.broadcast_to %x {shape = #graph.shape<[2, 4]>} : (!F) -> !graph.tensor<[2, 4], f32>
  %b = graph.broadcast_to %b1 {shape = #graph.shape<[n, 2, 4]>} : (!graph.tensor<[2, 4], f32>) -> !graph.tensor<[n, 2, 4], f32>
  graph.return %a, %b : !F, !graph.tensor<[n, 2, 4], f32>
}

// CHECK-LABEL: graph.func @tile_slice_pad_identity
// CHECK-NEXT: graph.return %x, %x, %x
graph.func @tile_slice_pad_identity(%x: !F) -> (a: !F, b: !F, c: !F) {
  %a = graph.tile %x {repeats = array<i64: 1>} : (!F) -> !F
  %b = graph.slice %x {starts = array<i64: 0>, ends = array<i64: 4>} : (!F) -> !F
  %c = graph.pad %x {pads = array<i64: 0, 0>} : (!F) -> !F
  graph.return %a, %b, %c : !F, !F, !F
}

// CHECK-LABEL: graph.func @concat_split_single
// CHECK-NEXT: graph.return %x, %x
graph.func @concat_split_single(%x: !F) -> (a: !F, b: !F) {
  %a = graph.concat %x {axis = 0} : (!F) -> !F
  %b = graph.split %x {num_outputs = 1} : (!F) -> !F
  graph.return %a, %b : !F, !F
}

// CHECK-LABEL: graph.func @fold_broadcast
// CHECK-NEXT: %[[A:.*]] = graph.add %m, %s
// CHECK-NEXT: %[[B:.*]] = graph.mul %s, %m
// CHECK-NEXT: graph.return %[[A]], %[[B]]
graph.func @fold_broadcast(%m: !graph.tensor<[2, 3], f32>, %s: !graph.tensor<[1], f32>) -> (a: !graph.tensor<[2, 3], f32>, b: !graph.tensor<[2, 3], f32>) {
  %bs = graph.broadcast_to %s {shape = #graph.shape<[2, 3]>} : (!graph.tensor<[1], f32>) -> !graph.tensor<[2, 3], f32>
  %a = graph.add %m, %bs : (!graph.tensor<[2, 3], f32>, !graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  %b = graph.mul %bs, %m : (!graph.tensor<[2, 3], f32>, !graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %a, %b : !graph.tensor<[2, 3], f32>, !graph.tensor<[2, 3], f32>
}

// -- must not fire ------------------------------------------------------------------

// float x * 0 is NaN for inf/NaN x; x - x is NaN for inf; x + 0.0 turns -0.0 into 0.0.
// CHECK-LABEL: graph.func @no_float_mul_zero
// CHECK-NEXT: %[[Z:.*]] = graph.constant
// CHECK-NEXT: %[[A:.*]] = graph.mul %x, %[[Z]]
// CHECK-NEXT: %[[B:.*]] = graph.sub %x, %x
// CHECK-NEXT: %[[C:.*]] = graph.add %x, %[[Z]]
// CHECK-NEXT: graph.return %[[A]], %[[B]], %[[C]]
graph.func @no_float_mul_zero(%x: !F) -> (a: !F, b: !F, c: !F) {
  %z = graph.constant dense<0.0> : tensor<4xf32> : !F
  %a = graph.mul %x, %z : (!F, !F) -> !F
  %b = graph.sub %x, %x : (!F, !F) -> !F
  %c = graph.add %x, %z : (!F, !F) -> !F
  graph.return %a, %b, %c : !F, !F, !F
}

// Narrowing first is not exact; int |MIN| is negative, so relu(|x|) stays; the identity
// rules need the same type (x * 1 with a broadcasting 1 changes the shape).
// CHECK-LABEL: graph.func @no_inexact
// CHECK-NEXT: %[[C:.*]] = graph.cast %x {to = f16}
// CHECK-NEXT: %[[D:.*]] = graph.cast %[[C]] {to = f32}
// CHECK-NEXT: %[[A:.*]] = graph.abs %i
// CHECK-NEXT: %[[R:.*]] = graph.relu %[[A]]
// CHECK-NEXT: %[[O:.*]] = graph.constant
// CHECK-NEXT: %[[M:.*]] = graph.mul %s, %[[O]]
// CHECK-NEXT: graph.return %[[D]], %[[R]], %[[M]]
graph.func @no_inexact(%x: !F, %i: !I, %s: !graph.tensor<[1], f32>) -> (a: !F, b: !I, c: !F) {
  %c = graph.cast %x {to = f16} : (!F) -> !graph.tensor<[4], f16>
  %a = graph.cast %c {to = f32} : (!graph.tensor<[4], f16>) -> !F
  %ab = graph.abs %i : (!I) -> !I
  %b = graph.relu %ab : (!I) -> !I
  %one = graph.constant dense<1.0> : tensor<4xf32> : !F
  %m = graph.mul %s, %one : (!graph.tensor<[1], f32>, !F) -> !F
  graph.return %a, %b, %m : !F, !I, !F
}

// A transpose of a square matrix keeps the type but is not the identity; a reversing slice neither.
// CHECK-LABEL: graph.func @no_same_type_non_identity
// CHECK-NEXT: %[[T:.*]] = graph.transpose %q
// CHECK-NEXT: %[[S:.*]] = graph.slice %x
// CHECK-NEXT: graph.return %[[T]], %[[S]]
graph.func @no_same_type_non_identity(%q: !graph.tensor<[3, 3], f32>, %x: !F) -> (a: !graph.tensor<[3, 3], f32>, b: !F) {
  %a = graph.transpose %q : (!graph.tensor<[3, 3], f32>) -> !graph.tensor<[3, 3], f32>
  %b = graph.slice %x {starts = array<i64: -1>, ends = array<i64: -9>, steps = array<i64: -1>} : (!F) -> !F
  graph.return %a, %b : !graph.tensor<[3, 3], f32>, !F
}
