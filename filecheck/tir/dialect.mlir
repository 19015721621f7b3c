// RUN: tensorforge-opt %s | tensorforge-opt | filecheck %s
// RUN: tensorforge-opt %s --print-op-generic | tensorforge-opt | filecheck %s

// CHECK-LABEL: tir.func @matmul
// CHECK-SAME: (%A: !tir.buffer<[n, 8], f32>, %B: !tir.buffer<[8, 4], f32>, %C: !tir.buffer<[n, 4], f32>)
// CHECK: tir.for i in range(n) parallel {
// CHECK: tir.for j in range(4) annotations {pragma = 1 : i64} {
// CHECK: tir.for k in range(8) {
// CHECK: tir.block "C" (vi = spatial(n, i), vj = spatial(4, j), vk = reduce(8, k)) reads(%A[vi, vk], %B[vk, vj]) writes(%C[vi, vj]) init {
// CHECK: tir.store %{{.*}}, %C[vi, vj]
// CHECK: } {
// CHECK: %[[A:.*]] = tir.load %A[vi, vk] : f32
// CHECK: %[[B:.*]] = tir.load %B[vk, vj] : f32
// CHECK: tir.return
tir.func @matmul(%A: !tir.buffer<[n, 8], f32>, %B: !tir.buffer<[8, 4], f32>, %C: !tir.buffer<[n, 4], f32>) {
  tir.for i in range(n) parallel {
    tir.for j in range(4) annotations {pragma = 1 : i64} {
      tir.for k in range(8) {
        tir.block "C" (vi = spatial(n, i), vj = spatial(4, j), vk = reduce(8, k)) reads(%A[vi, vk], %B[vk, vj]) writes(%C[vi, vj]) init {
          %z = arith.constant 0.0 : f32
          tir.store %z, %C[vi, vj]
        } {
          %a = tir.load %A[vi, vk] : f32
          %b = tir.load %B[vk, vj] : f32
          %c = tir.load %C[vi, vj] : f32
          %p = arith.mulf %a, %b : f32
          %s = arith.addf %c, %p : f32
          tir.store %s, %C[vi, vj]
        }
      }
    }
  }
  tir.return
}

// Tails as predicates, thread bindings, vector kinds, scopes and strides,
// SSA (data-dependent) indices, region ranges and tir.index.
// CHECK-LABEL: tir.func @features
// CHECK-SAME: %S: !tir.buffer<[16, 16], f32, shared, [17, 1]>
// CHECK: %[[T:.*]] = tir.alloc : !tir.buffer<[16], f32, local>
// CHECK: tir.for io in range(n ceildiv 16) thread("blockIdx.x") {
// CHECK: tir.for ii in range(16) vectorized {
// CHECK: tir.block "B" (v = spatial(n, io*16+ii)) where(io*16+ii < n) reads(%A[v], %I[0 : m]) writes(%A[v]) annotations {meta = "x"} {
// CHECK: %[[P:.*]] = tir.index (v*2+1)
// CHECK: tir.load %A[%{{.*}}] : f32
tir.func @features(%A: !tir.buffer<[n], f32>, %I: !tir.buffer<[m], i64>, %S: !tir.buffer<[16, 16], f32, shared, [17, 1]>) {
  %tmp = tir.alloc : !tir.buffer<[16], f32, local>
  tir.for io in range(n ceildiv 16) thread("blockIdx.x") {
    tir.for ii in range(16) vectorized {
      tir.block "B" (v = spatial(n, io*16+ii)) where(io*16+ii < n) reads(%A[v], %I[0 : m]) writes(%A[v]) annotations {meta = "x"} {
        %p = tir.index (v*2+1)
        %x = tir.load %I[v] : i64
        %xi = arith.index_cast %x : i64 to index
        %a = tir.load %A[%xi] : f32
        tir.store %a, %A[v]
      }
    }
  }
  tir.return
}

// CHECK-LABEL: tir.func @kinds
// CHECK: tir.for a in range(4) unrolled {
// CHECK: tir.for b in range(2) thread("threadIdx.x") {
// CHECK: tir.block "root" () reads() writes(%X[0]) {
tir.func @kinds(%X: !tir.buffer<[1], f32>) {
  tir.for a in range(4) unrolled {
    tir.for b in range(2) thread("threadIdx.x") {
      tir.block "root" () reads() writes(%X[0]) {
        %c = arith.constant 1.0 : f32
        tir.store %c, %X[0]
      }
    }
  }
  tir.return
}
