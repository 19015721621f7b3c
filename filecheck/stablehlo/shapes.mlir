// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// data movement and contractions; attributes print in MLIR's syntax

// CHECK-LABEL: func.func public @broadcast_transpose
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<3xf32>) -> tensor<4x3xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.broadcast_in_dim"(%[[AA]]) <{broadcast_dimensions = array<i64: 0>}> : (tensor<3xf32>) -> tensor<3x4xf32>
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.transpose"(%[[V0]]) <{permutation = array<i64: 1, 0>}> : (tensor<3x4xf32>) -> tensor<4x3xf32>
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.reverse"(%[[V1]]) <{dimensions = array<i64: 0, 1>}> : (tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK: func.return %[[V2]] : tensor<4x3xf32>
func.func public @broadcast_transpose(%a: tensor<3xf32>) -> tensor<4x3xf32> {
  %0 = stablehlo.broadcast_in_dim %a, dims = [0] : (tensor<3xf32>) -> tensor<3x4xf32>
  %1 = stablehlo.transpose %0, dims = [1, 0] : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %2 = stablehlo.reverse %1, dims = [0, 1] : tensor<4x3xf32>
  return %2 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func public @iota_reshape_concat
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<2x3xi32>) -> tensor<2x6xi32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.iota"() <{iota_dimension = 1 : i64}> : () -> tensor<2x3xi32>
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.reshape"(%[[V0]]) : (tensor<2x3xi32>) -> tensor<6xi32>
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.reshape"(%[[V1]]) : (tensor<6xi32>) -> tensor<2x3xi32>
// CHECK: %[[V3:[A-Za-z0-9_]+]] = "stablehlo.concatenate"(%[[AA]], %[[V2]]) <{dimension = 1 : i64}> : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x6xi32>
// CHECK: func.return %[[V3]] : tensor<2x6xi32>
func.func public @iota_reshape_concat(%a: tensor<2x3xi32>) -> tensor<2x6xi32> {
  %0 = stablehlo.iota dim = 1 : tensor<2x3xi32>
  %1 = stablehlo.reshape %0 : (tensor<2x3xi32>) -> tensor<6xi32>
  %2 = stablehlo.reshape %1 : (tensor<6xi32>) -> tensor<2x3xi32>
  %3 = stablehlo.concatenate %a, %2, dim = 1 : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x6xi32>
  return %3 : tensor<2x6xi32>
}

// CHECK-LABEL: func.func public @slices
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<5x6xf32>, %[[AI:[A-Za-z0-9_]+]]: tensor<i32>, %[[AU:[A-Za-z0-9_]+]]: tensor<2x2xf32>) -> tensor<5x6xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.slice"(%[[AA]]) <{start_indices = array<i64: 0, 1>, limit_indices = array<i64: 4, 6>, strides = array<i64: 1, 2>}> : (tensor<5x6xf32>) -> tensor<4x3xf32>
// CHECK: %[[VC:[A-Za-z0-9_]+]] = "stablehlo.constant"() <{value = dense<1> : tensor<i32>}> : () -> tensor<i32>
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.dynamic_slice"(%[[AA]], %[[AI]], %[[VC]]) <{slice_sizes = array<i64: 2, 2>}> : (tensor<5x6xf32>, tensor<i32>, tensor<i32>) -> tensor<2x2xf32>
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.add"(%[[V1]], %[[AU]]) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: %[[V3:[A-Za-z0-9_]+]] = "stablehlo.dynamic_update_slice"(%[[AA]], %[[V2]], %[[AI]], %[[VC]]) : (tensor<5x6xf32>, tensor<2x2xf32>, tensor<i32>, tensor<i32>) -> tensor<5x6xf32>
// CHECK: func.return %[[V3]] : tensor<5x6xf32>
func.func public @slices(%a: tensor<5x6xf32>, %i: tensor<i32>, %u: tensor<2x2xf32>) -> tensor<5x6xf32> {
  %0 = stablehlo.slice %a [0:4, 1:6:2] : (tensor<5x6xf32>) -> tensor<4x3xf32>
  %c = stablehlo.constant dense<1> : tensor<i32>
  %1 = stablehlo.dynamic_slice %a, %i, %c, sizes = [2, 2] : (tensor<5x6xf32>, tensor<i32>, tensor<i32>) -> tensor<2x2xf32>
  %2 = stablehlo.add %1, %u : tensor<2x2xf32>
  %3 = stablehlo.dynamic_update_slice %a, %2, %i, %c : (tensor<5x6xf32>, tensor<2x2xf32>, tensor<i32>, tensor<i32>) -> tensor<5x6xf32>
  return %3 : tensor<5x6xf32>
}

// CHECK-LABEL: func.func public @pad
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<2x3xf32>) -> tensor<5x4xf32>
// CHECK: %[[VCST:[A-Za-z0-9_]+]] = "stablehlo.constant"() <{value = dense<0.000000e+00> : tensor<f32>}> : () -> tensor<f32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.pad"(%[[AA]], %[[VCST]]) <{edge_padding_low = array<i64: 1, 0>, edge_padding_high = array<i64: 1, 1>, interior_padding = array<i64: 1, 0>}> : (tensor<2x3xf32>, tensor<f32>) -> tensor<5x4xf32>
// CHECK: func.return %[[V0]] : tensor<5x4xf32>
func.func public @pad(%a: tensor<2x3xf32>) -> tensor<5x4xf32> {
  %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %0 = stablehlo.pad %a, %cst, low = [1, 0], high = [1, 1], interior = [1, 0] : (tensor<2x3xf32>, tensor<f32>) -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// CHECK-LABEL: func.func public @dot_general
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<2x5x8xf32>, %[[AB:[A-Za-z0-9_]+]]: tensor<2x6x8xf32>) -> tensor<2x5x6xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.dot_general"(%[[AA]], %[[AB]]) <{precision_config = [#stablehlo.precision<DEFAULT>, #stablehlo.precision<DEFAULT>], dot_dimension_numbers = #stablehlo.dot<lhs_batching_dimensions = [0], rhs_batching_dimensions = [0], lhs_contracting_dimensions = [2], rhs_contracting_dimensions = [2]>}> : (tensor<2x5x8xf32>, tensor<2x6x8xf32>) -> tensor<2x5x6xf32>
// CHECK: func.return %[[V0]] : tensor<2x5x6xf32>
func.func public @dot_general(%a: tensor<2x5x8xf32>, %b: tensor<2x6x8xf32>) -> tensor<2x5x6xf32> {
  %0 = stablehlo.dot_general %a, %b, batching_dims = [0] x [0], contracting_dims = [2] x [2], precision = [DEFAULT, DEFAULT] : (tensor<2x5x8xf32>, tensor<2x6x8xf32>) -> tensor<2x5x6xf32>
  return %0 : tensor<2x5x6xf32>
}

// CHECK-LABEL: func.func public @convolution
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<2x8x8x3xf32>, %[[AW:[A-Za-z0-9_]+]]: tensor<3x3x3x4xf32>) -> tensor<2x8x8x4xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.convolution"(%[[AA]], %[[AW]]) <{dimension_numbers = #stablehlo.conv<[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]>, window_strides = array<i64: 1, 1>, padding = dense<1> : tensor<2x2xi64>, lhs_dilation = array<i64: 1, 1>, rhs_dilation = array<i64: 1, 1>, window_reversal = array<i64: 0, 0>, batch_group_count = 1 : i64, feature_group_count = 1 : i64, precision_config = [#stablehlo.precision<DEFAULT>, #stablehlo.precision<DEFAULT>]}> : (tensor<2x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<2x8x8x4xf32>
// CHECK: func.return %[[V0]] : tensor<2x8x8x4xf32>
func.func public @convolution(%a: tensor<2x8x8x3xf32>, %w: tensor<3x3x3x4xf32>) -> tensor<2x8x8x4xf32> {
  %0 = stablehlo.convolution(%a, %w) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [1, 1], pad = [[1, 1], [1, 1]], lhs_dilate = [1, 1], rhs_dilate = [1, 1], reverse = [false, false]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64, precision_config = [#stablehlo<precision DEFAULT>, #stablehlo<precision DEFAULT>]} : (tensor<2x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<2x8x8x4xf32>
  return %0 : tensor<2x8x8x4xf32>
}

// CHECK-LABEL: func.func public @gather
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<6x3xf32>, %[[AI:[A-Za-z0-9_]+]]: tensor<4x1xi32>) -> tensor<4x3xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.gather"(%[[AA]], %[[AI]]) <{dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, indices_are_sorted = false, slice_sizes = array<i64: 1, 3>}> : (tensor<6x3xf32>, tensor<4x1xi32>) -> tensor<4x3xf32>
// CHECK: func.return %[[V0]] : tensor<4x3xf32>
func.func public @gather(%a: tensor<6x3xf32>, %i: tensor<4x1xi32>) -> tensor<4x3xf32> {
  %0 = "stablehlo.gather"(%a, %i) <{dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, indices_are_sorted = false, slice_sizes = array<i64: 1, 3>}> : (tensor<6x3xf32>, tensor<4x1xi32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
