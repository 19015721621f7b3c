// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/split.sched"}' | filecheck %s --check-prefix=SPLIT
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/fuse_reorder.sched"}' | filecheck %s --check-prefix=FUSE
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/kinds.sched"}' | filecheck %s --check-prefix=KINDS
// RUN: tensorforge-opt %s -p 'tir-apply-schedule{trace="%S/inputs/bind.sched"}' | filecheck %s --check-prefix=BIND

// split: a symbolic extent gets a ceildiv outer loop and a tail predicate;
// an exact static split gets none.
// SPLIT-LABEL: tir.func @matmul
// SPLIT: tir.for i_0 in range(n ceildiv 16) {
// SPLIT-NEXT: tir.for i_1 in range(16) {
// SPLIT-NEXT: tir.for j in range(64) {
// SPLIT-NEXT: tir.for k_0 in range(4) {
// SPLIT-NEXT: tir.for k_1 in range(16) {
// SPLIT-NEXT: tir.block "C" (vi = spatial(n, i_0*16+i_1), vj = spatial(64, j), vk = reduce(64, k_0*16+k_1)) where(i_0*16+i_1 < n)

// fuse after reorder: the fused loop's variable is split back with floordiv/mod.
// FUSE-LABEL: tir.func @matmul
// FUSE: tir.for i_k_fused in range(n*64) {
// FUSE-NEXT: tir.for j in range(64) {
// FUSE-NEXT: tir.block "C" (vi = spatial(n, i_k_fused floordiv 64), vj = spatial(64, j), vk = reduce(64, i_k_fused mod 64))

// parallel / vectorize / unroll / annotate
// KINDS-LABEL: tir.func @matmul
// KINDS: tir.for i in range(n) parallel {
// KINDS-NEXT: tir.for j_0 in range(8) annotations {pragma_auto_unroll = 16 : i64} {
// KINDS-NEXT: tir.for k in range(64) unrolled {
// KINDS-NEXT: tir.for j_1 in range(8) vectorized {
// KINDS-NEXT: tir.block "C" {{.*}} annotations {schedule_rule = "mlp"}

// BIND-LABEL: tir.func @matmul
// BIND: tir.for i in range(n) thread("blockIdx.x") {
// BIND-NEXT: tir.for j in range(64) thread("threadIdx.x") {
tir.func @matmul(%A: !tir.buffer<[n, 64], f32>, %B: !tir.buffer<[64, 64], f32>, %C: !tir.buffer<[n, 64], f32>) {
  tir.for i in range(n) {
    tir.for j in range(64) {
      tir.for k in range(64) {
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
