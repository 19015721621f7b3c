// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | filecheck %s
// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | tensorforge-opt | filecheck %s

// Shape-family ops become one copy stage each: every output element is one
// load at an index expression of the output position. Positions that may lie
// outside an operand (concat's other operands, pad's border) load at a
// clamped index and a select picks the value.

// CHECK-LABEL: graph.func @reshape
// CHECK: graph.call_tir @reshape_1(%{{.*}})
graph.func @reshape(%x: !graph.tensor<[n, 4, 8], f32>) -> (y: !graph.tensor<[n, 32], f32>) {
  %0 = graph.reshape %x {shape = #graph.shape<[-1, 32]>} : (!graph.tensor<[n, 4, 8], f32>) -> !graph.tensor<[n, 32], f32>
  graph.return %0 : !graph.tensor<[n, 32], f32>
}

// CHECK-LABEL: graph.func @transpose
// CHECK: graph.call_tir @transpose_1(%{{.*}})
graph.func @transpose(%x: !graph.tensor<[n, m, 4], i8>) -> (y: !graph.tensor<[4, n, m], i8>) {
  %0 = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (!graph.tensor<[n, m, 4], i8>) -> !graph.tensor<[4, n, m], i8>
  graph.return %0 : !graph.tensor<[4, n, m], i8>
}

// CHECK-LABEL: graph.func @concat
// CHECK: graph.call_tir @concat_1(%{{.*}}, %{{.*}}, %{{.*}})
graph.func @concat(%a: !graph.tensor<[n, 4], f32>, %b: !graph.tensor<[m, 4], f32>, %c: !graph.tensor<[2, 4], f32>) -> (y: !graph.tensor<[n+m+2, 4], f32>) {
  %0 = graph.concat %a, %b, %c {axis = 0 : i64} : (!graph.tensor<[n, 4], f32>, !graph.tensor<[m, 4], f32>, !graph.tensor<[2, 4], f32>) -> !graph.tensor<[n+m+2, 4], f32>
  graph.return %0 : !graph.tensor<[n+m+2, 4], f32>
}

// CHECK-LABEL: graph.func @slice
// CHECK: graph.call_tir @slice_1(%{{.*}})
graph.func @slice(%x: !graph.tensor<[n, 6], f32>) -> (y: !graph.tensor<[n, 2], f32>) {
  %0 = graph.slice %x {starts = array<i64: -1, 4>, ends = array<i64: -9223372036854775808, 0>, steps = array<i64: -1, -2>} : (!graph.tensor<[n, 6], f32>) -> !graph.tensor<[n, 2], f32>
  graph.return %0 : !graph.tensor<[n, 2], f32>
}

// CHECK-LABEL: graph.func @pad
// CHECK: graph.call_tir @pad_1(%{{.*}})
graph.func @pad(%x: !graph.tensor<[n, 4], f32>) -> (y: !graph.tensor<[n+3, 4], f32>) {
  %0 = graph.pad %x {pads = array<i64: 1, 0, 2, 0>, value = 1.5 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n+3, 4], f32>
  graph.return %0 : !graph.tensor<[n+3, 4], f32>
}

// CHECK-LABEL: graph.func @pad_reflect
// CHECK: graph.call_tir @pad_2(%{{.*}})
graph.func @pad_reflect(%x: !graph.tensor<[n, 4], f32>) -> (y: !graph.tensor<[n, 7], f32>) {
  %0 = graph.pad %x {pads = array<i64: 2, 1>, axes = array<i64: 1>, mode = "reflect"} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 7], f32>
  graph.return %0 : !graph.tensor<[n, 7], f32>
}

// Equal leading dims map one to one; the rest goes through the flat position.
// CHECK-LABEL: tir.func @reshape_1
// CHECK-SAME: (%[[X:.*]]: !tir.buffer<[n, 4, 8], f32>, %[[Y:.*]]: !tir.buffer<[n, 32], f32>)
// CHECK: tir.block "T_reshape" ([[I:[a-z0-9_]+]] = spatial(n, {{.*}}), [[J:[a-z0-9_]+]] = spatial(32, {{.*}}))
// CHECK-NEXT: %[[V:.*]] = tir.load %[[X]][[[I]], [[J]] floordiv 8, [[J]] mod 8] : f32
// CHECK-NEXT: tir.store %[[V]], %[[Y]][[[I]], [[J]]]

// CHECK-LABEL: tir.func @transpose_1
// CHECK-SAME: (%[[X:.*]]: !tir.buffer<[n, m, 4], i8>, %[[Y:.*]]: !tir.buffer<[4, n, m], i8>)
// CHECK: tir.block "T_transpose" ([[I:[a-z0-9_]+]] = spatial(4, {{.*}}), [[J:[a-z0-9_]+]] = spatial(n, {{.*}}), [[K:[a-z0-9_]+]] = spatial(m, {{.*}}))
// CHECK-NEXT: %[[V:.*]] = tir.load %[[X]][[[J]], [[K]], [[I]]] : i8
// CHECK-NEXT: tir.store %[[V]], %[[Y]][[[I]], [[J]], [[K]]]

// A select chain by offset along the axis; each operand loads at a clamped index.
// CHECK-LABEL: tir.func @concat_1
// CHECK-SAME: (%[[A:.*]]: !tir.buffer<[n, 4], f32>, %[[B:.*]]: !tir.buffer<[m, 4], f32>, %[[C:.*]]: !tir.buffer<[2, 4], f32>, %[[Y:.*]]: !tir.buffer<[n+m+2, 4], f32>)
// CHECK: tir.for [[L:[a-z0-9_]+]] in range(n+m+2) {
// CHECK: tir.block "T_concat" ([[I:[a-z0-9_]+]] = spatial(n+m+2, [[L]]), [[J:[a-z0-9_]+]] = spatial(4, {{.*}}))
// CHECK: %[[P:.*]] = tir.index ([[I]])
// CHECK: %[[LT0:.*]] = arith.cmpi slt, %[[P]], %{{.*}} : index
// CHECK: %[[VA:.*]] = tir.load %[[A]][min([[I]], n-1), [[J]]] : f32
// CHECK: %[[O2:.*]] = tir.index (n+m)
// CHECK: %[[LT1:.*]] = arith.cmpi slt, %[[P]], %[[O2]] : index
// CHECK: %[[VB:.*]] = tir.load %[[B]][max(min([[I]]-n, m-1), 0), [[J]]] : f32
// CHECK: %[[VC:.*]] = tir.load %[[C]][max([[I]]-n-m, 0), [[J]]] : f32
// CHECK: %[[S1:.*]] = arith.select %[[LT1]], %[[VB]], %[[VC]] : f32
// CHECK: %[[S0:.*]] = arith.select %[[LT0]], %[[VA]], %[[S1]] : f32
// CHECK: tir.store %[[S0]], %[[Y]][[[I]], [[J]]]

// Negative steps count down from the clamped start.
// CHECK-LABEL: tir.func @slice_1
// CHECK: tir.block "T_slice" ([[I:[a-z0-9_]+]] = spatial(n, {{.*}}), [[J:[a-z0-9_]+]] = spatial(2, {{.*}}))
// CHECK-NEXT: tir.load %{{.*}}[n-1-[[I]], 4-[[J]]*2] : f32

// Constant mode: the border is a select on the position, the load is clamped.
// CHECK-LABEL: tir.func @pad_1
// CHECK: tir.block "T_pad" ([[I:[a-z0-9_]+]] = spatial(n+3, {{.*}}), [[J:[a-z0-9_]+]] = spatial(4, {{.*}}))
// CHECK: %[[P:.*]] = tir.index ([[I]]-1)
// CHECK: %[[GE:.*]] = arith.cmpi sge, %[[P]], %{{.*}} : index
// CHECK: %[[LT:.*]] = arith.cmpi slt, %[[P]], %{{.*}} : index
// CHECK: %[[IN:.*]] = arith.andi %[[GE]], %[[LT]] : i1
// CHECK: %[[V:.*]] = tir.load %{{.*}}[max(min([[I]]-1, n-1), 0), [[J]]] : f32
// CHECK: %[[F:.*]] = arith.constant 1.500000e+00 : f32
// CHECK: arith.select %[[IN]], %[[V]], %[[F]] : f32

// Reflect mode is a pure index expression: periodic in 2*(4-1), mirrored.
// CHECK-LABEL: tir.func @pad_2
// CHECK: tir.block "T_pad" ([[I:[a-z0-9_]+]] = spatial(n, {{.*}}), [[J:[a-z0-9_]+]] = spatial(7, {{.*}}))
// CHECK-NEXT: tir.load %{{.*}}[[[I]], min(([[J]]-2) mod 6, 6-(([[J]]-2) mod 6))] : f32
