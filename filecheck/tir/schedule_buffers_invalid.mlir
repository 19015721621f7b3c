// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_bad_cache_read.sched"}' 2>&1 | filecheck %s --check-prefix=READ
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_bad_cache_write.sched"}' 2>&1 | filecheck %s --check-prefix=WRITE
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_bad_set_scope.sched"}' 2>&1 | filecheck %s --check-prefix=SCOPE
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_bad_storage_align.sched"}' 2>&1 | filecheck %s --check-prefix=ALIGN
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_bad_transform_layout.sched"}' 2>&1 | filecheck %s --check-prefix=LAYOUT
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_bad_decompose.sched"}' 2>&1 | filecheck %s --check-prefix=DECOMP
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/buffers_bad_rfactor.sched"}' 2>&1 | filecheck %s --check-prefix=RF

// READ: error: tir-apply-schedule: cache_read: block 'D' also writes %A; a cache of it would go stale
// WRITE: error: tir-apply-schedule: cache_write: block 'D' reads %A without an init that writes it first
// SCOPE: error: tir-apply-schedule: set_scope: %C written by block 'C' is a function argument, not a tir.alloc buffer
// ALIGN: error: tir-apply-schedule: storage_align: need factor > 0 and 0 <= offset < factor, got factor=8, offset=9
// LAYOUT: error: tir-apply-schedule: transform_layout: index map of %T is not provably one-to-one on its shape [n, 6]: the pieces of 'i' do not tile it
// DECOMP: error: tir-apply-schedule: decompose_reduction: loop 'k' above 'j' iterates a reduce variable of block 'C'
// RF: error: tir-apply-schedule: rfactor: loop 'i' does not iterate a reduce variable of any block

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

tir.func @chain(%X: !tir.buffer<[n, 6], f32>, %Z: !tir.buffer<[n, 6], f32>) {
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
      tir.block "Z" (vi2 = spatial(n, i2), vj2 = spatial(6, j2)) reads(%T[vi2, vj2]) writes(%Z[vi2, vj2]) {
        %t = tir.load %T[vi2, vj2] : f32
        tir.store %t, %Z[vi2, vj2]
      }
    }
  }
  tir.return
}

// in place: reads what it writes, with no init
tir.func @inplace(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(n) {
    tir.block "D" (vi = spatial(n, i)) reads(%A[vi]) writes(%A[vi]) {
      %a = tir.load %A[vi] : f32
      %b = arith.addf %a, %a : f32
      tir.store %b, %A[vi]
    }
  }
  tir.return
}
