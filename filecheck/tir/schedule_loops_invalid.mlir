// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/bad_parallel.sched"}' 2>&1 | filecheck %s --check-prefix=PAR
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/bad_vectorize.sched"}' 2>&1 | filecheck %s --check-prefix=VEC
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/bad_split.sched"}' 2>&1 | filecheck %s --check-prefix=SPLIT
// RUN: not tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/bad_syntax.sched"}' 2>&1 | filecheck %s --check-prefix=SYNTAX

// PAR: error: tir-apply-schedule: parallel: loop 'k' iterates the reduce variable of block 'C'
// VEC: error: tir-apply-schedule: vectorize: loop 'i' has a symbolic extent 'n' (split it first)
// SPLIT: error: tir-apply-schedule: split of loop 'j': at most one factor may be None, got [None, None]
// SYNTAX: error: tir-apply-schedule: trace line 3: cannot parse 'split(loop=' 
tir.func @matmul(%A: !tir.buffer<[n, 64], f32>, %B: !tir.buffer<[64, 64], f32>, %C: !tir.buffer<[n, 64], f32>) {
  tir.for k in range(64) {
    tir.for j in range(64) {
      tir.for i in range(n) {
        tir.block "C" (vi = spatial(n, i), vj = spatial(64, j), vk = reduce(64, k)) reads(%A[vi, vk], %B[vk, vj]) writes(%C[vi, vj]) init {
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
