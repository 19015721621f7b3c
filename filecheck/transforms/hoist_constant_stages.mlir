// RUN: tensorforge-opt %s -p tir-hoist-constant-stages --split-input-file | filecheck %s

// The packing of a constant weight (a transpose into %w_packed) moves into a
// kernel of its own, called on the constant; the kernel reads the packed
// buffer as a new input and no longer takes the weight.
// CHECK-LABEL: graph.func @dense
// CHECK: %[[W:.*]] = graph.constant
// CHECK: %[[P:.*]] = graph.call_tir @k_w_packed(%[[W]]) : (!graph.tensor<[4, 2], f32>) -> !graph.tensor<[2, 4], f32>
// CHECK: graph.call_tir @k(%x, %[[P]]) : (!graph.tensor<[3, 2], f32>, !graph.tensor<[2, 4], f32>) -> !graph.tensor<[3, 4], f32>
// CHECK-LABEL: tir.func @k(%x: !tir.buffer<[3, 2], f32>, %w_packed: !tir.buffer<[2, 4], f32>, %y: !tir.buffer<[3, 4], f32>)
// CHECK-NOT: tir.alloc
// CHECK: reads(%x[ui, uk], %w_packed[uk, uj])
// CHECK-LABEL: tir.func @k_w_packed(%w: !tir.buffer<[4, 2], f32>, %w_packed: !tir.buffer<[2, 4], f32>)
// CHECK: tir.block "pack" {{.*}} reads(%w[vj, vk]) writes(%w_packed[vk, vj])
graph.func @dense(%x: !graph.tensor<[3, 2], f32>) -> (y: !graph.tensor<[3, 4], f32>) {
  %w = graph.constant dense<5.000000e-01> : tensor<4x2xf32> : !graph.tensor<[4, 2], f32>
  %y = graph.call_tir @k(%x, %w) : (!graph.tensor<[3, 2], f32>, !graph.tensor<[4, 2], f32>) -> !graph.tensor<[3, 4], f32>
  graph.return %y : !graph.tensor<[3, 4], f32>
}
tir.func @k(%x: !tir.buffer<[3, 2], f32>, %w: !tir.buffer<[4, 2], f32>, %y: !tir.buffer<[3, 4], f32>) {
  %w_packed = tir.alloc : !tir.buffer<[2, 4], f32>
  tir.for j in range(4) {
    tir.for k in range(2) {
      tir.block "pack" (vj = spatial(4, j), vk = spatial(2, k)) reads(%w[vj, vk]) writes(%w_packed[vk, vj]) {
        %0 = tir.load %w[vj, vk] : f32
        tir.store %0, %w_packed[vk, vj]
      }
    }
  }
  tir.for i in range(3) {
    tir.for j2 in range(4) {
      tir.for k2 in range(2) {
        tir.block "y" (ui = spatial(3, i), uj = spatial(4, j2), uk = reduce(2, k2)) reads(%x[ui, uk], %w_packed[uk, uj]) writes(%y[ui, uj]) {
          %1 = tir.load %y[ui, uj] : f32
          %2 = tir.load %x[ui, uk] : f32
          %3 = tir.load %w_packed[uk, uj] : f32
          %4 = arith.mulf %2, %3 : f32
          %5 = arith.addf %1, %4 : f32
          tir.store %5, %y[ui, uj]
        }
      }
    }
  }
  tir.return
}

// -----

// A weight that is a function argument (not a constant) is packed per call: unchanged.
// CHECK-LABEL: graph.func @runtime_weight
// CHECK-NEXT: graph.call_tir @k(%x, %w)
// CHECK-LABEL: tir.func @k
// CHECK: tir.alloc
// CHECK: tir.block "pack"
// CHECK-NOT: tir.func
graph.func @runtime_weight(%x: !graph.tensor<[3, 2], f32>, %w: !graph.tensor<[4, 2], f32>) -> (y: !graph.tensor<[3, 4], f32>) {
  %y = graph.call_tir @k(%x, %w) : (!graph.tensor<[3, 2], f32>, !graph.tensor<[4, 2], f32>) -> !graph.tensor<[3, 4], f32>
  graph.return %y : !graph.tensor<[3, 4], f32>
}
tir.func @k(%x: !tir.buffer<[3, 2], f32>, %w: !tir.buffer<[4, 2], f32>, %y: !tir.buffer<[3, 4], f32>) {
  %w_packed = tir.alloc : !tir.buffer<[2, 4], f32>
  tir.for j in range(4) {
    tir.for k in range(2) {
      tir.block "pack" (vj = spatial(4, j), vk = spatial(2, k)) reads(%w[vj, vk]) writes(%w_packed[vk, vj]) {
        %0 = tir.load %w[vj, vk] : f32
        tir.store %0, %w_packed[vk, vj]
      }
    }
  }
  tir.for i in range(3) {
    tir.for j2 in range(4) {
      tir.for k2 in range(2) {
        tir.block "y" (ui = spatial(3, i), uj = spatial(4, j2), uk = reduce(2, k2)) reads(%x[ui, uk], %w_packed[uk, uj]) writes(%y[ui, uj]) {
          %1 = tir.load %y[ui, uj] : f32
          %2 = tir.load %x[ui, uk] : f32
          %3 = tir.load %w_packed[uk, uj] : f32
          %4 = arith.mulf %2, %3 : f32
          %5 = arith.addf %1, %4 : f32
          tir.store %5, %y[ui, uj]
        }
      }
    }
  }
  tir.return
}

// -----

// A stage that also reads the run-time input stays in the kernel (and so does the constant).
// CHECK-LABEL: graph.func @mixed
// CHECK-NEXT: %[[W:.*]] = graph.constant
// CHECK-NEXT: graph.call_tir @k(%x, %[[W]])
// CHECK-NOT: tir.func @k_
graph.func @mixed(%x: !graph.tensor<[4, 2], f32>) -> (y: !graph.tensor<[4, 2], f32>) {
  %w = graph.constant dense<5.000000e-01> : tensor<4x2xf32> : !graph.tensor<[4, 2], f32>
  %y = graph.call_tir @k(%x, %w) : (!graph.tensor<[4, 2], f32>, !graph.tensor<[4, 2], f32>) -> !graph.tensor<[4, 2], f32>
  graph.return %y : !graph.tensor<[4, 2], f32>
}
tir.func @k(%x: !tir.buffer<[4, 2], f32>, %w: !tir.buffer<[4, 2], f32>, %y: !tir.buffer<[4, 2], f32>) {
  %t = tir.alloc : !tir.buffer<[4, 2], f32>
  tir.for i in range(4) {
    tir.for j in range(2) {
      tir.block "t" (vi = spatial(4, i), vj = spatial(2, j)) reads(%w[vi, vj], %x[vi, vj]) writes(%t[vi, vj]) {
        %0 = tir.load %w[vi, vj] : f32
        %1 = tir.load %x[vi, vj] : f32
        %2 = arith.addf %0, %1 : f32
        tir.store %2, %t[vi, vj]
      }
    }
  }
  tir.for i2 in range(4) {
    tir.for j2 in range(2) {
      tir.block "y" (ui = spatial(4, i2), uj = spatial(2, j2)) reads(%t[ui, uj]) writes(%y[ui, uj]) {
        %3 = tir.load %t[ui, uj] : f32
        tir.store %3, %y[ui, uj]
      }
    }
  }
  tir.return
}
