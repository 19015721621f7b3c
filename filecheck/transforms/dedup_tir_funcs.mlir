// RUN: tensorforge-opt %s -p tir-dedup-funcs --split-input-file | filecheck %s

// @relu_1 is @relu with other SSA names: its call goes to @relu and it is erased;
// @scale differs (a mul) and stays.
// CHECK-LABEL: graph.func @main
// CHECK: %[[A:.*]] = graph.call_tir @relu(%x)
// CHECK: %[[B:.*]] = graph.call_tir @relu(%[[A]])
// CHECK: graph.call_tir @scale(%[[B]])
// CHECK-NOT: tir.func @relu_1
// CHECK-LABEL: tir.func @relu(
// CHECK-LABEL: tir.func @scale(
// CHECK-NOT: tir.func @relu_1
graph.func @main(%x: !graph.tensor<[4], f32>) -> (y: !graph.tensor<[4], f32>) {
  %a = graph.call_tir @relu(%x) : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  %b = graph.call_tir @relu_1(%a) : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  %c = graph.call_tir @scale(%b) : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %c : !graph.tensor<[4], f32>
}
tir.func @relu(%in0: !tir.buffer<[4], f32>, %out: !tir.buffer<[4], f32>) {
  tir.for i in range(4) {
    tir.block "T_relu" (vi = spatial(4, i)) reads(%in0[vi]) writes(%out[vi]) {
      %0 = tir.load %in0[vi] : f32
      %1 = arith.constant 0.000000e+00 : f32
      %2 = arith.maximumf %0, %1 : f32
      tir.store %2, %out[vi]
    }
  }
  tir.return
}
tir.func @relu_1(%p: !tir.buffer<[4], f32>, %q: !tir.buffer<[4], f32>) {
  tir.for i in range(4) {
    tir.block "T_relu" (vi = spatial(4, i)) reads(%p[vi]) writes(%q[vi]) {
      %v = tir.load %p[vi] : f32
      %zero = arith.constant 0.000000e+00 : f32
      %m = arith.maximumf %v, %zero : f32
      tir.store %m, %q[vi]
    }
  }
  tir.return
}
tir.func @scale(%in0: !tir.buffer<[4], f32>, %out: !tir.buffer<[4], f32>) {
  tir.for i in range(4) {
    tir.block "T_relu" (vi = spatial(4, i)) reads(%in0[vi]) writes(%out[vi]) {
      %0 = tir.load %in0[vi] : f32
      %1 = arith.constant 0.000000e+00 : f32
      %2 = arith.mulf %0, %1 : f32
      tir.store %2, %out[vi]
    }
  }
  tir.return
}

// -----

// Kernels that no graph.call_tir calls are entry points: identical or not, they stay.
// CHECK-LABEL: tir.func @k1(
// CHECK-LABEL: tir.func @k2(
tir.func @k1(%in0: !tir.buffer<[4], f32>, %out: !tir.buffer<[4], f32>) {
  tir.for i in range(4) {
    tir.block "copy" (vi = spatial(4, i)) reads(%in0[vi]) writes(%out[vi]) {
      %0 = tir.load %in0[vi] : f32
      tir.store %0, %out[vi]
    }
  }
  tir.return
}
tir.func @k2(%in0: !tir.buffer<[4], f32>, %out: !tir.buffer<[4], f32>) {
  tir.for i in range(4) {
    tir.block "copy" (vi = spatial(4, i)) reads(%in0[vi]) writes(%out[vi]) {
      %0 = tir.load %in0[vi] : f32
      tir.store %0, %out[vi]
    }
  }
  tir.return
}
