// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_cache_read.sched"}' | filecheck %s --check-prefix=READ
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_cache_write.sched"}' | filecheck %s --check-prefix=WRITE
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_set_scope.sched"}' | filecheck %s --check-prefix=SCOPE
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_storage_align.sched"}' | filecheck %s --check-prefix=ALIGN
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_transform_layout.sched"}' | filecheck %s --check-prefix=LAYOUT
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_decompose_reduction.sched"}' | filecheck %s --check-prefix=DECOMP
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_rfactor.sched"}' | filecheck %s --check-prefix=RF

// cache_read: a full-shape cache in the new scope, filled before the block's
// outermost loop over the box the block reads; the block reads the cache.
// READ-LABEL: tir.func @matmul
// READ-NEXT: %[[CACHE:.*]] = tir.alloc : !tir.buffer<[12, 8], f32, shared>
// READ-NEXT: tir.for ax0 in range(12) {
// READ-NEXT: tir.for ax1 in range(8) {
// READ-NEXT: tir.block "B_shared" (v_ax0 = spatial(12, ax0), v_ax1 = spatial(8, ax1)) reads(%B[v_ax0, v_ax1]) writes(%[[CACHE]][v_ax0, v_ax1])
// READ: tir.for i in range(n) {
// READ: reads(%A[vi, vk], %[[CACHE]][vk, vj]) writes(%C[vi, vj])
// READ: tir.load %[[CACHE]][vk, vj] : f32

// cache_write: the reduction accumulates into the cache; the copy-back block
// repeats the spatial loops after the nest.
// WRITE-LABEL: tir.func @matmul
// WRITE-NEXT: %[[CACHE:.*]] = tir.alloc : !tir.buffer<[n, 8], f32, local>
// WRITE: reads(%A[vi, vk], %B[vk, vj]) writes(%[[CACHE]][vi, vj]) init {
// WRITE: tir.store %z, %[[CACHE]][vi, vj]
// WRITE: tir.store %s, %[[CACHE]][vi, vj]
// WRITE: tir.for i_1 in range(n) {
// WRITE-NEXT: tir.for j_1 in range(8) {
// WRITE-NEXT: tir.block "C_local" (vi_1 = spatial(n, i_1), vj_1 = spatial(8, j_1)) reads(%[[CACHE]][vi_1, vj_1]) writes(%C[vi_1, vj_1])

// SCOPE-LABEL: tir.func @chain
// SCOPE-NEXT: %T = tir.alloc : !tir.buffer<[n, 6], f32, shared>

// storage_align: stride[0] = 6 rounded up to 1 mod 8.
// ALIGN-LABEL: tir.func @chain
// ALIGN-NEXT: %T = tir.alloc {storage_align = [array<i64: 0, 8, 1>]} : !tir.buffer<[n, 6], f32, global, [9, 1]>

// transform_layout: every store, load and region of %T is rewritten.
// LAYOUT-LABEL: tir.func @chain
// LAYOUT-NEXT: %T = tir.alloc : !tir.buffer<[2, n, 4], f32>
// LAYOUT: writes(%T[vj floordiv 4, vi, vj mod 4])
// LAYOUT: tir.store %e, %T[vj floordiv 4, vi, vj mod 4]
// LAYOUT: reads(%T[vj2 floordiv 4, vi2, vj2 mod 4], %Y[vj2])
// LAYOUT: tir.load %T[vj2 floordiv 4, vi2, vj2 mod 4] : f32

// decompose_reduction: the init becomes a block before loop k.
// DECOMP-LABEL: tir.func @matmul
// DECOMP: tir.for j in range(8) {
// DECOMP-NEXT: tir.block "C_init" (vi_init = spatial(n, i), vj_init = spatial(8, j)) reads() writes(%C[vi_init, vj_init]) {
// DECOMP-NEXT: %z = arith.constant 0.000000e+00 : f32
// DECOMP-NEXT: tir.store %z, %C[vi_init, vj_init]
// DECOMP-NEXT: }
// DECOMP-NEXT: tir.for k in range(12) {
// DECOMP-NEXT: tir.block "C" ({{.*}}) reads(%A[vi, vk], %B[vk, vj]) writes(%C[vi, vj]) {

// rfactor: partial sums per k_1 start from -0.0 (the exact identity of addf); the final block keeps the bias
// init and reduces the partials, its predicates keep the tail exact.
// RF-LABEL: tir.func @rowsum
// RF-NEXT: %[[RF:.*]] = tir.alloc : !tir.buffer<[4, m], f32>
// RF: tir.block "S_rf" (vi = spatial(m, i), v_k_1 = spatial(4, k_1), v_k_0 = reduce(n ceildiv 4, k_0)) where(k_0*4+k_1 < n) reads(%X[vi, v_k_0*4+v_k_1]) writes(%[[RF]][v_k_1, vi]) init {
// RF-NEXT: %[[ZERO:.*]] = arith.constant -0.000000e+00 : f32
// RF-NEXT: tir.store %[[ZERO]], %[[RF]][v_k_1, vi]
// RF: tir.for k_1_1 in range(4) {
// RF-NEXT: tir.block "S" (vi_1 = spatial(m, i), v_k_1_1 = reduce(4, k_1_1)) where(0 < n ceildiv 4, k_1_1 < n) reads(%[[RF]][v_k_1_1, vi_1], %b[vi_1]) writes(%S[vi_1]) init {
// RF-NEXT: %b0 = tir.load %b[vi_1] : f32
// RF-NEXT: tir.store %b0, %S[vi_1]
// RF-NEXT: } {
// RF-NEXT: %[[P:.*]] = tir.load %[[RF]][v_k_1_1, vi_1] : f32
// RF-NEXT: %[[C:.*]] = tir.load %S[vi_1] : f32
// RF-NEXT: %[[T:.*]] = arith.addf %[[C]], %[[P]] : f32
// RF-NEXT: tir.store %[[T]], %S[vi_1]

tir.func @matmul(%A: !tir.buffer<[n, 12], f32>, %B: !tir.buffer<[12, 8], f32>, %C: !tir.buffer<[n, 8], f32>) {
  tir.for i in range(n) {
    tir.for j in range(8) {
      tir.for k in range(12) {
        tir.block "C" (vi = spatial(n, i), vj = spatial(8, j), vk = reduce(12, k)) reads(%A[vi, vk], %B[vk, vj]) writes(%C[vi, vj]) init {
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

tir.func @chain(%X: !tir.buffer<[n, 6], f32>, %Y: !tir.buffer<[6], f32>, %Z: !tir.buffer<[n, 6], f32>) {
  %T = tir.alloc : !tir.buffer<[n, 6], f32>
  tir.for i in range(n) {
    tir.for j in range(6) {
      tir.block "T" (vi = spatial(n, i), vj = spatial(6, j)) reads(%X[vi, vj]) writes(%T[vi, vj]) {
        %x = tir.load %X[vi, vj] : f32
        %e = math.exp %x : f32
        tir.store %e, %T[vi, vj]
      }
    }
  }
  tir.for i2 in range(n) {
    tir.for j2 in range(6) {
      tir.block "Z" (vi2 = spatial(n, i2), vj2 = spatial(6, j2)) reads(%T[vi2, vj2], %Y[vj2]) writes(%Z[vi2, vj2]) {
        %t = tir.load %T[vi2, vj2] : f32
        %y = tir.load %Y[vj2] : f32
        %s = arith.addf %t, %y : f32
        tir.store %s, %Z[vi2, vj2]
      }
    }
  }
  tir.return
}

tir.func @rowsum(%X: !tir.buffer<[m, n], f32>, %b: !tir.buffer<[m], f32>, %S: !tir.buffer<[m], f32>) {
  tir.for i in range(m) {
    tir.for k in range(n) {
      tir.block "S" (vi = spatial(m, i), vk = reduce(n, k)) reads(%X[vi, vk], %b[vi]) writes(%S[vi]) init {
        %b0 = tir.load %b[vi] : f32
        tir.store %b0, %S[vi]
      } {
        %s = tir.load %S[vi] : f32
        %x = tir.load %X[vi, vk] : f32
        %t = arith.addf %s, %x : f32
        tir.store %t, %S[vi]
      }
    }
  }
  tir.return
}
