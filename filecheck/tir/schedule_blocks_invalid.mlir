// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/blocks_bad_inline.sched"}' 2>&1 | filecheck %s --check-prefix=INLINE
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/blocks_bad_reverse_inline.sched"}' 2>&1 | filecheck %s --check-prefix=RINLINE
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/blocks_bad_compute_at.sched"}' 2>&1 | filecheck %s --check-prefix=AT
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/blocks_bad_reverse_compute_at.sched"}' 2>&1 | filecheck %s --check-prefix=RAT
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/blocks_bad_producers.sched"}' 2>&1 | filecheck %s --check-prefix=PROD

// INLINE: error: tir-apply-schedule: compute_inline: block 'C' is a reduction (iteration variable 'vk' is reduce)
// RINLINE: error: tir-apply-schedule: reverse_compute_inline: block 'norm' must have exactly one producer block (found 'max', 'sum')
// AT: error: tir-apply-schedule: compute_at: block 'norm' reads %mx outside loop 'i1'
// RAT: error: tir-apply-schedule: reverse_compute_at: producer 'C' still reduces over 'vk' at or above loop 'k', so %C is not final after one iteration
// PROD: error: tir-apply-schedule: replay diverged at get_producers(block='relu') -> ['C']: got ['E']

tir.func @mm(%A: !tir.buffer<[n, 8], f32>, %B: !tir.buffer<[8, 4], f32>, %bias: !tir.buffer<[4], f32>, %out: !tir.buffer<[n, 4], f32>) {
  %C = tir.alloc : !tir.buffer<[n, 4], f32>
  %E = tir.alloc : !tir.buffer<[n, 4], f32>
  tir.for i in range(n) {
    tir.for j in range(4) {
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
  tir.for i1 in range(n) {
    tir.for j1 in range(4) {
      tir.block "E" (ei = spatial(n, i1), ej = spatial(4, j1)) reads(%C[ei, ej], %bias[ej]) writes(%E[ei, ej]) {
        %c1 = tir.load %C[ei, ej] : f32
        %b1 = tir.load %bias[ej] : f32
        %e1 = arith.addf %c1, %b1 : f32
        tir.store %e1, %E[ei, ej]
      }
    }
  }
  tir.for i2 in range(n) {
    tir.for j2 in range(4) {
      tir.block "relu" (ri = spatial(n, i2), rj = spatial(4, j2)) reads(%E[ri, rj]) writes(%out[ri, rj]) {
        %e2 = tir.load %E[ri, rj] : f32
        %z2 = arith.constant 0.0 : f32
        %r2 = arith.maximumf %e2, %z2 : f32
        tir.store %r2, %out[ri, rj]
      }
    }
  }
  tir.return
}
tir.func @softmax(%x: !tir.buffer<[n, 16], f32>, %y: !tir.buffer<[n, 16], f32>) {
  %mx = tir.alloc : !tir.buffer<[n], f32>
  %sm = tir.alloc : !tir.buffer<[n], f32>
  tir.for i in range(n) {
    tir.for k in range(16) {
      tir.block "max" (vi = spatial(n, i), vk = reduce(16, k)) reads(%x[vi, vk]) writes(%mx[vi]) init {
        %ninf = arith.constant 0xff800000 : f32
        tir.store %ninf, %mx[vi]
      } {
        %m = tir.load %mx[vi] : f32
        %a = tir.load %x[vi, vk] : f32
        %mm = arith.maximumf %m, %a : f32
        tir.store %mm, %mx[vi]
      }
    }
  }
  tir.for i1 in range(n) {
    tir.for k1 in range(16) {
      tir.block "sum" (si = spatial(n, i1), sk = reduce(16, k1)) reads(%x[si, sk], %mx[si]) writes(%sm[si]) init {
        %zero = arith.constant 0.0 : f32
        tir.store %zero, %sm[si]
      } {
        %s = tir.load %sm[si] : f32
        %b = tir.load %x[si, sk] : f32
        %m1 = tir.load %mx[si] : f32
        %d = arith.subf %b, %m1 : f32
        %e = math.exp %d : f32
        %t = arith.addf %s, %e : f32
        tir.store %t, %sm[si]
      }
    }
  }
  tir.for i2 in range(n) {
    tir.for j2 in range(16) {
      tir.block "norm" (ni = spatial(n, i2), nj = spatial(16, j2)) reads(%x[ni, nj], %mx[ni], %sm[ni]) writes(%y[ni, nj]) {
        %c = tir.load %x[ni, nj] : f32
        %m2 = tir.load %mx[ni] : f32
        %d2 = arith.subf %c, %m2 : f32
        %e2 = math.exp %d2 : f32
        %s2 = tir.load %sm[ni] : f32
        %q = arith.divf %e2, %s2 : f32
        tir.store %q, %y[ni, nj]
      }
    }
  }
  tir.return
}
