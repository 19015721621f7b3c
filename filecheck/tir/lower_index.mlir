// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | filecheck %s
// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | tensorforge-opt | filecheck %s

// Index-family ops load at data-dependent positions: the index value is
// wrapped once if negative and clamped into range before the load, so no
// load leaves its buffer. Resize computes source coordinates in f64; linear
// mode interpolates one axis per stage (f64 intermediates), as the graph
// interpreter does.

// CHECK-LABEL: graph.func @gather
// CHECK: graph.call_tir @gather_1(%{{.*}}, %{{.*}})
graph.func @gather(%x: !graph.tensor<[n, 8], f32>, %i: !graph.tensor<[m], i32>) -> (y: !graph.tensor<[n, m], f32>) {
  %0 = graph.gather %x, %i {axis = 1 : i64} : (!graph.tensor<[n, 8], f32>, !graph.tensor<[m], i32>) -> !graph.tensor<[n, m], f32>
  graph.return %0 : !graph.tensor<[n, m], f32>
}

// CHECK-LABEL: graph.func @resize_nearest
// CHECK: graph.call_tir @resize(%{{.*}})
graph.func @resize_nearest(%x: !graph.tensor<[1, 3, h, w], f32>) -> (y: !graph.tensor<[1, 3, h*2, w*2], f32>) {
  %0 = graph.resize %x {scales = array<f64: 1.0, 1.0, 2.0, 2.0>, nearest_mode = "floor", coordinate_transformation_mode = "asymmetric"} : (!graph.tensor<[1, 3, h, w], f32>) -> !graph.tensor<[1, 3, h*2, w*2], f32>
  graph.return %0 : !graph.tensor<[1, 3, h*2, w*2], f32>
}

// CHECK-LABEL: graph.func @resize_linear
// CHECK: graph.call_tir @resize_1(%{{.*}})
graph.func @resize_linear(%x: !graph.tensor<[2, 5, 4], f32>) -> (y: !graph.tensor<[2, 9, 7], f32>) {
  %0 = graph.resize %x {sizes = #graph.shape<[2, 9, 7]>, mode = "linear"} : (!graph.tensor<[2, 5, 4], f32>) -> !graph.tensor<[2, 9, 7], f32>
  graph.return %0 : !graph.tensor<[2, 9, 7], f32>
}

// CHECK-LABEL: tir.func @gather_1
// CHECK-SAME: (%[[X:.*]]: !tir.buffer<[n, 8], f32>, %[[I:.*]]: !tir.buffer<[m], i32>, %[[Y:.*]]: !tir.buffer<[n, m], f32>)
// CHECK: tir.block "T_gather" ([[A:[a-z0-9_]+]] = spatial(n, {{.*}}), [[B:[a-z0-9_]+]] = spatial(m, {{.*}})) reads(%[[I]][[[B]]], %[[X]][0 : n, 0 : 8]) writes(%[[Y]][[[A]], [[B]]])
// CHECK-NEXT: %[[RAW:.*]] = tir.load %[[I]][[[B]]] : i32
// CHECK-NEXT: %[[J:.*]] = arith.index_cast %[[RAW]] : i32 to index
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[J]], %{{.*}} : index
// CHECK: %[[SIZE:.*]] = tir.index (8)
// CHECK-NEXT: %[[UP:.*]] = arith.addi %[[J]], %[[SIZE]] : index
// CHECK-NEXT: %[[W:.*]] = arith.select %[[NEG]], %[[UP]], %[[J]] : index
// CHECK: %[[LO:.*]] = arith.minsi %[[W]], %{{.*}} : index
// CHECK: %[[C:.*]] = arith.maxsi %[[LO]], %{{.*}} : index
// CHECK-NEXT: %[[V:.*]] = tir.load %[[X]][[[A]], %[[C]]] : f32
// CHECK-NEXT: tir.store %[[V]], %[[Y]][[[A]], [[B]]]

// Nearest: one gather stage; asymmetric floor reads floor(y / 2), clipped to [0, h-1].
// CHECK-LABEL: tir.func @resize
// CHECK-SAME: (%[[X:.*]]: !tir.buffer<[1, 3, h, w], f32>, %[[Y:.*]]: !tir.buffer<[1, 3, h*2, w*2], f32>)
// CHECK-NOT: tir.alloc
// CHECK: tir.block "T_resize" ([[A:[a-z0-9_]+]] = spatial(1, {{.*}}), [[B:[a-z0-9_]+]] = spatial(3, {{.*}}), [[C:[a-z0-9_]+]] = spatial(h*2, {{.*}}), [[D:[a-z0-9_]+]] = spatial(w*2, {{.*}}))
// CHECK: tir.index ([[C]])
// CHECK: %[[S:.*]] = arith.constant 2.000000e+00 : f64
// CHECK-NEXT: %[[Q:.*]] = arith.divf %{{.*}}, %[[S]] : f64
// CHECK-NEXT: %[[F:.*]] = math.floor %[[Q]] : f64
// CHECK: tir.index (h-1)
// CHECK: %[[R:.*]] = arith.fptosi %{{.*}} : f64 to i64
// CHECK-NEXT: %[[RI:.*]] = arith.index_cast %[[R]] : i64 to index
// CHECK: tir.index ([[D]])
// CHECK: tir.index (w-1)
// CHECK: %[[CI:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK-NEXT: %[[V:.*]] = tir.load %[[X]][[[A]], [[B]], %[[RI]], %[[CI]]] : f32
// CHECK-NEXT: tir.store %[[V]], %[[Y]][[[A]], [[B]], [[C]], [[D]]]

// Linear: axis 1 into an f64 buffer, then axis 2 into the output (cast back to f32).
// CHECK-LABEL: tir.func @resize_1
// CHECK-SAME: (%[[X:.*]]: !tir.buffer<[2, 5, 4], f32>, %[[Y:.*]]: !tir.buffer<[2, 9, 7], f32>)
// CHECK: %[[T:.*]] = tir.alloc : !tir.buffer<[2, 9, 4], f64>
// CHECK: tir.block "T_resize_ax1"
// CHECK: %[[SRC:.*]] = arith.subf %{{.*}}, %{{.*}} : f64
// CHECK-NEXT: %[[LO:.*]] = math.floor %[[SRC]] : f64
// CHECK: %[[Y0:.*]] = tir.load %[[X]][{{.*}}, %{{.*}}, {{.*}}] : f32
// CHECK-NEXT: %[[Y0D:.*]] = arith.extf %[[Y0]] : f32 to f64
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT: %[[W:.*]] = arith.subf %[[SRC]], %[[LO]] : f64
// CHECK-NEXT: %[[W0:.*]] = arith.subf %[[ONE]], %[[W]] : f64
// CHECK-NEXT: %[[P0:.*]] = arith.mulf %[[Y0D]], %[[W0]] : f64
// CHECK: %[[Y1:.*]] = tir.load %[[X]]
// CHECK-NEXT: %[[Y1D:.*]] = arith.extf %[[Y1]] : f32 to f64
// CHECK-NEXT: %[[P1:.*]] = arith.mulf %[[Y1D]], %[[W]] : f64
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[P0]], %[[P1]] : f64
// CHECK-NEXT: tir.store %[[SUM]], %[[T]]
// CHECK: tir.block "T_resize"
// CHECK: tir.load %[[T]]
// CHECK: %[[OUT:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK-NEXT: tir.store %[[OUT]], %[[Y]]
