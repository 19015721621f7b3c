// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | filecheck %s
// RUN: tensorforge-opt %s -p graph-lower-to-tensorir | tensorforge-opt | filecheck %s

// Each elementwise op becomes one loop nest around one block; the graph ops become graph.call_tir.
// CHECK-LABEL: graph.func @add_bcast
// CHECK: graph.call_tir @add(%x, %y) : (!graph.tensor<[n, 4], f32>, !graph.tensor<[1, 4], f32>) -> !graph.tensor<[n, 4], f32>
graph.func @add_bcast(%x: !graph.tensor<[n, 4], f32>, %y: !graph.tensor<[1, 4], f32>) -> (out: !graph.tensor<[n, 4], f32>) {
  %0 = graph.add %x, %y : (!graph.tensor<[n, 4], f32>, !graph.tensor<[1, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %0 : !graph.tensor<[n, 4], f32>
}

// CHECK-LABEL: graph.func @exp_f16
// CHECK: graph.call_tir @exp(%x)
graph.func @exp_f16(%x: !graph.tensor<[n], f16>) -> (out: !graph.tensor<[n], f16>) {
  %0 = graph.exp %x : (!graph.tensor<[n], f16>) -> !graph.tensor<[n], f16>
  graph.return %0 : !graph.tensor<[n], f16>
}

// CHECK-LABEL: graph.func @lt_i1
// CHECK: graph.call_tir @lt(%x, %y)
graph.func @lt_i1(%x: !graph.tensor<[n], i1>, %y: !graph.tensor<[n], i1>) -> (out: !graph.tensor<[n], i1>) {
  %0 = graph.lt %x, %y : (!graph.tensor<[n], i1>, !graph.tensor<[n], i1>) -> !graph.tensor<[n], i1>
  graph.return %0 : !graph.tensor<[n], i1>
}

// CHECK-LABEL: graph.func @ge_ui8
// CHECK: graph.call_tir @ge(%x, %y)
graph.func @ge_ui8(%x: !graph.tensor<[n], ui8>, %y: !graph.tensor<[], ui8>) -> (out: !graph.tensor<[n], i1>) {
  %0 = graph.ge %x, %y : (!graph.tensor<[n], ui8>, !graph.tensor<[], ui8>) -> !graph.tensor<[n], i1>
  graph.return %0 : !graph.tensor<[n], i1>
}

// CHECK-LABEL: graph.func @where3
// CHECK: graph.call_tir @where(%c, %x, %y)
graph.func @where3(%c: !graph.tensor<[n, 1], i1>, %x: !graph.tensor<[1, m], f32>, %y: !graph.tensor<[m], f32>) -> (out: !graph.tensor<[n, m], f32>) {
  %0 = graph.where %c, %x, %y : (!graph.tensor<[n, 1], i1>, !graph.tensor<[1, m], f32>, !graph.tensor<[m], f32>) -> !graph.tensor<[n, m], f32>
  graph.return %0 : !graph.tensor<[n, m], f32>
}

// CHECK-LABEL: graph.func @cast_f32_i8
// CHECK: graph.call_tir @cast(%x) : (!graph.tensor<[n], f32>) -> !graph.tensor<[n], i8>
graph.func @cast_f32_i8(%x: !graph.tensor<[n], f32>) -> (out: !graph.tensor<[n], i8>) {
  %0 = graph.cast %x {to = i8} : (!graph.tensor<[n], f32>) -> !graph.tensor<[n], i8>
  graph.return %0 : !graph.tensor<[n], i8>
}

// CHECK-LABEL: graph.func @clip_bf16
// CHECK: graph.call_tir @clip(%x)
graph.func @clip_bf16(%x: !graph.tensor<[n], bf16>) -> (out: !graph.tensor<[n], bf16>) {
  %0 = graph.clip %x {min = -1.0 : f64, max = 0.1 : f64} : (!graph.tensor<[n], bf16>) -> !graph.tensor<[n], bf16>
  graph.return %0 : !graph.tensor<[n], bf16>
}

// CHECK-LABEL: graph.func @div_i32
// CHECK: graph.call_tir @div(%x, %y)
graph.func @div_i32(%x: !graph.tensor<[n], i32>, %y: !graph.tensor<[n], i32>) -> (out: !graph.tensor<[n], i32>) {
  %0 = graph.div %x, %y : (!graph.tensor<[n], i32>, !graph.tensor<[n], i32>) -> !graph.tensor<[n], i32>
  graph.return %0 : !graph.tensor<[n], i32>
}

// A static 1 against n reads index 0; the block reads exactly the loaded points.
// CHECK-LABEL: tir.func @add
// CHECK-SAME: (%[[A:[a-z0-9_]+]]: !tir.buffer<[n, 4], f32>, %[[B:[a-z0-9_]+]]: !tir.buffer<[1, 4], f32>, %[[OUT:[a-zA-Z0-9_]+]]: !tir.buffer<[n, 4], f32>)
// CHECK-NEXT: tir.for [[I:[a-z0-9_]+]] in range(n) {
// CHECK-NEXT: tir.for [[J:[a-z0-9_]+]] in range(4) {
// CHECK-NEXT: tir.block "T_add" ([[VI:[a-z0-9_]+]] = spatial(n, [[I]]), [[VJ:[a-z0-9_]+]] = spatial(4, [[J]])) reads(%[[A]][[[VI]], [[VJ]]], %[[B]][0, [[VJ]]]) writes(%[[OUT]][[[VI]], [[VJ]]]) {
// CHECK-NEXT: %[[X:[0-9]+]] = tir.load %[[A]][[[VI]], [[VJ]]] : f32
// CHECK-NEXT: %[[Y:[0-9]+]] = tir.load %[[B]][0, [[VJ]]] : f32
// CHECK-NEXT: %[[S:[0-9]+]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT: tir.store %[[S]], %[[OUT]][[[VI]], [[VJ]]]

// f16 computes in f32 and rounds once.
// CHECK-LABEL: tir.func @exp
// CHECK: %[[X:[0-9]+]] = tir.load %{{.*}} : f16
// CHECK-NEXT: %[[W:[0-9]+]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT: %[[E:[0-9]+]] = math.exp %[[W]] : f32
// CHECK-NEXT: %[[R:[0-9]+]] = arith.truncf %[[E]] : f32 to f16
// CHECK-NEXT: tir.store %[[R]]

// i1 orders false < true: x < y is (not x) and y, not cmpi slt.
// CHECK-LABEL: tir.func @lt
// CHECK: %[[X:[0-9]+]] = tir.load %{{.*}} : i1
// CHECK-NEXT: %[[T:[0-9]+]] = arith.constant true
// CHECK-NEXT: %[[NX:[0-9]+]] = arith.xori %[[X]], %[[T]] : i1
// CHECK-NEXT: %[[Y:[0-9]+]] = tir.load %{{.*}} : i1
// CHECK-NEXT: %[[R:[0-9]+]] = arith.andi %[[NX]], %[[Y]] : i1
// CHECK-NEXT: tir.store %[[R]]

// Unsigned compares are unsigned; a rank-0 operand is loaded with no indices.
// CHECK-LABEL: tir.func @ge
// CHECK: %[[X:[0-9]+]] = tir.load %{{.*}}[{{.*}}] : ui8
// CHECK-NEXT: %[[Y:[0-9]+]] = tir.load %{{.*}}[] : ui8
// CHECK-NEXT: arith.cmpi uge, %[[X]], %[[Y]] : ui8

// Three-way broadcasting: each operand indexed by its own dims.
// CHECK-LABEL: tir.func @where
// CHECK: tir.for [[I:[a-z0-9_]+]] in range(n) {
// CHECK-NEXT: tir.for [[J:[a-z0-9_]+]] in range(m) {
// CHECK-NEXT: tir.block "T_where" ([[VI:[a-z0-9_]+]] = spatial(n, [[I]]), [[VJ:[a-z0-9_]+]] = spatial(m, [[J]]))
// CHECK-NEXT: %[[C:[0-9]+]] = tir.load %{{.*}}[[[VI]], 0] : i1
// CHECK-NEXT: %[[A:[0-9]+]] = tir.load %{{.*}}[0, [[VJ]]] : f32
// CHECK-NEXT: %[[B:[0-9]+]] = tir.load %{{.*}}[[[VJ]]] : f32
// CHECK-NEXT: %[[R:[0-9]+]] = arith.select %[[C]], %[[A]], %[[B]] : f32
// CHECK-NEXT: tir.store %[[R]]

// float -> int saturates: out-of-range and NaN inputs are replaced by 0 before
// fptosi, then the bounds are selected.
// CHECK-LABEL: tir.func @cast
// CHECK: %[[X:[0-9]+]] = tir.load %{{.*}} : f32
// CHECK: %[[HI:[0-9]+]] = arith.cmpf oge, %[[X]], %{{.*}} : f32
// CHECK: %[[MAX:[0-9]+]] = arith.constant 127 : i8
// CHECK: %[[LO:[0-9]+]] = arith.cmpf ole, %[[X]], %{{.*}} : f32
// CHECK: %[[MIN:[0-9]+]] = arith.constant -128 : i8
// CHECK: %[[NAN:[0-9]+]] = arith.cmpf une, %[[X]], %[[X]] : f32
// CHECK: %[[SAFE:[0-9]+]] = arith.select %{{.*}}, %{{.*}}, %[[X]] : f32
// CHECK-NEXT: %[[Q:[0-9]+]] = arith.fptosi %[[SAFE]] : f32 to i8
// CHECK-NEXT: %[[R1:[0-9]+]] = arith.select %[[LO]], %[[MIN]], %[[Q]] : i8
// CHECK-NEXT: %[[R:[0-9]+]] = arith.select %[[HI]], %[[MAX]], %[[R1]] : i8
// CHECK-NEXT: tir.store %[[R]]

// Clip bounds are rounded to the element type (0.1 -> bf16 0.100097656) and compared NaN-propagating.
// CHECK-LABEL: tir.func @clip
// CHECK: %[[W:[0-9]+]] = arith.extf %{{.*}} : bf16 to f32
// CHECK-NEXT: %[[LO:[0-9]+]] = arith.constant -1.000000e+00 : f32
// CHECK-NEXT: %[[A:[0-9]+]] = arith.maximumf %[[W]], %[[LO]] : f32
// CHECK-NEXT: %[[HI:[0-9]+]] = arith.constant 0.100097656 : f32
// CHECK-NEXT: %[[B:[0-9]+]] = arith.minimumf %[[A]], %[[HI]] : f32
// CHECK-NEXT: arith.truncf %[[B]] : f32 to bf16

// Integer division: divisor 0 gives 0, -1 gives 0 - x (MIN wraps), divsi never sees either.
// CHECK-LABEL: tir.func @div
// CHECK: %[[Y:[0-9]+]] = tir.load %{{.*}} : i32
// CHECK: %[[ZERO:[0-9]+]] = arith.cmpi eq, %[[Y]], %{{.*}} : i32
// CHECK: %[[M1:[0-9]+]] = arith.cmpi eq, %[[Y]], %{{.*}} : i32
// CHECK: %[[X:[0-9]+]] = tir.load %{{.*}} : i32
// CHECK: %[[NEG:[0-9]+]] = arith.subi %{{.*}}, %[[X]] : i32
// CHECK: %[[BAD:[0-9]+]] = arith.ori %[[ZERO]], %[[M1]] : i1
// CHECK: %[[SAFE:[0-9]+]] = arith.select %[[BAD]], %{{.*}}, %[[Y]] : i32
// CHECK-NEXT: %[[Q:[0-9]+]] = arith.divsi %[[X]], %[[SAFE]] : i32
// CHECK-NEXT: %[[R1:[0-9]+]] = arith.select %[[M1]], %[[NEG]], %[[Q]] : i32
// CHECK-NEXT: %[[R:[0-9]+]] = arith.select %[[ZERO]], %{{.*}}, %[[R1]] : i32
// CHECK-NEXT: tir.store %[[R]]
