// RUN: tensorforge-opt %s -p 'graph-quantize-int8{calibration="%S/../../tests/fixtures/quant/ranges.npz"}' | filecheck %s
// RUN: tensorforge-opt %s -p 'graph-quantize-int8{calibration="%S/../../tests/fixtures/quant/ranges.npz" method=percentile percentile=99.99}' | filecheck %s --check-prefix=PCT
// RUN: tensorforge-opt %s -p 'graph-quantize-int8{calibration="%S/../../tests/fixtures/quant/ranges.npz" skip="mlp.1.dense,conv"}' | filecheck %s --check-prefix=SKIP
// RUN: tensorforge-opt %s -p 'graph-quantize-int8{calibration="%S/../../tests/fixtures/quant/ranges.npz"},graph-lower-to-tensorir' | filecheck %s --check-prefix=LOOPS
// RUN: not tensorforge-opt %s -p graph-quantize-int8 2>&1 | filecheck %s --check-prefix=NOFILE
// RUN: not tensorforge-opt %s -p 'graph-quantize-int8{calibration="%S/missing.npz"}' 2>&1 | filecheck %s --check-prefix=MISSING
// RUN: not tensorforge-opt %s -p 'graph-quantize-int8{calibration="%S/../../tests/fixtures/quant/ranges.npz" method=mse}' 2>&1 | filecheck %s --check-prefix=METHOD
// RUN: not tensorforge-opt %s -p 'graph-quantize-int8{calibration="%S/../../tests/fixtures/quant/ranges.npz" method=percentile percentile=99.9}' 2>&1 | filecheck %s --check-prefix=PNONE
// RUN: not tensorforge-opt %s -p 'graph-quantize-int8{calibration="%S/../../tests/fixtures/quant/ranges.npz" skip="pool"}' 2>&1 | filecheck %s --check-prefix=BADSKIP

// The calibration file records: mlp.0.dense in [-1.27, 0.5] (i8, scale 0.01), mlp.1.dense in [0, 2.55]
// (after the relu: u8, scale 0.01), conv.0.conv in [-2.54, 1] (i8, scale 0.02); 99.99th percentiles halve them.

// CHECK-LABEL: graph.func @mlp
// CHECK:      %[[S0:.*]] = graph.constant dense<1.000000e-02> : tensor<f32>
// CHECK-NEXT: %[[D0:.*]] = graph.div %x, %[[S0]]
// CHECK-NEXT: %[[R0:.*]] = graph.round %[[D0]]
// CHECK-NEXT: %[[C0:.*]] = graph.clip %[[R0]] {min = -1.280000e+02 : f64, max = 1.270000e+02 : f64}
// CHECK-NEXT: %[[X0:.*]] = graph.cast %[[C0]] {to = i8}
// CHECK-NEXT: %[[W0:.*]] = graph.constant dense<{{\[\[}}127, -64], [64, 127], [-127, 0]]> : tensor<3x2xi8>
// CHECK-NEXT: %[[A0:.*]] = graph.dense %[[X0]], %[[W0]] {acc_type = i32} : ({{.*}}) -> !graph.tensor<[n, 3], i32>
// CHECK-NEXT: %[[K0:.*]] = graph.constant dense<[7.87401586e-05, 3.93700793e-05, 7.87401586e-05]> : tensor<3xf32>
// CHECK-NEXT: %[[F0:.*]] = graph.cast %[[A0]] {to = f32}
// CHECK-NEXT: %[[M0:.*]] = graph.mul %[[F0]], %[[K0]]
// CHECK-NEXT: %[[H:.*]] = graph.add %[[M0]], %b1
// CHECK-NEXT: %[[RELU:.*]] = graph.relu %[[H]]
// CHECK:      %[[D1:.*]] = graph.div %[[RELU]]
// CHECK:      graph.clip {{.*}} {min = 0.000000e+00 : f64, max = 2.550000e+02 : f64}
// CHECK-NEXT: %[[X1:.*]] = graph.cast {{.*}} {to = ui8}
// CHECK-NEXT: %[[W1:.*]] = graph.constant dense<{{\[\[}}64, 127, -64], [127, 127, 127]]> : tensor<2x3xi8>
// CHECK-NEXT: %[[A1:.*]] = graph.dense %[[X1]], %[[W1]] {acc_type = i32} : (!graph.tensor<[n, 3], ui8>, !graph.tensor<[2, 3], i8>) -> !graph.tensor<[n, 2], i32>
// CHECK:      %[[Y:.*]] = graph.mul
// CHECK-NEXT: graph.return %[[Y]]

// CHECK-LABEL: graph.func @conv
// CHECK:      %[[CS:.*]] = graph.constant dense<2.000000e-02> : tensor<f32>
// CHECK:      %[[CW:.*]] = graph.constant dense<{{\[\[\[\[}}64]], {{\[\[}}-127]]], {{\[\[\[}}127]], {{\[\[}}64]]]]> : tensor<2x2x1x1xi8>
// CHECK-NEXT: %[[CA:.*]] = graph.conv %{{.*}}, %[[CW]] {acc_type = i32} : {{.*}} -> !graph.tensor<[1, 2, 4, 4], i32>
// CHECK-NEXT: %[[CK:.*]] = graph.constant {{.*}} : tensor<2x1x1xf32>
// CHECK-NEXT: %[[CF:.*]] = graph.cast %[[CA]] {to = f32}
// CHECK-NEXT: %[[CM:.*]] = graph.mul %[[CF]], %[[CK]]
// CHECK-NEXT: %[[CB:.*]] = graph.constant dense<{{\[\[\[}}1.000000e+00]], {{\[\[}}-1.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK-NEXT: %[[CY:.*]] = graph.add %[[CM]], %[[CB]]
// CHECK-NEXT: graph.return %[[CY]]

// PCT-LABEL: graph.func @mlp
// PCT:       graph.constant dense<5.000000e-03> : tensor<f32>
// PCT:       graph.constant dense<5.000000e-03> : tensor<f32>
// PCT-LABEL: graph.func @conv
// PCT:       graph.constant dense<1.000000e-02> : tensor<f32>

// SKIP-LABEL: graph.func @mlp
// SKIP:       graph.dense {{.*}} {acc_type = i32}
// SKIP:       %y = graph.dense %r, %w2 : (!graph.tensor<[n, 3], f32>, !graph.tensor<[2, 3], f32>)
// SKIP-LABEL: graph.func @conv
// SKIP:       %y = graph.conv %x, %w, %b : (!graph.tensor<[1, 2, 4, 4], f32>

// LOOPS-LABEL: tir.func @dense(%in0: !tir.buffer<[n, 2], i8>, %in1: !tir.buffer<[3, 2], i8>, %T_dense: !tir.buffer<[n, 3], i32>)
// LOOPS:       %[[ACC:.*]] = tir.load %T_dense[{{.*}}] : i32
// LOOPS-NEXT:  %[[L0:.*]] = tir.load %in0[{{.*}}] : i8
// LOOPS-NEXT:  %[[E0:.*]] = arith.extsi %[[L0]] : i8 to i32
// LOOPS-NEXT:  %[[L1:.*]] = tir.load %in1[{{.*}}] : i8
// LOOPS-NEXT:  %[[E1:.*]] = arith.extsi %[[L1]] : i8 to i32
// LOOPS-NEXT:  %[[P:.*]] = arith.muli %[[E0]], %[[E1]] : i32
// LOOPS-NEXT:  arith.addi %[[ACC]], %[[P]] : i32
// LOOPS-LABEL: tir.func @dense_1(%in0: !tir.buffer<[n, 3], ui8>
// LOOPS:       arith.extui {{.*}} : ui8 to i32
// LOOPS-LABEL: tir.func @conv_1(%in0: !tir.buffer<[1, 2, 4, 4], i8>

// NOFILE: give the ranges file with calibration="file.npz"
// MISSING: cannot read calibration file '{{.*}}missing.npz'
// METHOD: method must be one of minmax, percentile, got 'mse'
// PNONE: 'mlp.0.dense': percentile 99.9 was not recorded (recorded: 99.99)
// BADSKIP: skip: unknown entries pool (give site keys or kinds dense, matmul, conv)
graph.func @mlp(%x: !graph.tensor<[n, 2], f32>) -> (y: !graph.tensor<[n, 2], f32>) {
  %w1 = graph.constant dense<[[1.0, -0.5], [0.25, 0.5], [-1.0, 0.0]]> : tensor<3x2xf32> : !graph.tensor<[3, 2], f32>
  %b1 = graph.constant dense<[0.5, -0.5, 0.25]> : tensor<3xf32> : !graph.tensor<[3], f32>
  %w2 = graph.constant dense<[[1.0, 2.0, -1.0], [0.5, 0.5, 0.5]]> : tensor<2x3xf32> : !graph.tensor<[2, 3], f32>
  %h = graph.dense %x, %w1, %b1 : (!graph.tensor<[n, 2], f32>, !graph.tensor<[3, 2], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[n, 3], f32>
  %r = graph.relu %h : (!graph.tensor<[n, 3], f32>) -> !graph.tensor<[n, 3], f32>
  %y = graph.dense %r, %w2 : (!graph.tensor<[n, 3], f32>, !graph.tensor<[2, 3], f32>) -> !graph.tensor<[n, 2], f32>
  graph.return %y : !graph.tensor<[n, 2], f32>
}

graph.func @conv(%x: !graph.tensor<[1, 2, 4, 4], f32>) -> (y: !graph.tensor<[1, 2, 4, 4], f32>) {
  %w = graph.constant dense<[[[[1.0]], [[-2.0]]], [[[0.5]], [[0.25]]]]> : tensor<2x2x1x1xf32> : !graph.tensor<[2, 2, 1, 1], f32>
  %b = graph.constant dense<[1.0, -1.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %y = graph.conv %x, %w, %b : (!graph.tensor<[1, 2, 4, 4], f32>, !graph.tensor<[2, 2, 1, 1], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[1, 2, 4, 4], f32>
  graph.return %y : !graph.tensor<[1, 2, 4, 4], f32>
}
