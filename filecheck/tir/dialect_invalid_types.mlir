// RUN: tensorforge-opt %s --split-input-file --parsing-diagnostics | filecheck %s

tir.func @f(%A: !tir.buffer<[n], f32, texture>) {
  tir.return
}
// CHECK: tir.buffer: unknown scope 'texture' (expected one of global, shared, local)

// -----

tir.func @f(%A: !tir.buffer<[n], f32, global, [1, 1]>) {
  tir.return
}
// CHECK: tir.buffer: 2 strides for rank 1

// -----

tir.func @f(%A: !tir.buffer<[n], i7>) {
  tir.return
}
// CHECK: tir.buffer: unsupported element type i7
