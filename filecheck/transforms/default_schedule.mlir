// RUN: tensorforge-opt %s -p graph-lower-to-tensorir,tir-default-schedule | filecheck %s
// RUN: tensorforge-opt %s -p 'graph-lower-to-tensorir,tir-default-schedule{threads=1}' | filecheck %s --check-prefix=ONE
// RUN: tensorforge-opt %s -p 'graph-lower-to-tensorir,tir-default-schedule{print-traces=true}' 2>&1 >/dev/null | filecheck %s --check-prefix=TRACE
// RUN: not tensorforge-opt %s -p 'tir-default-schedule{threads=-1}' 2>&1 | filecheck %s --check-prefix=BAD

// A matmul gets a parallel tile loop and a vectorized register tile; an
// elementwise function a fused parallel loop and a vectorized inner loop.
// CHECK-LABEL: tir.func @matmul
// CHECK: tir.for {{.*}} parallel
// CHECK: tir.block "T_matmul_init"
// CHECK: tir.for {{.*}} in range(32) vectorized
// CHECK: tir.block "T_matmul"
// ONE-LABEL: tir.func @matmul
// ONE-NOT: parallel
// ONE: tir.return
// TRACE: func @matmul
// TRACE: split
// BAD: tir-default-schedule: threads must be >= 0, got -1
graph.func @mm(%x: !graph.tensor<[256, 64], f32>, %w: !graph.tensor<[64, 32], f32>) -> (y: !graph.tensor<[256, 32], f32>) {
  %y = graph.matmul %x, %w : (!graph.tensor<[256, 64], f32>, !graph.tensor<[64, 32], f32>) -> !graph.tensor<[256, 32], f32>
  graph.return %y : !graph.tensor<[256, 32], f32>
}

// CHECK-LABEL: tir.func @relu
// CHECK: tir.for {{.*}} parallel
// CHECK: vectorized
// CHECK: arith.maximumf
graph.func @ew(%x: !graph.tensor<[512, 256], f32>) -> (y: !graph.tensor<[512, 256], f32>) {
  %y = graph.relu %x : (!graph.tensor<[512, 256], f32>) -> !graph.tensor<[512, 256], f32>
  graph.return %y : !graph.tensor<[512, 256], f32>
}
