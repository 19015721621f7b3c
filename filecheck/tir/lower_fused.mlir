// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | filecheck %s

// A fused group lowers to ONE tir.func named after it; elementwise producers
// are inlined into their consumers, the reduction (matmul) stays a block.
// CHECK-LABEL: graph.func @main
// CHECK: %[[R:.*]] = graph.call_tir @fused_dense(%x, %w, %b) : (!graph.tensor<[n, 8], f32>, !graph.tensor<[8, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
// CHECK-NOT: graph.func private @fused_dense
// CHECK-LABEL: tir.func @fused_dense
// CHECK: %[[MM:.*]] = tir.alloc : !tir.buffer<[k, 4], f32>
// CHECK: tir.block "T_matmul" ({{.*}}reduce(8, {{.*}}) {{.*}} init {
// CHECK-NOT: tir.block "T_add"
// CHECK: tir.block "out"
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: tir.return
graph.func @main(%x: !graph.tensor<[n, 8], f32>, %w: !graph.tensor<[8, 4], f32>, %b: !graph.tensor<[4], f32>) -> (y: !graph.tensor<[n, 4], f32>) {
  %0 = graph.call @fused_dense(%x, %w, %b) : (!graph.tensor<[n, 8], f32>, !graph.tensor<[8, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}
graph.func private @fused_dense(%a: !graph.tensor<[k, 8], f32>, %w: !graph.tensor<[8, 4], f32>, %b: !graph.tensor<[4], f32>) -> (out: !graph.tensor<[k, 4], f32>) attributes {graph.fused} {
  %0 = graph.matmul %a, %w : (!graph.tensor<[k, 8], f32>, !graph.tensor<[8, 4], f32>) -> !graph.tensor<[k, 4], f32>
  %1 = graph.add %0, %b : (!graph.tensor<[k, 4], f32>, !graph.tensor<[4], f32>) -> !graph.tensor<[k, 4], f32>
  %2 = graph.relu %1 : (!graph.tensor<[k, 4], f32>) -> !graph.tensor<[k, 4], f32>
  graph.return %2 : !graph.tensor<[k, 4], f32>
}
