// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s

graph.func @f(%x: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[2], f32>, r: !graph.tensor<[2], f32>) {
  graph.return %x, %x : !graph.tensor<[2], f32>, !graph.tensor<[2], f32>
}
// CHECK: 'graph.func' op @f has duplicate result names: r

// -----

graph.func @f(%x: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[3], f32>) {
  graph.return %x : !graph.tensor<[2], f32>
}
// CHECK: 'graph.return' op result #0 of @f dim 0 is 2, expected 3

// -----

graph.func @f(%x: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[2], f32>) {
  graph.return
}
// CHECK: 'graph.return' op returns 0 values but @f declares 1 results

// -----

graph.func @f(%x: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[2], f32>) {
  %0 = graph.call @nope(%x) : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.call' op '@nope' could not be found in the symbol table

// -----

graph.func @f(%x: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[2], f32>) {
  %0 = graph.call @g(%x, %x) : (!graph.tensor<[2], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
graph.func @g(%y: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[2], f32>) {
  graph.return %y : !graph.tensor<[2], f32>
}
// CHECK: 'graph.call' op @g takes 1 arguments, got 2

// -----

graph.func @f(%x: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[2], f32>, s: !graph.tensor<[2], f32>) {
  %0 = graph.call @g(%x) : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  graph.return %0, %0 : !graph.tensor<[2], f32>, !graph.tensor<[2], f32>
}
graph.func @g(%y: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[2], f32>, s: !graph.tensor<[2], f32>) {
  graph.return %y, %y : !graph.tensor<[2], f32>, !graph.tensor<[2], f32>
}
// CHECK: 'graph.call' op @g returns 2 results, got 1

// -----

graph.func @f(%x: !graph.tensor<[3], f32>) -> (r: !graph.tensor<[3], f32>) {
  %0 = graph.call @g(%x) : (!graph.tensor<[3], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
graph.func @g(%y: !graph.tensor<[2], f32>) -> (r: !graph.tensor<[2], f32>) {
  graph.return %y : !graph.tensor<[2], f32>
}
// CHECK: 'graph.call' op argument #0 of @g dim 0 is 3, expected 2

// -----

graph.func @f(%x: !graph.tensor<[3], i32>) -> (r: !graph.tensor<[3], i32>) {
  %0 = graph.call @g(%x) : (!graph.tensor<[3], i32>) -> !graph.tensor<[3], i32>
  graph.return %0 : !graph.tensor<[3], i32>
}
graph.func @g(%y: !graph.tensor<[n], f32>) -> (r: !graph.tensor<[n], f32>) {
  graph.return %y : !graph.tensor<[n], f32>
}
// CHECK: 'graph.call' op argument #0 of @g has type !graph.tensor<[3], i32>, expected !graph.tensor<[n], f32>

// -----

graph.func @f() -> (r: !graph.tensor<[n], f32>) {
  %c = graph.constant dense<[1.0, 2.0]> : tensor<2xf32> : !graph.tensor<[n], f32>
  graph.return %c : !graph.tensor<[n], f32>
}
// CHECK: 'graph.constant' op constant must have a static shape, got !graph.tensor<[n], f32>

// -----

graph.func @f() -> (r: !graph.tensor<[3], f32>) {
  %c = graph.constant dense<[1.0, 2.0]> : tensor<2xf32> : !graph.tensor<[3], f32>
  graph.return %c : !graph.tensor<[3], f32>
}
// CHECK: 'graph.constant' op value of type tensor<2xf32> does not match result type !graph.tensor<[3], f32>

// -----

graph.func @f() -> (r: !graph.tensor<[3], f32>) {
  %p = graph.param "" : !graph.tensor<[3], f32>
  graph.return %p : !graph.tensor<[3], f32>
}
// CHECK: 'graph.param' op parameter name must not be empty
