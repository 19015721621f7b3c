// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/blocks_compute_inline.sched"}' | filecheck %s --check-prefix=INLINE
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/blocks_reverse_compute_inline.sched"}' | filecheck %s --check-prefix=RINLINE
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/blocks_compute_at.sched"}' | filecheck %s --check-prefix=AT
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/blocks_reverse_compute_at.sched"}' | filecheck %s --check-prefix=RAT

// compute_inline: "E" is substituted into "relu"; its loops and %E go
// (the trace also checks get_producers/get_consumers before and after).
// INLINE-LABEL: tir.func @mm
// INLINE-NOT: %E = tir.alloc
// INLINE: tir.block "C"
// INLINE: tir.for i2 in range(n) {
// INLINE-NEXT: tir.for j2 in range(4) {
// INLINE-NEXT: tir.block "relu" (ri = spatial(n, i2), rj = spatial(4, j2)) reads(%C[ri, rj], %bias[rj]) writes(%out[ri, rj]) {
// INLINE-NEXT: %[[C:.*]] = tir.load %C[ri, rj] : f32
// INLINE-NEXT: %[[B:.*]] = tir.load %bias[rj] : f32
// INLINE-NEXT: %[[E:.*]] = arith.addf %[[C]], %[[B]] : f32
// INLINE-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// INLINE-NEXT: %[[R:.*]] = arith.maximumf %[[E]], %[[Z]] : f32
// INLINE-NEXT: tir.store %[[R]], %out[ri, rj]
// INLINE-NOT: tir.block "E"
// INLINE-LABEL: tir.func @softmax

// reverse_compute_inline: "E" stores relu(E) into %out directly; "relu" and %E go.
// RINLINE-LABEL: tir.func @mm
// RINLINE-NOT: %E = tir.alloc
// RINLINE: tir.block "E" (ei = spatial(n, i1), ej = spatial(4, j1)) reads(%C[ei, ej], %bias[ej]) writes(%out[ei, ej]) {
// RINLINE: %[[S:.*]] = arith.addf
// RINLINE: %[[R:.*]] = arith.maximumf %[[S]], %{{.*}} : f32
// RINLINE-NEXT: tir.store %[[R]], %out[ei, ej]
// RINLINE-NOT: tir.block "relu"
// RINLINE-LABEL: tir.func @softmax

// compute_at: the matmul and the bias stage run per 4-row tile of the relu
// loop (the tail is a predicate); the window stage computes the 3 elements
// each output reads.
// AT-LABEL: tir.func @mm
// AT: tir.for i2_0 in range(n ceildiv 4) {
// AT-NEXT: tir.for i in range(4) {
// AT-NEXT: tir.for j in range(4) {
// AT-NEXT: tir.for k in range(8) {
// AT-NEXT: tir.block "C" (vi = spatial(n, i2_0*4+i), vj = spatial(4, j), vk = reduce(8, k)) where(i2_0*4+i < n)
// AT: tir.for i1 in range(4) {
// AT-NEXT: tir.for j1 in range(4) {
// AT-NEXT: tir.block "E" (ei = spatial(n, i2_0*4+i1), ej = spatial(4, j1)) where(i2_0*4+i1 < n)
// AT: tir.for i2_1 in range(4) {
// AT-NEXT: tir.for j2 in range(4) {
// AT-NEXT: tir.block "relu" (ri = spatial(n, i2_0*4+i2_1), rj = spatial(4, j2)) where(i2_0*4+i2_1 < n)
// AT-LABEL: tir.func @window
// AT: tir.for o in range(n) {
// AT-NEXT: tir.for p in range(3) {
// AT-NEXT: tir.block "t" (v = spatial(n+2, o+p)) reads(%x[v]) writes(%t[v]) {
// AT: tir.for r in range(3) {
// AT-NEXT: tir.block "y"

// reverse_compute_at: the normalization runs per row right after that row's
// sum; the bias stage runs per element right after its reduction.
// RAT-LABEL: tir.func @mm
// RAT: tir.for i in range(n) {
// RAT-NEXT: tir.for j in range(4) {
// RAT-NEXT: tir.for k in range(8) {
// RAT-NEXT: tir.block "C"
// RAT: tir.block "E" (ei = spatial(n, i), ej = spatial(4, j)) reads(%C[ei, ej], %bias[ej]) writes(%E[ei, ej]) {
// RAT: tir.for i2 in range(n) {
// RAT-LABEL: tir.func @softmax
// RAT: tir.for i1 in range(n) {
// RAT-NEXT: tir.for k1 in range(16) {
// RAT-NEXT: tir.block "sum"
// RAT: tir.for j2 in range(16) {
// RAT-NEXT: tir.block "norm" (ni = spatial(n, i1), nj = spatial(16, j2))
// RAT-NOT: tir.for i2

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

tir.func @window(%x: !tir.buffer<[n+2], f32>, %y: !tir.buffer<[n], f32>) {
  %t = tir.alloc : !tir.buffer<[n+2], f32>
  tir.for p in range(n+2) {
    tir.block "t" (v = spatial(n+2, p)) reads(%x[v]) writes(%t[v]) {
      %a = tir.load %x[v] : f32
      %e = math.exp %a : f32
      tir.store %e, %t[v]
    }
  }
  tir.for o in range(n) {
    tir.for r in range(3) {
      tir.block "y" (vo = spatial(n, o), vr = reduce(3, r)) reads(%t[vo + vr]) writes(%y[vo]) init {
        %z = arith.constant 0.0 : f32
        tir.store %z, %y[vo]
      } {
        %s = tir.load %y[vo] : f32
        %b = tir.load %t[vo + vr] : f32
        %c = arith.addf %s, %b : f32
        tir.store %c, %y[vo]
      }
    }
  }
  tir.return
}
