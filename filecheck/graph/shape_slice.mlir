// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: graph.func @concat
// CHECK-SAME: (%[[A:.*]]: !graph.tensor<[n, 4], f32>, %[[B:.*]]: !graph.tensor<[m, 4], f32>, %[[C:.*]]: !graph.tensor<[2, 4], f32>)
// CHECK-NEXT: %[[R0:.*]] = graph.concat %[[A]], %[[B]], %[[C]] {axis = 0 : i64} : (!graph.tensor<[n, 4], f32>, !graph.tensor<[m, 4], f32>, !graph.tensor<[2, 4], f32>) -> !graph.tensor<[n+m+2, 4], f32>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[n+m+2, 4], f32>
graph.func @concat(%a: !graph.tensor<[n, 4], f32>, %b: !graph.tensor<[m, 4], f32>, %c: !graph.tensor<[2, 4], f32>) -> (y: !graph.tensor<[n+m+2, 4], f32>) {
  %0 = graph.concat %a, %b, %c {axis = 0 : i64} : (!graph.tensor<[n, 4], f32>, !graph.tensor<[m, 4], f32>, !graph.tensor<[2, 4], f32>) -> !graph.tensor<[n+m+2, 4], f32>
  graph.return %0 : !graph.tensor<[n+m+2, 4], f32>
}

// CHECK-LABEL: graph.func @concat_last_axis
// CHECK-SAME: (%[[A:.*]]: !graph.tensor<[n, 3], i1>, %[[B:.*]]: !graph.tensor<[n, 0], i1>)
// CHECK-NEXT: %[[R0:.*]] = graph.concat %[[A]], %[[B]] {axis = -1 : i64} : (!graph.tensor<[n, 3], i1>, !graph.tensor<[n, 0], i1>) -> !graph.tensor<[n, 3], i1>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[n, 3], i1>
graph.func @concat_last_axis(%a: !graph.tensor<[n, 3], i1>, %b: !graph.tensor<[n, 0], i1>) -> (y: !graph.tensor<[n, 3], i1>) {
  %0 = graph.concat %a, %b {axis = -1 : i64} : (!graph.tensor<[n, 3], i1>, !graph.tensor<[n, 0], i1>) -> !graph.tensor<[n, 3], i1>
  graph.return %0 : !graph.tensor<[n, 3], i1>
}

// CHECK-LABEL: graph.func @split_sizes
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 7], f16>)
// CHECK-NEXT: %[[R0:.*]], %[[R1:.*]] = graph.split %[[X]] {axis = 1 : i64, sizes = array<i64: 2, -1>} : (!graph.tensor<[n, 7], f16>) -> (!graph.tensor<[n, 2], f16>, !graph.tensor<[n, 5], f16>)
// CHECK-NEXT: graph.return %[[R0]], %[[R1]] : !graph.tensor<[n, 2], f16>, !graph.tensor<[n, 5], f16>
graph.func @split_sizes(%x: !graph.tensor<[n, 7], f16>) -> (a: !graph.tensor<[n, 2], f16>, b: !graph.tensor<[n, 5], f16>) {
  %0, %1 = graph.split %x {axis = 1 : i64, sizes = array<i64: 2, -1>} : (!graph.tensor<[n, 7], f16>) -> (!graph.tensor<[n, 2], f16>, !graph.tensor<[n, 5], f16>)
  graph.return %0, %1 : !graph.tensor<[n, 2], f16>, !graph.tensor<[n, 5], f16>
}

// CHECK-LABEL: graph.func @split_symbolic_sizes
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n+m, 3], i32>)
// CHECK-NEXT: %[[R0:.*]], %[[R1:.*]] = graph.split %[[X]] {sizes = #graph.shape<[n, m]>} : (!graph.tensor<[n+m, 3], i32>) -> (!graph.tensor<[n, 3], i32>, !graph.tensor<[m, 3], i32>)
// CHECK-NEXT: graph.return %[[R0]], %[[R1]] : !graph.tensor<[n, 3], i32>, !graph.tensor<[m, 3], i32>
graph.func @split_symbolic_sizes(%x: !graph.tensor<[n+m, 3], i32>) -> (a: !graph.tensor<[n, 3], i32>, b: !graph.tensor<[m, 3], i32>) {
  %0, %1 = graph.split %x {sizes = #graph.shape<[n, m]>} : (!graph.tensor<[n+m, 3], i32>) -> (!graph.tensor<[n, 3], i32>, !graph.tensor<[m, 3], i32>)
  graph.return %0, %1 : !graph.tensor<[n, 3], i32>, !graph.tensor<[m, 3], i32>
}

// CHECK-LABEL: graph.func @split_num_outputs
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n*4, 7], f32>)
// CHECK-NEXT: %[[R0:.*]], %[[R1:.*]] = graph.split %[[X]] {num_outputs = 2 : i64} : (!graph.tensor<[n*4, 7], f32>) -> (!graph.tensor<[n*2, 7], f32>, !graph.tensor<[n*2, 7], f32>)
// CHECK-NEXT: %[[R2:.*]], %[[R3:.*]], %[[R4:.*]] = graph.split %[[X]] {axis = 1 : i64, num_outputs = 3 : i64} : (!graph.tensor<[n*4, 7], f32>) -> (!graph.tensor<[n*4, 3], f32>, !graph.tensor<[n*4, 3], f32>, !graph.tensor<[n*4, 1], f32>)
// CHECK-NEXT: graph.return %[[R0]], %[[R1]], %[[R2]], %[[R4]] : !graph.tensor<[n*2, 7], f32>, !graph.tensor<[n*2, 7], f32>, !graph.tensor<[n*4, 3], f32>, !graph.tensor<[n*4, 1], f32>
graph.func @split_num_outputs(%x: !graph.tensor<[n*4, 7], f32>) -> (a: !graph.tensor<[n*2, 7], f32>, b: !graph.tensor<[n*2, 7], f32>, c: !graph.tensor<[n*4, 3], f32>, d: !graph.tensor<[n*4, 1], f32>) {
  %0, %1 = graph.split %x {num_outputs = 2 : i64} : (!graph.tensor<[n*4, 7], f32>) -> (!graph.tensor<[n*2, 7], f32>, !graph.tensor<[n*2, 7], f32>)
  %2, %3, %4 = graph.split %x {axis = 1 : i64, num_outputs = 3 : i64} : (!graph.tensor<[n*4, 7], f32>) -> (!graph.tensor<[n*4, 3], f32>, !graph.tensor<[n*4, 3], f32>, !graph.tensor<[n*4, 1], f32>)
  graph.return %0, %1, %2, %4 : !graph.tensor<[n*2, 7], f32>, !graph.tensor<[n*2, 7], f32>, !graph.tensor<[n*4, 3], f32>, !graph.tensor<[n*4, 1], f32>
}

// CHECK-LABEL: graph.func @split_uneven_symbolic
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n], f32>)
// CHECK-NEXT: %[[R0:.*]], %[[R1:.*]] = graph.split %[[X]] {num_outputs = 2 : i64} : (!graph.tensor<[n], f32>) -> (!graph.tensor<[n ceildiv 2], f32>, !graph.tensor<[n-(n ceildiv 2)], f32>)
// CHECK-NEXT: graph.return %[[R0]], %[[R1]] : !graph.tensor<[n ceildiv 2], f32>, !graph.tensor<[n-(n ceildiv 2)], f32>
graph.func @split_uneven_symbolic(%x: !graph.tensor<[n], f32>) -> (a: !graph.tensor<[n ceildiv 2], f32>, b: !graph.tensor<[n-(n ceildiv 2)], f32>) {
  %0, %1 = graph.split %x {num_outputs = 2 : i64} : (!graph.tensor<[n], f32>) -> (!graph.tensor<[n ceildiv 2], f32>, !graph.tensor<[n-(n ceildiv 2)], f32>)
  graph.return %0, %1 : !graph.tensor<[n ceildiv 2], f32>, !graph.tensor<[n-(n ceildiv 2)], f32>
}

// CHECK-LABEL: graph.func @slice_to_end
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 8], f32>)
// CHECK-NEXT: %[[R0:.*]] = graph.slice %[[X]] {starts = array<i64: 1, -3>, ends = array<i64: 9223372036854775807, 9223372036854775807>} : (!graph.tensor<[n, 8], f32>) -> !graph.tensor<[max(n-1, 0), 3], f32>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[max(n-1, 0), 3], f32>
graph.func @slice_to_end(%x: !graph.tensor<[n, 8], f32>) -> (y: !graph.tensor<[max(n-1, 0), 3], f32>) {
  %0 = graph.slice %x {starts = array<i64: 1, -3>, ends = array<i64: 9223372036854775807, 9223372036854775807>} : (!graph.tensor<[n, 8], f32>) -> !graph.tensor<[max(n-1, 0), 3], f32>
  graph.return %0 : !graph.tensor<[max(n-1, 0), 3], f32>
}

// CHECK-LABEL: graph.func @slice_reverse
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 8], bf16>)
// CHECK-NEXT: %[[R0:.*]] = graph.slice %[[X]] {starts = array<i64: -1, -1>, ends = array<i64: -9223372036854775808, -9223372036854775808>, axes = array<i64: 0, 1>, steps = array<i64: -1, -2>} : (!graph.tensor<[n, 8], bf16>) -> !graph.tensor<[n, 4], bf16>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[n, 4], bf16>
graph.func @slice_reverse(%x: !graph.tensor<[n, 8], bf16>) -> (y: !graph.tensor<[n, 4], bf16>) {
  %0 = graph.slice %x {starts = array<i64: -1, -1>, ends = array<i64: -9223372036854775808, -9223372036854775808>, axes = array<i64: 0, 1>, steps = array<i64: -1, -2>} : (!graph.tensor<[n, 8], bf16>) -> !graph.tensor<[n, 4], bf16>
  graph.return %0 : !graph.tensor<[n, 4], bf16>
}

// CHECK-LABEL: graph.func @slice_window
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 8], f32>)
// CHECK-NEXT: %[[R0:.*]] = graph.slice %[[X]] {starts = array<i64: 0, 2>, ends = array<i64: 4, 7>, steps = array<i64: 1, 3>} : (!graph.tensor<[n, 8], f32>) -> !graph.tensor<[min(n, 4), 2], f32>
// CHECK-NEXT: %[[R1:.*]] = graph.slice %[[X]] {starts = array<i64: -3>, ends = array<i64: 2147483647>, axes = array<i64: 0>} : (!graph.tensor<[n, 8], f32>) -> !graph.tensor<[min(n, 3), 8], f32>
// CHECK-NEXT: graph.return %[[R0]], %[[R1]] : !graph.tensor<[min(n, 4), 2], f32>, !graph.tensor<[min(n, 3), 8], f32>
graph.func @slice_window(%x: !graph.tensor<[n, 8], f32>) -> (y: !graph.tensor<[min(n, 4), 2], f32>, z: !graph.tensor<[min(n, 3), 8], f32>) {
  %0 = graph.slice %x {starts = array<i64: 0, 2>, ends = array<i64: 4, 7>, steps = array<i64: 1, 3>} : (!graph.tensor<[n, 8], f32>) -> !graph.tensor<[min(n, 4), 2], f32>
  %1 = graph.slice %x {starts = array<i64: -3>, ends = array<i64: 2147483647>, axes = array<i64: 0>} : (!graph.tensor<[n, 8], f32>) -> !graph.tensor<[min(n, 3), 8], f32>
  graph.return %0, %1 : !graph.tensor<[min(n, 4), 2], f32>, !graph.tensor<[min(n, 3), 8], f32>
}

// CHECK-LABEL: graph.func @slice_strided_symbolic
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n], i8>)
// CHECK-NEXT: %[[R0:.*]] = graph.slice %[[X]] {starts = array<i64: 1>, ends = array<i64: 9223372036854775807>, steps = array<i64: 2>} : (!graph.tensor<[n], i8>) -> !graph.tensor<[(max(n-1, 0)) ceildiv 2], i8>
// CHECK-NEXT: graph.return %[[R0]] : !graph.tensor<[(max(n-1, 0)) ceildiv 2], i8>
graph.func @slice_strided_symbolic(%x: !graph.tensor<[n], i8>) -> (y: !graph.tensor<[(max(n-1, 0)) ceildiv 2], i8>) {
  %0 = graph.slice %x {starts = array<i64: 1>, ends = array<i64: 9223372036854775807>, steps = array<i64: 2>} : (!graph.tensor<[n], i8>) -> !graph.tensor<[(max(n-1, 0)) ceildiv 2], i8>
  graph.return %0 : !graph.tensor<[(max(n-1, 0)) ceildiv 2], i8>
}

// CHECK-LABEL: graph.func @pad
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[n, 4], f32>)
// CHECK-NEXT: %[[R0:.*]] = graph.pad %[[X]] {pads = array<i64: 1, -1, 2, 0>, value = 1.500000e+00 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n+3, 3], f32>
// CHECK-NEXT: %[[R1:.*]] = graph.pad %[[X]] {pads = array<i64: 3, 1>, mode = "reflect", axes = array<i64: -1>} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 8], f32>
// CHECK-NEXT: graph.return %[[R0]], %[[R1]] : !graph.tensor<[n+3, 3], f32>, !graph.tensor<[n, 8], f32>
graph.func @pad(%x: !graph.tensor<[n, 4], f32>) -> (a: !graph.tensor<[n+3, 3], f32>, b: !graph.tensor<[n, 8], f32>) {
  %0 = graph.pad %x {pads = array<i64: 1, -1, 2, 0>, value = 1.500000e+00 : f64} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n+3, 3], f32>
  %1 = graph.pad %x {pads = array<i64: 3, 1>, mode = "reflect", axes = array<i64: -1>} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n, 8], f32>
  graph.return %0, %1 : !graph.tensor<[n+3, 3], f32>, !graph.tensor<[n, 8], f32>
}

// CHECK-LABEL: graph.func @pad_int_value
// CHECK-SAME: (%[[X:.*]]: !graph.tensor<[2, 3], ui8>)
// CHECK-NEXT: %[[R0:.*]] = graph.pad %[[X]] {pads = array<i64: 1, 0, 1, 0>, value = 255 : i64} : (!graph.tensor<[2, 3], ui8>) -> !graph.tensor<[4, 3], ui8>
// CHECK-NEXT: %[[R1:.*]] = graph.pad %[[X]] {pads = array<i64: 0, 1, 0, 1>, mode = "edge"} : (!graph.tensor<[2, 3], ui8>) -> !graph.tensor<[2, 5], ui8>
// CHECK-NEXT: graph.return %[[R0]], %[[R1]] : !graph.tensor<[4, 3], ui8>, !graph.tensor<[2, 5], ui8>
graph.func @pad_int_value(%x: !graph.tensor<[2, 3], ui8>) -> (a: !graph.tensor<[4, 3], ui8>, b: !graph.tensor<[2, 5], ui8>) {
  %0 = graph.pad %x {pads = array<i64: 1, 0, 1, 0>, value = 255 : i64} : (!graph.tensor<[2, 3], ui8>) -> !graph.tensor<[4, 3], ui8>
  %1 = graph.pad %x {pads = array<i64: 0, 1, 0, 1>, mode = "edge"} : (!graph.tensor<[2, 3], ui8>) -> !graph.tensor<[2, 5], ui8>
  graph.return %0, %1 : !graph.tensor<[4, 3], ui8>, !graph.tensor<[2, 5], ui8>
}
