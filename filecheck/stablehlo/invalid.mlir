// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @shapes(%a: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<3xf32> {
  %0 = "stablehlo.add"(%a, %b) : (tensor<3xf32>, tensor<4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
// CHECK: 'stablehlo.add' op operand shapes [3] and [4] differ (StableHLO does not broadcast)

// -----

func.func @compare_result(%a: tensor<3xf32>) -> tensor<3xf32> {
  %0 = stablehlo.compare LT, %a, %a, FLOAT : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
// CHECK: 'stablehlo.compare' op result element type must be i1, got f32

// -----

func.func @compare_shapes(%a: tensor<3xf32>, %b: tensor<2xf32>) -> tensor<3xi1> {
  %0 = stablehlo.compare LT, %a, %b : (tensor<3xf32>, tensor<2xf32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}
// CHECK: 'stablehlo.compare' op operand shapes [3] and [2] differ

// -----

func.func @broadcast_rank(%a: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = stablehlo.broadcast_in_dim %a, dims = [0, 1] : (tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
// CHECK: 'stablehlo.broadcast_in_dim' op broadcast_dimensions [0, 1] must have one entry per operand dim (1)

// -----

func.func @broadcast_range(%a: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = stablehlo.broadcast_in_dim %a, dims = [2] : (tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
// CHECK: 'stablehlo.broadcast_in_dim' op broadcast dimension 2 is out of range for a rank-2 result

// -----

func.func @broadcast_size(%a: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = stablehlo.broadcast_in_dim %a, dims = [0] : (tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
// CHECK: 'stablehlo.broadcast_in_dim' op operand dim 0 (size 3) cannot broadcast to result dim 0 (size 2)

// -----

func.func @transpose_perm(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = stablehlo.transpose %a, dims = [1, 1] : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
// CHECK: 'stablehlo.transpose' op permutation [1, 1] is not a permutation of 0..1

// -----

func.func @transpose_shape(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = stablehlo.transpose %a, dims = [1, 0] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
// CHECK: 'stablehlo.transpose' op result shape [2, 3] should be [3, 2]

// -----

func.func @concat_dim(%a: tensor<2xf32>) -> tensor<4xf32> {
  %0 = stablehlo.concatenate %a, %a, dim = 1 : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
// CHECK: 'stablehlo.concatenate' op dimension 1 is out of range for rank 1

// -----

func.func @reduce_dims(%a: tensor<3x4xf32>) -> tensor<4xf32> {
  %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %0 = stablehlo.reduce(%a init: %cst) applies stablehlo.add across dimensions = [2] : (tensor<3x4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
// CHECK: 'stablehlo.reduce' op dimensions [2] must be distinct dims of a rank-2 input

// -----

func.func @reduce_body(%a: tensor<3x4xf32>) -> tensor<4xf32> {
  %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %0 = "stablehlo.reduce"(%a, %cst) <{dimensions = array<i64: 0>}> ({
  ^bb0(%x: tensor<f32>):
    stablehlo.return %x : tensor<f32>
  }) : (tensor<3x4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
// CHECK: 'stablehlo.reduce' op the body takes 1 arguments, expected 2

// -----

func.func @custom_call(%a: tensor<3xf32>) -> tensor<3xf32> {
  %0 = stablehlo.custom_call @my_kernel(%a) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
// CHECK: 'stablehlo.custom_call' op unsupported custom_call target 'my_kernel' (known targets: Sharding, SPMDFullToShardShape, SPMDShardToFullShape, mhlo.erf, mhlo.tan)

// -----

func.func @pad_shape(%a: tensor<3xf32>, %v: tensor<f32>) -> tensor<5xf32> {
  %0 = stablehlo.pad %a, %v, low = [0], high = [1], interior = [1] : (tensor<3xf32>, tensor<f32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}
// CHECK: 'stablehlo.pad' op result shape [5] should be [6]

// -----

func.func @reduce_window_shape(%a: tensor<4xf32>) -> tensor<4xf32> {
  %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %0 = "stablehlo.reduce_window"(%a, %cst) <{base_dilations = array<i64: 2>, window_dimensions = array<i64: 3>, window_strides = array<i64: 2>}> ({
  ^bb0(%x: tensor<f32>, %y: tensor<f32>):
    %1 = stablehlo.add %x, %y : tensor<f32>
    stablehlo.return %1 : tensor<f32>
  }) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
// CHECK: 'stablehlo.reduce_window' op result shape [4] should be [3]

// -----

func.func @rng_state(%s: tensor<3xui64>) -> tensor<4xui32> {
  %0, %1 = stablehlo.rng_bit_generator %s, algorithm = THREE_FRY : (tensor<3xui64>) -> (tensor<3xui64>, tensor<4xui32>)
  return %1 : tensor<4xui32>
}
// CHECK: 'stablehlo.rng_bit_generator' op THREE_FRY needs a rank-1 state of 2 words, got tensor<3xui64>

