// RUN: tensorforge-opt %s --split-input-file -p graph-mixed-precision | filecheck %s
// RUN: tensorforge-opt %s --split-input-file -p 'graph-mixed-precision{dtype=bf16}' | filecheck %s --check-prefix=BF16
// RUN: tensorforge-opt %s --split-input-file -p 'graph-mixed-precision{keep-f32="graph.matmul" low="graph.softmax"}' | filecheck %s --check-prefix=OVERRIDE
// RUN: tensorforge-opt %s --split-input-file -p 'graph-mixed-precision,graph-canonicalize' | filecheck %s --check-prefix=CANON
// RUN: not tensorforge-opt %s -p 'graph-mixed-precision{dtype=f8}' 2>&1 | filecheck %s --check-prefix=BADTYPE
// RUN: not tensorforge-opt %s -p 'graph-mixed-precision{low="graph.nosuchop"}' 2>&1 | filecheck %s --check-prefix=BADOP
// RUN: not tensorforge-opt %s -p 'graph-mixed-precision{low=matmul keep-f32=matmul}' 2>&1 | filecheck %s --check-prefix=CLASH

// BADTYPE: error: pass 'graph-mixed-precision': bad value for option 'dtype': dtype must be f16 or bf16, got 'f8'
// BADOP: error: pass 'graph-mixed-precision': bad value for option 'low': low: unknown graph op(s) graph.nosuchop
// CLASH: error: graph-mixed-precision: op(s) graph.matmul named in more than one of low, follow, keep-f32

// matmul -> relu -> softmax -> matmul with a constant weight: the matmuls and the
// relu (a follow op) run in f16, softmax in f32; the weight is converted at compile
// time; arguments and results keep f32.
// CHECK-LABEL: graph.func @attn_like
// CHECK-SAME: (%x: !graph.tensor<[n, 4], f32>, %k: !graph.tensor<[4, 6], f32>) -> (y: !graph.tensor<[n, 4], f32>)
// CHECK-NEXT: %[[W:.*]] = graph.constant dense<{{.*}}9.997560e-02{{.*}}> : tensor<6x4xf16> : !graph.tensor<[6, 4], f16>
// CHECK-NEXT: %[[XL:.*]] = graph.cast %x {to = f16}
// CHECK-NEXT: %[[KL:.*]] = graph.cast %k {to = f16}
// CHECK-NEXT: %[[S:.*]] = graph.matmul %[[XL]], %[[KL]] : {{.*}} -> !graph.tensor<[n, 6], f16>
// CHECK-NEXT: %[[R:.*]] = graph.relu %[[S]] : {{.*}} -> !graph.tensor<[n, 6], f16>
// CHECK-NEXT: %[[RH:.*]] = graph.cast %[[R]] {to = f32}
// CHECK-NEXT: %[[P:.*]] = graph.softmax %[[RH]] : {{.*}} -> !graph.tensor<[n, 6], f32>
// CHECK-NEXT: %[[PL:.*]] = graph.cast %[[P]] {to = f16}
// CHECK-NEXT: %[[U:.*]] = graph.matmul %[[PL]], %[[W]] : {{.*}} -> !graph.tensor<[n, 4], f16>
// CHECK-NEXT: %[[Y:.*]] = graph.cast %[[U]] {to = f32}
// CHECK-NEXT: graph.return %[[Y]] : !graph.tensor<[n, 4], f32>
// BF16-LABEL: graph.func @attn_like
// BF16-NEXT: graph.constant dense<{{.*}}> : tensor<6x4xbf16> : !graph.tensor<[6, 4], bf16>
// BF16: %[[S:.*]] = graph.matmul {{.*}} -> !graph.tensor<[n, 6], bf16>
// BF16-NEXT: graph.relu %[[S]] : {{.*}} -> !graph.tensor<[n, 6], bf16>
// BF16: graph.softmax {{.*}} -> !graph.tensor<[n, 6], f32>
// BF16: graph.matmul {{.*}} -> !graph.tensor<[n, 4], bf16>
// OVERRIDE-LABEL: graph.func @attn_like
// OVERRIDE-NEXT: %[[W:.*]] = graph.constant {{.*}} : !graph.tensor<[6, 4], f32>
// OVERRIDE-NEXT: %[[S:.*]] = graph.matmul %x, %k : {{.*}} -> !graph.tensor<[n, 6], f32>
// OVERRIDE-NEXT: %[[R:.*]] = graph.relu %[[S]] : {{.*}} -> !graph.tensor<[n, 6], f32>
// OVERRIDE-NEXT: %[[RL:.*]] = graph.cast %[[R]] {to = f16}
// OVERRIDE-NEXT: %[[P:.*]] = graph.softmax %[[RL]] : {{.*}} -> !graph.tensor<[n, 6], f16>
// OVERRIDE-NEXT: %[[PH:.*]] = graph.cast %[[P]] {to = f32}
// OVERRIDE-NEXT: graph.matmul %[[PH]], %[[W]] : {{.*}} -> !graph.tensor<[n, 4], f32>
graph.func @attn_like(%x: !graph.tensor<[n, 4], f32>, %k: !graph.tensor<[4, 6], f32>) -> (y: !graph.tensor<[n, 4], f32>) {
  %w = graph.constant dense<[[1.0, 2.0, 3.0, 4.0], [0.1, 0.2, 0.3, 0.4], [1.5, 2.5, 3.5, 4.5], [-1.0, -2.0, -3.0, -4.0], [0.5, 0.5, 0.5, 0.5], [2.0, 1.0, 0.0, -1.0]]> : tensor<6x4xf32> : !graph.tensor<[6, 4], f32>
  %s = graph.matmul %x, %k : (!graph.tensor<[n, 4], f32>, !graph.tensor<[4, 6], f32>) -> !graph.tensor<[n, 6], f32>
  %r = graph.relu %s : (!graph.tensor<[n, 6], f32>) -> !graph.tensor<[n, 6], f32>
  %p = graph.softmax %r : (!graph.tensor<[n, 6], f32>) -> !graph.tensor<[n, 6], f32>
  %u = graph.matmul %p, %w : (!graph.tensor<[n, 6], f32>, !graph.tensor<[6, 4], f32>) -> !graph.tensor<[n, 4], f32>
  graph.return %u : !graph.tensor<[n, 4], f32>
}

// -----

// Cast pairs: an f16 argument widened by the user and fed to a matmul is used
// directly (f16 -> f32 -> f16 is exact); a value used by a low op and an f32 op is
// cast once, and the f32 op reads the f32 original, not a rounded copy.
// CHECK-LABEL: graph.func @pairs
// CHECK-NEXT: %[[BL:.*]] = graph.cast %b {to = f16}
// CHECK-NEXT: %[[M:.*]] = graph.matmul %a, %[[BL]] : {{.*}} -> !graph.tensor<[3, 3], f16>
// CHECK-NEXT: %[[N:.*]] = graph.matmul %[[M]], %[[BL]] : {{.*}} -> !graph.tensor<[3, 3], f16>
// CHECK-NEXT: %[[E:.*]] = graph.exp %b : {{.*}} -> !graph.tensor<[3, 3], f32>
// CHECK-NEXT: %[[NH:.*]] = graph.cast %[[N]] {to = f32}
// CHECK-NEXT: %[[S:.*]] = graph.add %[[NH]], %[[E]] : {{.*}} -> !graph.tensor<[3, 3], f32>
// CHECK-NEXT: graph.return %[[S]]
graph.func @pairs(%a: !graph.tensor<[3, 3], f16>, %b: !graph.tensor<[3, 3], f32>) -> (y: !graph.tensor<[3, 3], f32>) {
  %aw = graph.cast %a {to = f32} : (!graph.tensor<[3, 3], f16>) -> !graph.tensor<[3, 3], f32>
  %m = graph.matmul %aw, %b : (!graph.tensor<[3, 3], f32>, !graph.tensor<[3, 3], f32>) -> !graph.tensor<[3, 3], f32>
  %n = graph.matmul %m, %b : (!graph.tensor<[3, 3], f32>, !graph.tensor<[3, 3], f32>) -> !graph.tensor<[3, 3], f32>
  %e = graph.exp %b : (!graph.tensor<[3, 3], f32>) -> !graph.tensor<[3, 3], f32>
  %s = graph.add %n, %e : (!graph.tensor<[3, 3], f32>, !graph.tensor<[3, 3], f32>) -> !graph.tensor<[3, 3], f32>
  graph.return %s : !graph.tensor<[3, 3], f32>
}

// -----

// f64 and integer graphs are left alone.
// CHECK-LABEL: graph.func @wide
// CHECK-NEXT: graph.matmul %x, %x : {{.*}} -> !graph.tensor<[2, 2], f64>
// CHECK-NEXT: graph.matmul %i, %i : {{.*}} -> !graph.tensor<[2, 2], i32>
graph.func @wide(%x: !graph.tensor<[2, 2], f64>, %i: !graph.tensor<[2, 2], i32>) -> (y: !graph.tensor<[2, 2], f64>, z: !graph.tensor<[2, 2], i32>) {
  %y = graph.matmul %x, %x : (!graph.tensor<[2, 2], f64>, !graph.tensor<[2, 2], f64>) -> !graph.tensor<[2, 2], f64>
  %z = graph.matmul %i, %i : (!graph.tensor<[2, 2], i32>, !graph.tensor<[2, 2], i32>) -> !graph.tensor<[2, 2], i32>
  graph.return %y, %z : !graph.tensor<[2, 2], f64>, !graph.tensor<[2, 2], i32>
}

// -----

// A follow op with a fill value that f16 cannot hold stays f32 (bf16 can hold it);
// a split of a low value stays low.
// CHECK-LABEL: graph.func @fill
// CHECK: %[[M:.*]] = graph.matmul {{.*}} -> !graph.tensor<[4, 4], f16>
// CHECK-NEXT: %[[A:.*]], %[[B:.*]] = graph.split %[[M]] {{.*}} -> (!graph.tensor<[4, 2], f16>, !graph.tensor<[4, 2], f16>)
// CHECK-NEXT: %[[MH:.*]] = graph.cast %[[M]] {to = f32}
// CHECK-NEXT: graph.pad %[[MH]] {{.*}} -> !graph.tensor<[6, 4], f32>
// BF16-LABEL: graph.func @fill
// BF16: graph.pad {{.*}} -> !graph.tensor<[6, 4], bf16>
graph.func @fill(%x: !graph.tensor<[4, 4], f32>) -> (a: !graph.tensor<[4, 2], f32>, b: !graph.tensor<[4, 2], f32>, c: !graph.tensor<[6, 4], f32>) {
  %m = graph.matmul %x, %x : (!graph.tensor<[4, 4], f32>, !graph.tensor<[4, 4], f32>) -> !graph.tensor<[4, 4], f32>
  %s:2 = graph.split %m {axis = 1 : i64, sizes = array<i64: 2, 2>} : (!graph.tensor<[4, 4], f32>) -> (!graph.tensor<[4, 2], f32>, !graph.tensor<[4, 2], f32>)
  %p = graph.pad %m {pads = array<i64: 1, 0, 1, 0>, value = 1.0e+06 : f64} : (!graph.tensor<[4, 4], f32>) -> !graph.tensor<[6, 4], f32>
  graph.return %s#0, %s#1, %p : !graph.tensor<[4, 2], f32>, !graph.tensor<[4, 2], f32>, !graph.tensor<[6, 4], f32>
}

// -----

// A constant beyond the f16 range keeps its consumers in f32 (it would fold to inf).
// CHECK-LABEL: graph.func @big
// CHECK: %[[M:.*]] = graph.matmul {{.*}} -> !graph.tensor<[2, 2], f16>
// CHECK-NEXT: %[[MH:.*]] = graph.cast %[[M]] {to = f32}
// CHECK-NEXT: %[[A:.*]] = graph.add %[[MH]], %c : {{.*}} -> !graph.tensor<[2, 2], f32>
// CHECK-NEXT: graph.matmul %[[A]], %c : {{.*}} -> !graph.tensor<[2, 2], f32>
graph.func @big(%x: !graph.tensor<[2, 2], f32>) -> (y: !graph.tensor<[2, 2], f32>) {
  %c = graph.constant dense<[[1.0e+06, 1.0], [2.0, 3.0]]> : tensor<2x2xf32> : !graph.tensor<[2, 2], f32>
  %m = graph.matmul %x, %x : (!graph.tensor<[2, 2], f32>, !graph.tensor<[2, 2], f32>) -> !graph.tensor<[2, 2], f32>
  %a = graph.add %m, %c : (!graph.tensor<[2, 2], f32>, !graph.tensor<[2, 2], f32>) -> !graph.tensor<[2, 2], f32>
  %b = graph.matmul %a, %c : (!graph.tensor<[2, 2], f32>, !graph.tensor<[2, 2], f32>) -> !graph.tensor<[2, 2], f32>
  graph.return %b : !graph.tensor<[2, 2], f32>
}

// -----

// graph-canonicalize after the pass cancels only exact pairs: f16 -> f32 -> f16 goes,
// f32 -> f16 -> f32 (a rounding) stays.
// CANON-LABEL: graph.func @pairs_after
// CANON-NEXT: %[[A:.*]] = graph.cast %x {to = f16}
// CANON-NEXT: %[[B:.*]] = graph.cast %[[A]] {to = f32}
// CANON-NEXT: graph.return %[[B]], %y
graph.func @pairs_after(%x: !graph.tensor<[2], f32>, %y: !graph.tensor<[2], f16>) -> (a: !graph.tensor<[2], f32>, b: !graph.tensor<[2], f16>) {
  %a = graph.cast %x {to = f16} : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f16>
  %b = graph.cast %a {to = f32} : (!graph.tensor<[2], f16>) -> !graph.tensor<[2], f32>
  %c = graph.cast %y {to = f32} : (!graph.tensor<[2], f16>) -> !graph.tensor<[2], f32>
  %d = graph.cast %c {to = f16} : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f16>
  graph.return %b, %d : !graph.tensor<[2], f32>, !graph.tensor<[2], f16>
}
