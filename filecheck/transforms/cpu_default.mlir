// RUN: tensorforge-opt %s -p cpu-default | filecheck %s
// RUN: tensorforge-opt %s -p cpu-default -t llvm | filecheck %s --check-prefix=LLVM

// The named pipeline `cpu-default`: optimize, fuse (matmul + bias + relu in one
// kernel), lower, schedule; `-t llvm` prints the kernels and the entry point.
// CHECK-LABEL: graph.func @main
// CHECK-NEXT: %[[Y:.*]] = graph.call_tir @main_fused_0(%x, %w, %b)
// CHECK-NEXT: graph.return %[[Y]]
// CHECK-LABEL: tir.func @main_fused_0
// CHECK: parallel
// CHECK: vectorized
// LLVM-DAG: define void @"main_fused_0"(
// LLVM-DAG: call {{.*}}void @"GOMP_parallel"(
// LLVM-LABEL: define void @"tf_entry"(ptr %{{.*}}, ptr %{{.*}})
// LLVM: call {{.*}}void @"main_fused_0"(
// LLVM-NEXT: ret void
graph.func @main(%x: !graph.tensor<[n, 64], f32>, %w: !graph.tensor<[64, 32], f32>, %b: !graph.tensor<[32], f32>) -> (y: !graph.tensor<[n, 32], f32>) {
  %m = graph.call @layer(%x, %w) : (!graph.tensor<[n, 64], f32>, !graph.tensor<[64, 32], f32>) -> !graph.tensor<[n, 32], f32>
  %a = graph.add %m, %b : (!graph.tensor<[n, 32], f32>, !graph.tensor<[32], f32>) -> !graph.tensor<[n, 32], f32>
  %r = graph.relu %a : (!graph.tensor<[n, 32], f32>) -> !graph.tensor<[n, 32], f32>
  graph.return %r : !graph.tensor<[n, 32], f32>
}
graph.func private @layer(%x: !graph.tensor<[n, 64], f32>, %w: !graph.tensor<[64, 32], f32>) -> (r: !graph.tensor<[n, 32], f32>) {
  %m = graph.matmul %x, %w : (!graph.tensor<[n, 64], f32>, !graph.tensor<[64, 32], f32>) -> !graph.tensor<[n, 32], f32>
  graph.return %m : !graph.tensor<[n, 32], f32>
}
