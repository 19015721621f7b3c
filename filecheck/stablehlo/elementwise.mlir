// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// elementwise ops in JAX's pretty form; we print the generic form

// CHECK-LABEL: func.func public @binary
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<4xf32>, %[[AB:[A-Za-z0-9_]+]]: tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.add"(%[[AA]], %[[AB]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.power"(%[[V0]], %[[AB]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.remainder"(%[[V1]], %[[AA]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK: func.return %[[V2]] : tensor<4xf32>
func.func public @binary(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = stablehlo.add %a, %b : tensor<4xf32>
  %1 = stablehlo.power %0, %b : tensor<4xf32>
  %2 = stablehlo.remainder %1, %a : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// CHECK-LABEL: func.func public @unary
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.exponential_minus_one"(%[[AA]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.round_nearest_afz"(%[[V0]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "chlo.erf"(%[[V1]]) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: func.return %[[V2]] : tensor<2x3xf32>
func.func public @unary(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = stablehlo.exponential_minus_one %a : tensor<2x3xf32>
  %1 = stablehlo.round_nearest_afz %0 : tensor<2x3xf32>
  %2 = chlo.erf %1 : tensor<2x3xf32> -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func public @compare_select
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<3xi32>, %[[AB:[A-Za-z0-9_]+]]: tensor<3xi32>) -> tensor<3xi32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.compare"(%[[AA]], %[[AB]]) <{comparison_direction = #stablehlo.comparison_direction<LT>, compare_type = #stablehlo.comparison_type<SIGNED>}> : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.select"(%[[V0]], %[[AA]], %[[AB]]) : (tensor<3xi1>, tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.clamp"(%[[AA]], %[[V1]], %[[AB]]) : (tensor<3xi32>, tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
// CHECK: func.return %[[V2]] : tensor<3xi32>
func.func public @compare_select(%a: tensor<3xi32>, %b: tensor<3xi32>) -> tensor<3xi32> {
  %0 = stablehlo.compare LT, %a, %b, SIGNED : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
  %1 = stablehlo.select %0, %a, %b : tensor<3xi1>, tensor<3xi32>
  %2 = stablehlo.clamp %a, %1, %b : tensor<3xi32>
  return %2 : tensor<3xi32>
}

// CHECK-LABEL: func.func public @convert
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<3xf32>) -> tensor<3xi32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.convert"(%[[AA]]) : (tensor<3xf32>) -> tensor<3xi32>
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.bitcast_convert"(%[[AA]]) : (tensor<3xf32>) -> tensor<3xi32>
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.xor"(%[[V0]], %[[V1]]) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
// CHECK: func.return %[[V2]] : tensor<3xi32>
func.func public @convert(%a: tensor<3xf32>) -> tensor<3xi32> {
  %0 = stablehlo.convert %a : (tensor<3xf32>) -> tensor<3xi32>
  %1 = stablehlo.bitcast_convert %a : (tensor<3xf32>) -> tensor<3xi32>
  %2 = stablehlo.xor %0, %1 : tensor<3xi32>
  return %2 : tensor<3xi32>
}

// CHECK-LABEL: func.func public @broadcasting
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<2x3xf32>, %[[AB:[A-Za-z0-9_]+]]: tensor<3xf32>) -> tensor<2x3xi1>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "chlo.broadcast_multiply"(%[[AA]], %[[AB]]) <{broadcast_dimensions = array<i64: 1>}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.is_finite"(%[[V0]]) : (tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK: func.return %[[V1]] : tensor<2x3xi1>
func.func public @broadcasting(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = chlo.broadcast_multiply %a, %b {broadcast_dimensions = array<i64: 1>} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = stablehlo.is_finite %0 : (tensor<2x3xf32>) -> tensor<2x3xi1>
  return %1 : tensor<2x3xi1>
}
