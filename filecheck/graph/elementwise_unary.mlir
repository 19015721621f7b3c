// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @exp
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f16>)
// CHECK: %[[R:[0-9]+]] = graph.exp %[[X]] : (!graph.tensor<[n, 4], f16>) -> !graph.tensor<[n, 4], f16>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f16>
graph.func @exp(%x: !graph.tensor<[n, 4], f16>) -> (out: !graph.tensor<[n, 4], f16>) {
  %0 = graph.exp %x : (!graph.tensor<[n, 4], f16>) -> !graph.tensor<[n, 4], f16>
  graph.return %0 : !graph.tensor<[n, 4], f16>
}

// CHECK-LABEL: graph.func @log
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], bf16>)
// CHECK: %[[R:[0-9]+]] = graph.log %[[X]] : (!graph.tensor<[n, 4], bf16>) -> !graph.tensor<[n, 4], bf16>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], bf16>
graph.func @log(%x: !graph.tensor<[n, 4], bf16>) -> (out: !graph.tensor<[n, 4], bf16>) {
  %0 = graph.log %x : (!graph.tensor<[n, 4], bf16>) -> !graph.tensor<[n, 4], bf16>
  graph.return %0 : !graph.tensor<[n, 4], bf16>
}

// CHECK-LABEL: graph.func @log1p
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f64>)
// CHECK: %[[R:[0-9]+]] = graph.log1p %[[X]] : (!graph.tensor<[n, 4], f64>) -> !graph.tensor<[n, 4], f64>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f64>
graph.func @log1p(%x: !graph.tensor<[n, 4], f64>) -> (out: !graph.tensor<[n, 4], f64>) {
  %0 = graph.log1p %x : (!graph.tensor<[n, 4], f64>) -> !graph.tensor<[n, 4], f64>
  graph.return %0 : !graph.tensor<[n, 4], f64>
}

// CHECK-LABEL: graph.func @sqrt
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.sqrt %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @sqrt(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.sqrt %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @rsqrt
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.rsqrt %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @rsqrt(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.rsqrt %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @reciprocal
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.reciprocal %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @reciprocal(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.reciprocal %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @tanh
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.tanh %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @tanh(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.tanh %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @sigmoid
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.sigmoid %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @sigmoid(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.sigmoid %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @gelu
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.gelu %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @gelu(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.gelu %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @gelu_tanh
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.gelu_tanh %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @gelu_tanh(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.gelu_tanh %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @silu
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.silu %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @silu(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.silu %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @softplus
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.softplus %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @softplus(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.softplus %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @erf
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.erf %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @erf(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.erf %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @sin
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.sin %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @sin(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.sin %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @cos
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.cos %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @cos(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.cos %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @tan
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.tan %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @tan(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.tan %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @floor
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f16>)
// CHECK: %[[R:[0-9]+]] = graph.floor %[[X]] : (!graph.tensor<[n, 4], f16>) -> !graph.tensor<[n, 4], f16>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f16>
graph.func @floor(%x: !graph.tensor<[n, 4], f16>) -> (out: !graph.tensor<[n, 4], f16>) {
  %0 = graph.floor %x : (!graph.tensor<[n, 4], f16>) -> !graph.tensor<[n, 4], f16>
  graph.return %0 : !graph.tensor<[n, 4], f16>
}

// CHECK-LABEL: graph.func @ceil
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.ceil %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @ceil(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.ceil %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @round
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], bf16>)
// CHECK: %[[R:[0-9]+]] = graph.round %[[X]] : (!graph.tensor<[n, 4], bf16>) -> !graph.tensor<[n, 4], bf16>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], bf16>
graph.func @round(%x: !graph.tensor<[n, 4], bf16>) -> (out: !graph.tensor<[n, 4], bf16>) {
  %0 = graph.round %x : (!graph.tensor<[n, 4], bf16>) -> !graph.tensor<[n, 4], bf16>
  graph.return %0 : !graph.tensor<[n, 4], bf16>
}

// CHECK-LABEL: graph.func @hard_swish
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.hard_swish %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @hard_swish(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.hard_swish %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @neg
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[3], i8>)
// CHECK: %[[R:[0-9]+]] = graph.neg %[[X]] : (!graph.tensor<[3], i8>) -> !graph.tensor<[3], i8>
// CHECK: graph.return %[[R]] : !graph.tensor<[3], i8>
graph.func @neg(%x: !graph.tensor<[3], i8>) -> (out: !graph.tensor<[3], i8>) {
  %0 = graph.neg %x : (!graph.tensor<[3], i8>) -> !graph.tensor<[3], i8>
  graph.return %0 : !graph.tensor<[3], i8>
}

// CHECK-LABEL: graph.func @abs
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[3], ui16>)
// CHECK: %[[R:[0-9]+]] = graph.abs %[[X]] : (!graph.tensor<[3], ui16>) -> !graph.tensor<[3], ui16>
// CHECK: graph.return %[[R]] : !graph.tensor<[3], ui16>
graph.func @abs(%x: !graph.tensor<[3], ui16>) -> (out: !graph.tensor<[3], ui16>) {
  %0 = graph.abs %x : (!graph.tensor<[3], ui16>) -> !graph.tensor<[3], ui16>
  graph.return %0 : !graph.tensor<[3], ui16>
}

// CHECK-LABEL: graph.func @sign
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[3], f64>)
// CHECK: %[[R:[0-9]+]] = graph.sign %[[X]] : (!graph.tensor<[3], f64>) -> !graph.tensor<[3], f64>
// CHECK: graph.return %[[R]] : !graph.tensor<[3], f64>
graph.func @sign(%x: !graph.tensor<[3], f64>) -> (out: !graph.tensor<[3], f64>) {
  %0 = graph.sign %x : (!graph.tensor<[3], f64>) -> !graph.tensor<[3], f64>
  graph.return %0 : !graph.tensor<[3], f64>
}

// CHECK-LABEL: graph.func @relu
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[3], i32>)
// CHECK: %[[R:[0-9]+]] = graph.relu %[[X]] : (!graph.tensor<[3], i32>) -> !graph.tensor<[3], i32>
// CHECK: graph.return %[[R]] : !graph.tensor<[3], i32>
graph.func @relu(%x: !graph.tensor<[3], i32>) -> (out: !graph.tensor<[3], i32>) {
  %0 = graph.relu %x : (!graph.tensor<[3], i32>) -> !graph.tensor<[3], i32>
  graph.return %0 : !graph.tensor<[3], i32>
}

// CHECK-LABEL: graph.func @neg_f32
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.neg %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @neg_f32(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.neg %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @relu_empty
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[0], f32>)
// CHECK: %[[R:[0-9]+]] = graph.relu %[[X]] : (!graph.tensor<[0], f32>) -> !graph.tensor<[0], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[0], f32>
graph.func @relu_empty(%x: !graph.tensor<[0], f32>) -> (out: !graph.tensor<[0], f32>) {
  %0 = graph.relu %x : (!graph.tensor<[0], f32>) -> !graph.tensor<[0], f32>
  graph.return %0 : !graph.tensor<[0], f32>
}

// CHECK-LABEL: graph.func @not
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n], i1>)
// CHECK: %[[R:[0-9]+]] = graph.not %[[X]] : (!graph.tensor<[n], i1>) -> !graph.tensor<[n], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[n], i1>
graph.func @not(%x: !graph.tensor<[n], i1>) -> (out: !graph.tensor<[n], i1>) {
  %0 = graph.not %x : (!graph.tensor<[n], i1>) -> !graph.tensor<[n], i1>
  graph.return %0 : !graph.tensor<[n], i1>
}

// CHECK-LABEL: graph.func @bitwise_not
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n], i64>)
// CHECK: %[[R:[0-9]+]] = graph.bitwise_not %[[X]] : (!graph.tensor<[n], i64>) -> !graph.tensor<[n], i64>
// CHECK: graph.return %[[R]] : !graph.tensor<[n], i64>
graph.func @bitwise_not(%x: !graph.tensor<[n], i64>) -> (out: !graph.tensor<[n], i64>) {
  %0 = graph.bitwise_not %x : (!graph.tensor<[n], i64>) -> !graph.tensor<[n], i64>
  graph.return %0 : !graph.tensor<[n], i64>
}

// CHECK-LABEL: graph.func @bitwise_not_i1
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n], i1>)
// CHECK: %[[R:[0-9]+]] = graph.bitwise_not %[[X]] : (!graph.tensor<[n], i1>) -> !graph.tensor<[n], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[n], i1>
graph.func @bitwise_not_i1(%x: !graph.tensor<[n], i1>) -> (out: !graph.tensor<[n], i1>) {
  %0 = graph.bitwise_not %x : (!graph.tensor<[n], i1>) -> !graph.tensor<[n], i1>
  graph.return %0 : !graph.tensor<[n], i1>
}

// CHECK-LABEL: graph.func @isnan
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n], f16>)
// CHECK: %[[R:[0-9]+]] = graph.isnan %[[X]] : (!graph.tensor<[n], f16>) -> !graph.tensor<[n], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[n], i1>
graph.func @isnan(%x: !graph.tensor<[n], f16>) -> (out: !graph.tensor<[n], i1>) {
  %0 = graph.isnan %x : (!graph.tensor<[n], f16>) -> !graph.tensor<[n], i1>
  graph.return %0 : !graph.tensor<[n], i1>
}

// default properties are not printed
// CHECK-LABEL: graph.func @isinf
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.isinf %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], i1>
graph.func @isinf(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], i1>) {
  %0 = graph.isinf %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], i1>
  graph.return %0 : !graph.tensor<[n, 4], i1>
}

// CHECK-LABEL: graph.func @isinf_negative_only
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.isinf %[[X]] {detect_positive = false} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], i1>
graph.func @isinf_negative_only(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], i1>) {
  %0 = graph.isinf %x {detect_positive = false} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], i1>
  graph.return %0 : !graph.tensor<[n, 4], i1>
}

// CHECK-LABEL: graph.func @isinf_positive_only
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.isinf %[[X]] {detect_negative = false} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], i1>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], i1>
graph.func @isinf_positive_only(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], i1>) {
  %0 = graph.isinf %x {detect_negative = false} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], i1>
  graph.return %0 : !graph.tensor<[n, 4], i1>
}

// CHECK-LABEL: graph.func @leaky_relu
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.leaky_relu %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @leaky_relu(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.leaky_relu %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @leaky_relu_alpha
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.leaky_relu %[[X]] {alpha = 2.000000e-01 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @leaky_relu_alpha(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.leaky_relu %x {alpha = 0.2 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @elu
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.elu %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @elu(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.elu %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @elu_alpha
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.elu %[[X]] {alpha = 1.500000e+00 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @elu_alpha(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.elu %x {alpha = 1.5 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @hard_sigmoid
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.hard_sigmoid %[[X]] : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @hard_sigmoid(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.hard_sigmoid %x : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// torch's alpha; beta 0.5 is the default
// CHECK-LABEL: graph.func @hard_sigmoid_torch
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: !graph.tensor<[n, 4], f32>)
// CHECK: %[[R:[0-9]+]] = graph.hard_sigmoid %[[X]] {alpha = 0.16666666666666666 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK: graph.return %[[R]] : !graph.tensor<[n, 4], f32>
graph.func @hard_sigmoid_torch(%x: !graph.tensor<[n, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.hard_sigmoid %x {alpha = 0.16666666666666666 : f64, beta = 0.5 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
