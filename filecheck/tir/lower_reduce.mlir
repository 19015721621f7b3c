// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | filecheck %s
// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | tensorforge-opt | filecheck %s

// Reduce-family ops become multi-stage tir.funcs: every reduction is one
// block with reduce iteration variables and an init region; intermediates
// (statistics, f32 accumulators of f16 inputs) are tir.alloc buffers.

// CHECK-LABEL: graph.func @reduce_sum
// CHECK: graph.call_tir @reduce_sum_1(%{{.*}})
graph.func @reduce_sum(%x: !graph.tensor<[n, 3, 4], f32>) -> (y: !graph.tensor<[n, 1, 1], f32>) {
  %0 = graph.reduce_sum %x {axes = array<i64: -1, 1>, keepdims = true} : (!graph.tensor<[n, 3, 4], f32>) -> !graph.tensor<[n, 1, 1], f32>
  graph.return %0 : !graph.tensor<[n, 1, 1], f32>
}

// CHECK-LABEL: graph.func @reduce_mean_f16
// CHECK: graph.call_tir @reduce_mean(%{{.*}})
graph.func @reduce_mean_f16(%x: !graph.tensor<[n, 8], f16>) -> (y: !graph.tensor<[n], f16>) {
  %0 = graph.reduce_mean %x {axes = array<i64: 1>} : (!graph.tensor<[n, 8], f16>) -> !graph.tensor<[n], f16>
  graph.return %0 : !graph.tensor<[n], f16>
}

// CHECK-LABEL: graph.func @softmax
// CHECK: graph.call_tir @softmax_1(%{{.*}})
graph.func @softmax(%x: !graph.tensor<[n, 16], f32>) -> (y: !graph.tensor<[n, 16], f32>) {
  %0 = graph.softmax %x : (!graph.tensor<[n, 16], f32>) -> !graph.tensor<[n, 16], f32>
  graph.return %0 : !graph.tensor<[n, 16], f32>
}

// CHECK-LABEL: graph.func @layer_norm
// CHECK: graph.call_tir @layer_norm_1(%{{.*}}, %{{.*}}, %{{.*}})
graph.func @layer_norm(%x: !graph.tensor<[n, 8], f32>, %s: !graph.tensor<[8], f32>, %b: !graph.tensor<[8], f32>) -> (y: !graph.tensor<[n, 8], f32>) {
  %0 = graph.layer_norm %x, %s, %b : (!graph.tensor<[n, 8], f32>, !graph.tensor<[8], f32>, !graph.tensor<[8], f32>) -> !graph.tensor<[n, 8], f32>
  graph.return %0 : !graph.tensor<[n, 8], f32>
}

// CHECK-LABEL: graph.func @argmax
// CHECK: graph.call_tir @argmax_1(%{{.*}})
graph.func @argmax(%x: !graph.tensor<[n, 5], f32>) -> (y: !graph.tensor<[n], i64>) {
  %0 = graph.argmax %x {axis = 1 : i64, select_last_index = true} : (!graph.tensor<[n, 5], f32>) -> !graph.tensor<[n], i64>
  graph.return %0 : !graph.tensor<[n], i64>
}

// CHECK-LABEL: graph.func @cumsum
// CHECK: graph.call_tir @cumsum_1(%{{.*}})
graph.func @cumsum(%x: !graph.tensor<[n, 6], i32>) -> (y: !graph.tensor<[n, 6], i32>) {
  %0 = graph.cumsum %x {axis = 1 : i64, exclusive = true} : (!graph.tensor<[n, 6], i32>) -> !graph.tensor<[n, 6], i32>
  graph.return %0 : !graph.tensor<[n, 6], i32>
}

// f32 sum over axes (-1, 1) with keepdims: spatial loops over the [n, 1, 1]
// output, reduce loops over the reduced dims, straight into the output.
// CHECK-LABEL: tir.func @reduce_sum_1
// CHECK-SAME: (%[[X:.*]]: !tir.buffer<[n, 3, 4], f32>, %[[Y:.*]]: !tir.buffer<[n, 1, 1], f32>)
// CHECK-NOT: tir.alloc
// CHECK: tir.for [[K0:[a-z0-9_]+]] in range(3) {
// CHECK-NEXT: tir.for [[K1:[a-z0-9_]+]] in range(4) {
// CHECK-NEXT: tir.block "T_reduce_sum" ([[VI:[a-z0-9_]+]] = spatial(n, {{.*}}), [[VJ:[a-z0-9_]+]] = spatial(1, {{.*}}), [[VL:[a-z0-9_]+]] = spatial(1, {{.*}}), [[VK0:[a-z0-9_]+]] = reduce(3, [[K0]]), [[VK1:[a-z0-9_]+]] = reduce(4, [[K1]])) reads(%[[X]][[[VI]], [[VK0]], [[VK1]]]) writes(%[[Y]][[[VI]], [[VJ]], [[VL]]]) init {
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: tir.store %[[Z]], %[[Y]][[[VI]], [[VJ]], [[VL]]]
// CHECK-NEXT: } {
// CHECK-NEXT: %[[CUR:.*]] = tir.load %[[Y]][[[VI]], [[VJ]], [[VL]]] : f32
// CHECK-NEXT: %[[V:.*]] = tir.load %[[X]][[[VI]], [[VK0]], [[VK1]]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[CUR]], %[[V]] : f32
// CHECK-NEXT: tir.store %[[S]], %[[Y]][[[VI]], [[VJ]], [[VL]]]
// CHECK: tir.return

// f16 mean: sum in an f32 buffer, then divide by the count and truncate.
// CHECK-LABEL: tir.func @reduce_mean
// CHECK: %[[ACC:.*]] = tir.alloc : !tir.buffer<[n], f32>
// CHECK: tir.block "T_reduce_mean_acc" ({{.*}} = spatial(n, {{.*}}), {{.*}} = reduce(8, {{.*}})) {{.*}} writes(%[[ACC]][{{.*}}]) init {
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: tir.block "T_reduce_mean" ([[V:[a-z0-9_]+]] = spatial(n, {{.*}})) reads(%[[ACC]][[[V]]])
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16

// softmax: max reduction, exp-sum reduction, elementwise divide.
// CHECK-LABEL: tir.func @softmax_1
// CHECK-SAME: (%[[X:.*]]: !tir.buffer<[n, 16], f32>, %[[Y:.*]]: !tir.buffer<[n, 16], f32>)
// CHECK: %[[M:.*]] = tir.alloc : !tir.buffer<[n], f32>
// CHECK: %[[E:.*]] = tir.alloc : !tir.buffer<[n], f32>
// CHECK: tir.block "T_softmax_maxelem" ([[VI:[a-z0-9_]+]] = spatial(n, {{.*}}), [[VK:[a-z0-9_]+]] = reduce(16, {{.*}})) reads(%[[X]][[[VI]], [[VK]]]) writes(%[[M]][[[VI]]]) init {
// CHECK-NEXT: %[[NINF:.*]] = arith.constant 0xff800000 : f32
// CHECK-NEXT: tir.store %[[NINF]], %[[M]][[[VI]]]
// CHECK: arith.maximumf
// CHECK: tir.block "T_softmax_expsum" ([[VI:[a-z0-9_]+]] = spatial(n, {{.*}}), [[VK:[a-z0-9_]+]] = reduce(16, {{.*}})) reads(%[[X]][[[VI]], [[VK]]], %[[M]][[[VI]]]) writes(%[[E]][[[VI]]]) init {
// CHECK: %[[D:.*]] = arith.subf
// CHECK-NEXT: %[[EX:.*]] = math.exp %[[D]] : f32
// CHECK-NEXT: arith.addf %{{.*}}, %[[EX]] : f32
// CHECK: tir.block "T_softmax" ([[VI:[a-z0-9_]+]] = spatial(n, {{.*}}), [[VJ:[a-z0-9_]+]] = spatial(16, {{.*}})) reads(%[[X]][[[VI]], [[VJ]]], %[[M]][[[VI]]], %[[E]][[[VI]]]) writes(%[[Y]][[[VI]], [[VJ]]]) {
// CHECK-NOT: init
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: tir.return

// layer_norm: sum, sum of squared deviations (two passes), then normalize.
// CHECK-LABEL: tir.func @layer_norm_1
// CHECK-SAME: (%[[X:.*]]: !tir.buffer<[n, 8], f32>, %[[G:.*]]: !tir.buffer<[8], f32>, %[[B:.*]]: !tir.buffer<[8], f32>, %[[Y:.*]]: !tir.buffer<[n, 8], f32>)
// CHECK: %[[SUM:.*]] = tir.alloc : !tir.buffer<[n], f32>
// CHECK: %[[DEV:.*]] = tir.alloc : !tir.buffer<[n], f32>
// CHECK: tir.block "T_layer_norm_sum" ([[VI:[a-z0-9_]+]] = spatial(n, {{.*}}), [[VK:[a-z0-9_]+]] = reduce(8, {{.*}})) reads(%[[X]][[[VI]], [[VK]]]) writes(%[[SUM]][[[VI]]]) init {
// CHECK: tir.block "T_layer_norm_sqdev" ([[VI:[a-z0-9_]+]] = spatial(n, {{.*}}), [[VK:[a-z0-9_]+]] = reduce(8, {{.*}})) reads(%[[X]][[[VI]], [[VK]]], %[[SUM]][[[VI]]]) writes(%[[DEV]][[[VI]]]) init {
// CHECK: %[[C:.*]] = arith.subf
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[C]], %[[C]] : f32
// CHECK-NEXT: arith.addf %{{.*}}, %[[SQ]] : f32
// CHECK: tir.block "T_layer_norm" ([[VI:[a-z0-9_]+]] = spatial(n, {{.*}}), [[VJ:[a-z0-9_]+]] = spatial(8, {{.*}})) reads({{.*}}%[[G]][[[VJ]]], %[[B]][[[VJ]]]) writes(%[[Y]][[[VI]], [[VJ]]]) {
// CHECK: arith.constant 1.000000e-05 : f32
// CHECK: math.sqrt
// CHECK: tir.return

// argmax (last index): the max, then the largest index holding it (or a NaN).
// CHECK-LABEL: tir.func @argmax_1
// CHECK: %[[M:.*]] = tir.alloc : !tir.buffer<[n], f32>
// CHECK: tir.block "T_argmax_max" ({{.*}}, {{.*}} = reduce(5, {{.*}})) {{.*}} writes(%[[M]][{{.*}}]) init {
// CHECK: tir.block "T_argmax" ({{.*}}, [[VK:[a-z0-9_]+]] = reduce(5, {{.*}})) reads({{.*}}, %[[M]][{{.*}}]) writes({{.*}}) init {
// CHECK-NEXT: %[[NONE:.*]] = arith.constant -1 : i64
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpf une
// CHECK: tir.index ([[VK]])
// CHECK: arith.maxsi

// exclusive cumsum: a reduction over the whole axis of select(k < i, x[k], 0).
// CHECK-LABEL: tir.func @cumsum_1
// CHECK-NOT: tir.alloc
// CHECK: tir.block "T_cumsum" ({{.*}} = spatial(n, {{.*}}), [[VI:[a-z0-9_]+]] = spatial(6, {{.*}}), [[VK:[a-z0-9_]+]] = reduce(6, {{.*}}))
// CHECK: %[[K:.*]] = tir.index ([[VK]])
// CHECK-NEXT: %[[I:.*]] = tir.index ([[VI]])
// CHECK-NEXT: %[[LT:.*]] = arith.cmpi slt, %[[K]], %[[I]] : index
// CHECK: arith.select %[[LT]]
// CHECK: arith.addi
