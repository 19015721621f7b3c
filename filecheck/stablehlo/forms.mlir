// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// forms beyond the JAX fixtures (hand-written in JAX's syntax): rng_bit_generator, interior pad,
// dilated reduce_window, transposed and batch-grouped convolution, sort of values by keys, gather and
// scatter with batching dims

// CHECK-LABEL: func.func public @rng
// CHECK-SAME: (%[[AS:[A-Za-z0-9_]+]]: tensor<2xui64>, %[[AT:[A-Za-z0-9_]+]]: tensor<3xui64>)
// CHECK: %[[S1:[A-Za-z0-9_]+]], %[[B1:[A-Za-z0-9_]+]] = "stablehlo.rng_bit_generator"(%[[AS]]) <{rng_algorithm = #stablehlo.rng_algorithm<THREE_FRY>}> : (tensor<2xui64>) -> (tensor<2xui64>, tensor<2x3xui32>)
// CHECK: %{{[A-Za-z0-9_]+}}, %[[B2:[A-Za-z0-9_]+]] = "stablehlo.rng_bit_generator"(%[[AT]]) <{rng_algorithm = #stablehlo.rng_algorithm<PHILOX>}> : (tensor<3xui64>) -> (tensor<3xui64>, tensor<4xf32>)
// CHECK: func.return %[[S1]], %[[B1]], %[[B2]]
func.func public @rng(%s: tensor<2xui64>, %t: tensor<3xui64>) -> (tensor<2xui64>, tensor<2x3xui32>, tensor<4xf32>) {
  %0, %1 = stablehlo.rng_bit_generator %s, algorithm = THREE_FRY : (tensor<2xui64>) -> (tensor<2xui64>, tensor<2x3xui32>)
  %2, %3 = "stablehlo.rng_bit_generator"(%t) <{rng_algorithm = #stablehlo<rng_algorithm PHILOX>}> : (tensor<3xui64>) -> (tensor<3xui64>, tensor<4xf32>)
  return %0, %1, %3 : tensor<2xui64>, tensor<2x3xui32>, tensor<4xf32>
}

// CHECK-LABEL: func.func public @pad_interior
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<3x4xf32>, %[[AV:[A-Za-z0-9_]+]]: tensor<f32>)
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.pad"(%[[AA]], %[[AV]]) <{edge_padding_low = array<i64: -1, 2>, edge_padding_high = array<i64: 2, 1>, interior_padding = array<i64: 1, 1>}> : (tensor<3x4xf32>, tensor<f32>) -> tensor<6x10xf32>
// CHECK: func.return %[[V0]]
func.func public @pad_interior(%a: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<6x10xf32> {
  %0 = stablehlo.pad %a, %v, low = [-1, 2], high = [2, 1], interior = [1, 1] : (tensor<3x4xf32>, tensor<f32>) -> tensor<6x10xf32>
  return %0 : tensor<6x10xf32>
}

// CHECK-LABEL: func.func public @reduce_window_dilated
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<3x5xf32>)
// CHECK: %[[VC:[A-Za-z0-9_]+]] = "stablehlo.constant"() <{value = dense<0.000000e+00> : tensor<f32>}> : () -> tensor<f32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.reduce_window"(%[[AA]], %[[VC]]) <{base_dilations = array<i64: 2, 1>, padding = dense<{{\[\[}}1, 0], [0, 1]]> : tensor<2x2xi64>, window_dilations = array<i64: 1, 2>, window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 1, 2>}> ({
// CHECK: {{\^bb[0-9]+}}(%[[BX:[A-Za-z0-9_]+]]: tensor<f32>, %[[BY:[A-Za-z0-9_]+]]: tensor<f32>):
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.add"(%[[BX]], %[[BY]])
// CHECK: "stablehlo.return"(%[[V1]]) : (tensor<f32>) -> ()
// CHECK: }) : (tensor<3x5xf32>, tensor<f32>) -> tensor<5x2xf32>
// CHECK: func.return %[[V0]]
func.func public @reduce_window_dilated(%a: tensor<3x5xf32>) -> tensor<5x2xf32> {
  %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %0 = "stablehlo.reduce_window"(%a, %cst) <{base_dilations = array<i64: 2, 1>, padding = dense<[[1, 0], [0, 1]]> : tensor<2x2xi64>, window_dilations = array<i64: 1, 2>, window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 1, 2>}> ({
  ^bb0(%x: tensor<f32>, %y: tensor<f32>):
    %1 = stablehlo.add %x, %y : tensor<f32>
    stablehlo.return %1 : tensor<f32>
  }) : (tensor<3x5xf32>, tensor<f32>) -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// CHECK-LABEL: func.func public @conv_transposed
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<2x3x5xf32>, %[[AW:[A-Za-z0-9_]+]]: tensor<4x3x3xf32>)
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.convolution"(%[[AA]], %[[AW]]) <{dimension_numbers = #stablehlo.conv<[b, f, 0]x[o, i, 0]->[b, f, 0]>, window_strides = array<i64: 1>, padding = dense<2> : tensor<1x2xi64>, lhs_dilation = array<i64: 2>, rhs_dilation = array<i64: 1>, window_reversal = array<i64: 1>, batch_group_count = 1 : i64, feature_group_count = 1 : i64}> : (tensor<2x3x5xf32>, tensor<4x3x3xf32>) -> tensor<2x4x11xf32>
// CHECK: func.return %[[V0]]
func.func public @conv_transposed(%a: tensor<2x3x5xf32>, %w: tensor<4x3x3xf32>) -> tensor<2x4x11xf32> {
  %0 = stablehlo.convolution(%a, %w) dim_numbers = [b, f, 0]x[o, i, 0]->[b, f, 0], window = {stride = [1], pad = [[2, 2]], lhs_dilate = [2], rhs_dilate = [1], reverse = [true]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<2x3x5xf32>, tensor<4x3x3xf32>) -> tensor<2x4x11xf32>
  return %0 : tensor<2x4x11xf32>
}

// CHECK-LABEL: func.func public @conv_batch_groups
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<4x6x3x2xf32>, %[[AW:[A-Za-z0-9_]+]]: tensor<2x2x2x4xf32>)
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.convolution"(%[[AA]], %[[AW]]) <{dimension_numbers = #stablehlo.conv<[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]>, window_strides = array<i64: 2, 1>, rhs_dilation = array<i64: 2, 1>, batch_group_count = 2 : i64, feature_group_count = 1 : i64}> : (tensor<4x6x3x2xf32>, tensor<2x2x2x4xf32>) -> tensor<2x2x2x4xf32>
// CHECK: func.return %[[V0]]
func.func public @conv_batch_groups(%a: tensor<4x6x3x2xf32>, %w: tensor<2x2x2x4xf32>) -> tensor<2x2x2x4xf32> {
  %0 = stablehlo.convolution(%a, %w) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [2, 1], rhs_dilate = [2, 1]} {batch_group_count = 2 : i64, feature_group_count = 1 : i64} : (tensor<4x6x3x2xf32>, tensor<2x2x2x4xf32>) -> tensor<2x2x2x4xf32>
  return %0 : tensor<2x2x2x4xf32>
}

// CHECK-LABEL: func.func public @sort_by_keys
// CHECK-SAME: (%[[AK:[A-Za-z0-9_]+]]: tensor<5xf32>, %[[AV:[A-Za-z0-9_]+]]: tensor<5xi32>)
// CHECK: %[[V0:[A-Za-z0-9_]+]], %[[V1:[A-Za-z0-9_]+]] = "stablehlo.sort"(%[[AK]], %[[AV]]) <{dimension = 0 : i64, is_stable = true}> ({
// CHECK: {{\^bb[0-9]+}}(%[[BA:[A-Za-z0-9_]+]]: tensor<f32>, %[[BB:[A-Za-z0-9_]+]]: tensor<f32>, %{{[A-Za-z0-9_]+}}: tensor<i32>, %{{[A-Za-z0-9_]+}}: tensor<i32>):
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.compare"(%[[BA]], %[[BB]]) <{comparison_direction = #stablehlo.comparison_direction<GT>, compare_type = #stablehlo.comparison_type<TOTALORDER>}>
// CHECK: "stablehlo.return"(%[[V2]]) : (tensor<i1>) -> ()
// CHECK: }) : (tensor<5xf32>, tensor<5xi32>) -> (tensor<5xf32>, tensor<5xi32>)
// CHECK: func.return %[[V0]], %[[V1]]
func.func public @sort_by_keys(%k: tensor<5xf32>, %v: tensor<5xi32>) -> (tensor<5xf32>, tensor<5xi32>) {
  %0:2 = "stablehlo.sort"(%k, %v) <{dimension = 0 : i64, is_stable = true}> ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>, %c: tensor<i32>, %d: tensor<i32>):
    %1 = stablehlo.compare GT, %a, %b, TOTALORDER : (tensor<f32>, tensor<f32>) -> tensor<i1>
    stablehlo.return %1 : tensor<i1>
  }) : (tensor<5xf32>, tensor<5xi32>) -> (tensor<5xf32>, tensor<5xi32>)
  return %0#0, %0#1 : tensor<5xf32>, tensor<5xi32>
}

// CHECK-LABEL: func.func public @batched_gather_scatter
// CHECK-SAME: (%[[AX:[A-Za-z0-9_]+]]: tensor<3x5xf32>, %[[AI:[A-Za-z0-9_]+]]: tensor<3x2x1xi32>, %[[AU:[A-Za-z0-9_]+]]: tensor<3x2xf32>)
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.gather"(%[[AX]], %[[AI]]) <{dimension_numbers = #stablehlo.gather<collapsed_slice_dims = [1], operand_batching_dims = [0], start_indices_batching_dims = [0], start_index_map = [1], index_vector_dim = 2>, indices_are_sorted = false, slice_sizes = array<i64: 1, 1>}> : (tensor<3x5xf32>, tensor<3x2x1xi32>) -> tensor<3x2xf32>
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.scatter"(%[[AX]], %[[AI]], %[[AU]]) <{indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = [1], input_batching_dims = [0], scatter_indices_batching_dims = [0], scatter_dims_to_operand_dims = [1], index_vector_dim = 2>, unique_indices = false}> ({
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.add"
// CHECK: "stablehlo.return"(%[[V2]]) : (tensor<f32>) -> ()
// CHECK: }) : (tensor<3x5xf32>, tensor<3x2x1xi32>, tensor<3x2xf32>) -> tensor<3x5xf32>
// CHECK: func.return %[[V0]], %[[V1]]
func.func public @batched_gather_scatter(%x: tensor<3x5xf32>, %i: tensor<3x2x1xi32>, %u: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x5xf32>) {
  %0 = "stablehlo.gather"(%x, %i) <{dimension_numbers = #stablehlo.gather<collapsed_slice_dims = [1], operand_batching_dims = [0], start_indices_batching_dims = [0], start_index_map = [1], index_vector_dim = 2>, indices_are_sorted = false, slice_sizes = array<i64: 1, 1>}> : (tensor<3x5xf32>, tensor<3x2x1xi32>) -> tensor<3x2xf32>
  %1 = "stablehlo.scatter"(%x, %i, %u) <{indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = [1], input_batching_dims = [0], scatter_indices_batching_dims = [0], scatter_dims_to_operand_dims = [1], index_vector_dim = 2>, unique_indices = false}> ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %2 = stablehlo.add %a, %b : tensor<f32>
    stablehlo.return %2 : tensor<f32>
  }) : (tensor<3x5xf32>, tensor<3x2x1xi32>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<3x5xf32>
}
