// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// ops with regions: the pretty reduce/while forms and the generic forms JAX prints

// CHECK-LABEL: func.func public @reduce_applies
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<3x4xf32>) -> tensor<4xf32>
// CHECK: %[[VCST:[A-Za-z0-9_]+]] = "stablehlo.constant"() <{value = dense<0.000000e+00> : tensor<f32>}> : () -> tensor<f32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.reduce"(%[[AA]], %[[VCST]]) <{dimensions = array<i64: 0>}> ({
// CHECK: {{\^bb[0-9]+}}(%[[B1:[A-Za-z0-9_]+]]: tensor<f32>, %[[B2:[A-Za-z0-9_]+]]: tensor<f32>):
// CHECK: %[[V3:[A-Za-z0-9_]+]] = "stablehlo.add"(%[[B1]], %[[B2]]) : (tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK: "stablehlo.return"(%[[V3]]) : (tensor<f32>) -> ()
// CHECK: }) : (tensor<3x4xf32>, tensor<f32>) -> tensor<4xf32>
// CHECK: func.return %[[V0]] : tensor<4xf32>
func.func public @reduce_applies(%a: tensor<3x4xf32>) -> tensor<4xf32> {
  %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %0 = stablehlo.reduce(%a init: %cst) applies stablehlo.add across dimensions = [0] : (tensor<3x4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func public @reduce_region
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<3x4xf32>, %[[AB:[A-Za-z0-9_]+]]: tensor<3x4xi32>) -> (tensor<3xf32>, tensor<3xi32>)
// CHECK: %[[VCST:[A-Za-z0-9_]+]] = "stablehlo.constant"() <{value = dense<-1.000000e+03> : tensor<f32>}> : () -> tensor<f32>
// CHECK: %[[VC:[A-Za-z0-9_]+]] = "stablehlo.constant"() <{value = dense<0> : tensor<i32>}> : () -> tensor<i32>
// CHECK: %[[V0:[A-Za-z0-9_]+]], %[[V1:[A-Za-z0-9_]+]] = "stablehlo.reduce"(%[[AA]], %[[AB]], %[[VCST]], %[[VC]]) <{dimensions = array<i64: 1>}> ({
// CHECK: {{\^bb[0-9]+}}(%[[BX:[A-Za-z0-9_]+]]: tensor<f32>, %[[BI:[A-Za-z0-9_]+]]: tensor<i32>, %[[BY:[A-Za-z0-9_]+]]: tensor<f32>, %[[BJ:[A-Za-z0-9_]+]]: tensor<i32>):
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.compare"(%[[BX]], %[[BY]]) <{comparison_direction = #stablehlo.comparison_direction<GT>, compare_type = #stablehlo.comparison_type<FLOAT>}> : (tensor<f32>, tensor<f32>) -> tensor<i1>
// CHECK: %[[V3:[A-Za-z0-9_]+]] = "stablehlo.select"(%[[V2]], %[[BX]], %[[BY]]) : (tensor<i1>, tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK: %[[V4:[A-Za-z0-9_]+]] = "stablehlo.select"(%[[V2]], %[[BI]], %[[BJ]]) : (tensor<i1>, tensor<i32>, tensor<i32>) -> tensor<i32>
// CHECK: "stablehlo.return"(%[[V3]], %[[V4]]) : (tensor<f32>, tensor<i32>) -> ()
// CHECK: }) : (tensor<3x4xf32>, tensor<3x4xi32>, tensor<f32>, tensor<i32>) -> (tensor<3xf32>, tensor<3xi32>)
// CHECK: func.return %[[V0]], %[[V1]] : tensor<3xf32>, tensor<3xi32>
func.func public @reduce_region(%a: tensor<3x4xf32>, %b: tensor<3x4xi32>) -> (tensor<3xf32>, tensor<3xi32>) {
  %cst = stablehlo.constant dense<-1.000000e+03> : tensor<f32>
  %c = stablehlo.constant dense<0> : tensor<i32>
  %0:2 = stablehlo.reduce(%a init: %cst), (%b init: %c) across dimensions = [1] : (tensor<3x4xf32>, tensor<3x4xi32>, tensor<f32>, tensor<i32>) -> (tensor<3xf32>, tensor<3xi32>)
    reducer(%x: tensor<f32>, %y: tensor<f32>) (%i: tensor<i32>, %j: tensor<i32>) {
      %1 = stablehlo.compare GT, %x, %y, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
      %2 = stablehlo.select %1, %x, %y : tensor<i1>, tensor<f32>
      %3 = stablehlo.select %1, %i, %j : tensor<i1>, tensor<i32>
      stablehlo.return %2, %3 : tensor<f32>, tensor<i32>
    }
  return %0#0, %0#1 : tensor<3xf32>, tensor<3xi32>
}

// CHECK-LABEL: func.func public @while_loop
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[VC:[A-Za-z0-9_]+]] = "stablehlo.constant"() <{value = dense<0> : tensor<i32>}> : () -> tensor<i32>
// CHECK: %[[V0:[A-Za-z0-9_]+]], %[[V1:[A-Za-z0-9_]+]] = "stablehlo.while"(%[[VC]], %[[AA]]) ({
// CHECK: {{\^bb[0-9]+}}(%[[BITERARG:[A-Za-z0-9_]+]]: tensor<i32>, %[[BITERARG_1:[A-Za-z0-9_]+]]: tensor<3xf32>):
// CHECK: %[[VC_1:[A-Za-z0-9_]+]] = "stablehlo.constant"() <{value = dense<5> : tensor<i32>}> : () -> tensor<i32>
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.compare"(%[[BITERARG]], %[[VC_1]]) <{comparison_direction = #stablehlo.comparison_direction<LT>, compare_type = #stablehlo.comparison_type<SIGNED>}> : (tensor<i32>, tensor<i32>) -> tensor<i1>
// CHECK: "stablehlo.return"(%[[V2]]) : (tensor<i1>) -> ()
// CHECK: }, {
// CHECK: {{\^bb[0-9]+}}(%[[BITERARG_2:[A-Za-z0-9_]+]]: tensor<i32>, %[[BITERARG_3:[A-Za-z0-9_]+]]: tensor<3xf32>):
// CHECK: %[[VC_2:[A-Za-z0-9_]+]] = "stablehlo.constant"() <{value = dense<1> : tensor<i32>}> : () -> tensor<i32>
// CHECK: %[[V3:[A-Za-z0-9_]+]] = "stablehlo.add"(%[[BITERARG_2]], %[[VC_2]]) : (tensor<i32>, tensor<i32>) -> tensor<i32>
// CHECK: %[[V4:[A-Za-z0-9_]+]] = func.call @step(%[[BITERARG_3]]) : (tensor<3xf32>) -> tensor<3xf32>
// CHECK: "stablehlo.return"(%[[V3]], %[[V4]]) : (tensor<i32>, tensor<3xf32>) -> ()
// CHECK: }) : (tensor<i32>, tensor<3xf32>) -> (tensor<i32>, tensor<3xf32>)
// CHECK: func.return %[[V1]] : tensor<3xf32>
func.func public @while_loop(%a: tensor<3xf32>) -> tensor<3xf32> {
  %c = stablehlo.constant dense<0> : tensor<i32>
  %0:2 = stablehlo.while(%iterArg = %c, %iterArg_0 = %a) : tensor<i32>, tensor<3xf32>
  cond {
    %c_1 = stablehlo.constant dense<5> : tensor<i32>
    %1 = stablehlo.compare LT, %iterArg, %c_1, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
    stablehlo.return %1 : tensor<i1>
  } do {
    %c_1 = stablehlo.constant dense<1> : tensor<i32>
    %1 = stablehlo.add %iterArg, %c_1 : tensor<i32>
    %2 = func.call @step(%iterArg_0) : (tensor<3xf32>) -> tensor<3xf32>
    stablehlo.return %1, %2 : tensor<i32>, tensor<3xf32>
  }
  return %0#1 : tensor<3xf32>
}

// CHECK-LABEL: func.func private @step
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.multiply"(%[[AA]], %[[AA]]) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
// CHECK: func.return %[[V0]] : tensor<3xf32>
func.func private @step(%a: tensor<3xf32>) -> tensor<3xf32> {
  %0 = stablehlo.multiply %a, %a : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func public @sort
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<3x5xf32>) -> tensor<3x5xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.sort"(%[[AA]]) <{dimension = 1 : i64, is_stable = true}> ({
// CHECK: {{\^bb[0-9]+}}(%[[BX:[A-Za-z0-9_]+]]: tensor<f32>, %[[BY:[A-Za-z0-9_]+]]: tensor<f32>):
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.compare"(%[[BX]], %[[BY]]) <{comparison_direction = #stablehlo.comparison_direction<LT>, compare_type = #stablehlo.comparison_type<TOTALORDER>}> : (tensor<f32>, tensor<f32>) -> tensor<i1>
// CHECK: "stablehlo.return"(%[[V1]]) : (tensor<i1>) -> ()
// CHECK: }) : (tensor<3x5xf32>) -> tensor<3x5xf32>
// CHECK: func.return %[[V0]] : tensor<3x5xf32>
func.func public @sort(%a: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = "stablehlo.sort"(%a) <{dimension = 1 : i64, is_stable = true}> ({
  ^bb0(%x: tensor<f32>, %y: tensor<f32>):
    %1 = stablehlo.compare LT, %x, %y, TOTALORDER : (tensor<f32>, tensor<f32>) -> tensor<i1>
    stablehlo.return %1 : tensor<i1>
  }) : (tensor<3x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// CHECK-LABEL: func.func public @case
// CHECK-SAME: (%[[AI:[A-Za-z0-9_]+]]: tensor<i32>, %[[AA:[A-Za-z0-9_]+]]: tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.case"(%[[AI]]) ({
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.sine"(%[[AA]]) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK: "stablehlo.return"(%[[V1]]) : (tensor<4xf32>) -> ()
// CHECK: }, {
// CHECK: %[[V2:[A-Za-z0-9_]+]] = "stablehlo.cosine"(%[[AA]]) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK: "stablehlo.return"(%[[V2]]) : (tensor<4xf32>) -> ()
// CHECK: }) : (tensor<i32>) -> tensor<4xf32>
// CHECK: func.return %[[V0]] : tensor<4xf32>
func.func public @case(%i: tensor<i32>, %a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "stablehlo.case"(%i) ({
    %1 = stablehlo.sine %a : tensor<4xf32>
    stablehlo.return %1 : tensor<4xf32>
  }, {
    %1 = stablehlo.cosine %a : tensor<4xf32>
    stablehlo.return %1 : tensor<4xf32>
  }) : (tensor<i32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func public @scatter
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<6x3xf32>, %[[AI:[A-Za-z0-9_]+]]: tensor<3x1xi32>, %[[AU:[A-Za-z0-9_]+]]: tensor<3x3xf32>) -> tensor<6x3xf32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.scatter"(%[[AA]], %[[AI]], %[[AU]]) <{indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [1], inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>, unique_indices = false}> ({
// CHECK: {{\^bb[0-9]+}}(%[[BX:[A-Za-z0-9_]+]]: tensor<f32>, %[[BY:[A-Za-z0-9_]+]]: tensor<f32>):
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.add"(%[[BX]], %[[BY]]) : (tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK: "stablehlo.return"(%[[V1]]) : (tensor<f32>) -> ()
// CHECK: }) : (tensor<6x3xf32>, tensor<3x1xi32>, tensor<3x3xf32>) -> tensor<6x3xf32>
// CHECK: func.return %[[V0]] : tensor<6x3xf32>
func.func public @scatter(%a: tensor<6x3xf32>, %i: tensor<3x1xi32>, %u: tensor<3x3xf32>) -> tensor<6x3xf32> {
  %0 = "stablehlo.scatter"(%a, %i, %u) <{indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [1], inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>, unique_indices = false}> ({
  ^bb0(%x: tensor<f32>, %y: tensor<f32>):
    %1 = stablehlo.add %x, %y : tensor<f32>
    stablehlo.return %1 : tensor<f32>
  }) : (tensor<6x3xf32>, tensor<3x1xi32>, tensor<3x3xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// CHECK-LABEL: func.func public @reduce_window
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<2x6xf32>) -> tensor<2x3xf32>
// CHECK: %[[VCST:[A-Za-z0-9_]+]] = "stablehlo.constant"() <{value = dense<0.000000e+00> : tensor<f32>}> : () -> tensor<f32>
// CHECK: %[[V0:[A-Za-z0-9_]+]] = "stablehlo.reduce_window"(%[[AA]], %[[VCST]]) <{padding = dense<0> : tensor<2x2xi64>, window_dimensions = array<i64: 1, 2>, window_strides = array<i64: 1, 2>}> ({
// CHECK: {{\^bb[0-9]+}}(%[[BX:[A-Za-z0-9_]+]]: tensor<f32>, %[[BY:[A-Za-z0-9_]+]]: tensor<f32>):
// CHECK: %[[V1:[A-Za-z0-9_]+]] = "stablehlo.add"(%[[BX]], %[[BY]]) : (tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK: "stablehlo.return"(%[[V1]]) : (tensor<f32>) -> ()
// CHECK: }) : (tensor<2x6xf32>, tensor<f32>) -> tensor<2x3xf32>
// CHECK: func.return %[[V0]] : tensor<2x3xf32>
func.func public @reduce_window(%a: tensor<2x6xf32>) -> tensor<2x3xf32> {
  %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %0 = "stablehlo.reduce_window"(%a, %cst) <{padding = dense<0> : tensor<2x2xi64>, window_dimensions = array<i64: 1, 2>, window_strides = array<i64: 1, 2>}> ({
  ^bb0(%x: tensor<f32>, %y: tensor<f32>):
    %1 = stablehlo.add %x, %y : tensor<f32>
    stablehlo.return %1 : tensor<f32>
  }) : (tensor<2x6xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func public @top_k
// CHECK-SAME: (%[[AA:[A-Za-z0-9_]+]]: tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xi32>)
// CHECK: %[[VVALUES:[A-Za-z0-9_]+]], %[[VINDICES:[A-Za-z0-9_]+]] = "chlo.top_k"(%[[AA]]) <{k = 3 : i64}> : (tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xi32>)
// CHECK: func.return %[[VVALUES]], %[[VINDICES]] : tensor<2x3xf32>, tensor<2x3xi32>
func.func public @top_k(%a: tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xi32>) {
  %values, %indices = chlo.top_k(%a, k = 3) : tensor<2x6xf32> -> (tensor<2x3xf32>, tensor<2x3xi32>)
  return %values, %indices : tensor<2x3xf32>, tensor<2x3xi32>
}
