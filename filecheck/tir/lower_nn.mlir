// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | filecheck %s
// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | tensorforge-opt | filecheck %s

// Each nn op becomes a graph.call_tir of one tir.func: spatial loops over the
// output, then reduce loops, around one block with spatial/reduce iteration
// variables and an init region.

// CHECK-LABEL: graph.func @matmul
// CHECK: graph.call_tir @matmul_1(%{{.*}}, %{{.*}})
graph.func @matmul(%a: !graph.tensor<[n, 8], f32>, %b: !graph.tensor<[8, 4], f32>) -> (y: !graph.tensor<[n, 4], f32>) {
  %0 = graph.matmul %a, %b : (!graph.tensor<[n, 8], f32>, !graph.tensor<[8, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @matmul_f16
// CHECK: graph.call_tir @matmul_2(%{{.*}}, %{{.*}})
graph.func @matmul_f16(%a: !graph.tensor<[2, 3, 5], f16>, %b: !graph.tensor<[5, 4], f16>) -> (y: !graph.tensor<[2, 3, 4], f16>) {
  %0 = graph.matmul %a, %b : (!graph.tensor<[2, 3, 5], f16>, !graph.tensor<[5, 4], f16>) -> !graph.tensor<[2, 3, 4], f16>
  graph.return %0 : !graph.tensor<[2, 3, 4], f16>
}

// CHECK-LABEL: graph.func @conv2d
// CHECK: graph.call_tir @conv(%{{.*}}, %{{.*}}, %{{.*}})
graph.func @conv2d(%x: !graph.tensor<[n, 4, h, w], f32>, %w: !graph.tensor<[8, 2, 3, 3], f32>, %b: !graph.tensor<[8], f32>) -> (y: !graph.tensor<[n, 8, ((h-1) floordiv 2)+1, ((w-3) floordiv 2)+1], f32>) {
  %0 = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>, groups = 2 : i64} : (!graph.tensor<[n, 4, h, w], f32>, !graph.tensor<[8, 2, 3, 3], f32>, !graph.tensor<[8], f32>) -> !graph.tensor<[n, 8, ((h-1) floordiv 2)+1, ((w-3) floordiv 2)+1], f32>
  graph.return %0 : !graph.tensor<[n, 8, ((h-1) floordiv 2)+1, ((w-3) floordiv 2)+1], f32>
}

// CHECK-LABEL: graph.func @max_pool
// CHECK: graph.call_tir @max_pool_1(%{{.*}})
graph.func @max_pool(%x: !graph.tensor<[n, 3, h, w], f32>) -> (y: !graph.tensor<[n, 3, ((h-1) floordiv 2)+1, (w floordiv 2)+1], f32>) {
  %0 = graph.max_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (!graph.tensor<[n, 3, h, w], f32>) -> !graph.tensor<[n, 3, ((h-1) floordiv 2)+1, (w floordiv 2)+1], f32>
  graph.return %0 : !graph.tensor<[n, 3, ((h-1) floordiv 2)+1, (w floordiv 2)+1], f32>
}

// f32 matmul: one reduction straight into the output; the init zeroes it.
// CHECK-LABEL: tir.func @matmul_1
// CHECK-SAME: (%[[A:.*]]: !tir.buffer<[n, 8], f32>, %[[B:.*]]: !tir.buffer<[8, 4], f32>, %[[C:.*]]: !tir.buffer<[n, 4], f32>)
// CHECK-NEXT: tir.for [[I:[a-z0-9_]+]] in range(n) {
// CHECK-NEXT: tir.for [[J:[a-z0-9_]+]] in range(4) {
// CHECK-NEXT: tir.for [[K:[a-z0-9_]+]] in range(8) {
// CHECK-NEXT: tir.block "T_matmul" ([[VI:[a-z0-9_]+]] = spatial(n, [[I]]), [[VJ:[a-z0-9_]+]] = spatial(4, [[J]]), [[VK:[a-z0-9_]+]] = reduce(8, [[K]])) reads(%[[A]][[[VI]], [[VK]]], %[[B]][[[VK]], [[VJ]]]) writes(%[[C]][[[VI]], [[VJ]]]) init {
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: tir.store %[[Z]], %[[C]][[[VI]], [[VJ]]]
// CHECK-NEXT: } {
// CHECK-NEXT: %[[CUR:.*]] = tir.load %[[C]][[[VI]], [[VJ]]] : f32
// CHECK-NEXT: %[[X:.*]] = tir.load %[[A]][[[VI]], [[VK]]] : f32
// CHECK-NEXT: %[[Y:.*]] = tir.load %[[B]][[[VK]], [[VJ]]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[CUR]], %[[P]] : f32
// CHECK-NEXT: tir.store %[[S]], %[[C]][[[VI]], [[VJ]]]

// f16 matmul: accumulate in an f32 buffer, then a stage casts to the output.
// CHECK-LABEL: tir.func @matmul_2
// CHECK: %[[ACC:.*]] = tir.alloc : !tir.buffer<[2, 3, 4], f32>
// CHECK: tir.block "acc" ({{.*}}, [[VK:[a-z0-9_]+]] = reduce(5, {{.*}})) {{.*}} writes(%[[ACC]]{{.*}}) init {
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: tir.block "T_matmul"
// CHECK-NOT: reduce(
// CHECK-SAME: reads(%[[ACC]]
// CHECK: arith.truncf %{{.*}} : f32 to f16

// grouped conv2d with a begin pad on h: the padded dim reads through a clamped
// index, selecting 0 outside the input; w (no pads) reads directly. The bias is
// added in the stage after the reduction.
// CHECK-LABEL: tir.func @conv
// CHECK-SAME: (%[[X:.*]]: !tir.buffer<[n, 4, h, w], f32>, %[[W:.*]]: !tir.buffer<[8, 2, 3, 3], f32>, %[[BIAS:.*]]: !tir.buffer<[8], f32>, %[[OUT:.*]]: !tir.buffer<[n, 8, ((h-1) floordiv 2)+1, ((w-3) floordiv 2)+1], f32>)
// CHECK-NEXT: %[[ACC:.*]] = tir.alloc : !tir.buffer<[n, 8, ((h-1) floordiv 2)+1, ((w-3) floordiv 2)+1], f32>
// CHECK-NEXT: tir.for [[N:[a-z0-9_]+]] in range(n) {
// CHECK-NEXT: tir.for [[O:[a-z0-9_]+]] in range(8) {
// CHECK-NEXT: tir.for [[P:[a-z0-9_]+]] in range(((h-1) floordiv 2)+1) {
// CHECK-NEXT: tir.for [[Q:[a-z0-9_]+]] in range(((w-3) floordiv 2)+1) {
// CHECK-NEXT: tir.for [[C:[a-z0-9_]+]] in range(2) {
// CHECK-NEXT: tir.for [[KH:[a-z0-9_]+]] in range(3) {
// CHECK-NEXT: tir.for [[KW:[a-z0-9_]+]] in range(3) {
// CHECK-NEXT: tir.block "acc" ([[VN:[a-z0-9_]+]] = spatial(n, [[N]]), [[VO:[a-z0-9_]+]] = spatial(8, [[O]]), [[VP:[a-z0-9_]+]] = spatial(((h-1) floordiv 2)+1, [[P]]), [[VQ:[a-z0-9_]+]] = spatial(((w-3) floordiv 2)+1, [[Q]]), [[VC:[a-z0-9_]+]] = reduce(2, [[C]]), [[VKH:[a-z0-9_]+]] = reduce(3, [[KH]]), [[VKW:[a-z0-9_]+]] = reduce(3, [[KW]]))
// CHECK-SAME: writes(%[[ACC]][[[VN]], [[VO]], [[VP]], [[VQ]]]) init {
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: tir.store
// CHECK-NEXT: } {
// CHECK: %[[H:.*]] = tir.index ([[VP]]*2-1+[[VKH]])
// CHECK: arith.cmpi sge, %[[H]]
// CHECK: arith.cmpi slt, %[[H]]
// CHECK: %[[V:.*]] = tir.load %[[X]][[[VN]], ([[VO]] floordiv 4)*2+[[VC]], min(max([[VP]]*2-1+[[VKH]], 0), h-1), [[VQ]]*2+[[VKW]]] : f32
// CHECK: arith.select %{{.*}}, %[[V]], %{{.*}} : f32
// CHECK: tir.load %[[W]][[[VO]], [[VC]], [[VKH]], [[VKW]]] : f32
// CHECK: tir.block "T_conv"
// CHECK-NOT: init
// CHECK-SAME: reads(%[[ACC]]{{.*}}, %[[BIAS]]
// CHECK: arith.addf

// max_pool: the init is -inf and the window max is the combiner; both padded
// dims are guarded on both sides.
// CHECK-LABEL: tir.func @max_pool_1
// CHECK-SAME: (%[[X:.*]]: !tir.buffer<[n, 3, h, w], f32>, %[[OUT:.*]]: !tir.buffer<[n, 3, ((h-1) floordiv 2)+1, (w floordiv 2)+1], f32>)
// CHECK-NEXT: tir.for [[N:[a-z0-9_]+]] in range(n) {
// CHECK-NEXT: tir.for [[C:[a-z0-9_]+]] in range(3) {
// CHECK-NEXT: tir.for [[P:[a-z0-9_]+]] in range(((h-1) floordiv 2)+1) {
// CHECK-NEXT: tir.for [[Q:[a-z0-9_]+]] in range((w floordiv 2)+1) {
// CHECK-NEXT: tir.for [[KH:[a-z0-9_]+]] in range(3) {
// CHECK-NEXT: tir.for [[KW:[a-z0-9_]+]] in range(3) {
// CHECK-NEXT: tir.block "T_max_pool" ([[VN:[a-z0-9_]+]] = spatial(n, [[N]]), [[VC:[a-z0-9_]+]] = spatial(3, [[C]]), [[VP:[a-z0-9_]+]] = spatial(((h-1) floordiv 2)+1, [[P]]), [[VQ:[a-z0-9_]+]] = spatial((w floordiv 2)+1, [[Q]]), [[VKH:[a-z0-9_]+]] = reduce(3, [[KH]]), [[VKW:[a-z0-9_]+]] = reduce(3, [[KW]]))
// CHECK-SAME: writes(%[[OUT]][[[VN]], [[VC]], [[VP]], [[VQ]]]) init {
// CHECK-NEXT: %[[NEGINF:.*]] = arith.constant 0xff800000 : f32
// CHECK-NEXT: tir.store %[[NEGINF]], %[[OUT]][[[VN]], [[VC]], [[VP]], [[VQ]]]
// CHECK-NEXT: } {
// CHECK-NEXT: %[[CUR:.*]] = tir.load %[[OUT]][[[VN]], [[VC]], [[VP]], [[VQ]]] : f32
// CHECK: %[[V:.*]] = tir.load %[[X]][[[VN]], [[VC]], min(max([[VP]]*2-1+[[VKH]], 0), h-1), min(max([[VQ]]*2-1+[[VKW]], 0), w-1)] : f32
// CHECK-NEXT: %[[FILL:.*]] = arith.constant 0xff800000 : f32
// CHECK-NEXT: %[[SEL:.*]] = arith.select %{{.*}}, %[[V]], %[[FILL]] : f32
// CHECK-NEXT: %[[M:.*]] = arith.maximumf %[[CUR]], %[[SEL]] : f32
// CHECK-NEXT: tir.store %[[M]], %[[OUT]][[[VN]], [[VC]], [[VP]], [[VQ]]]
