// RUN: tensorforge-opt %s -t 'llvm{vector-bits=512}' | filecheck %s
// RUN: tensorforge-opt %s -t 'llvm{vector-bits=256}' | filecheck %s --check-prefix=AVX2
// RUN: tensorforge-opt %s -t 'llvm{vector-bits=0}' | filecheck %s --check-prefix=OFF
// RUN: not tensorforge-opt %s -t 'llvm{vector-bits=96}' 2>&1 | filecheck %s --check-prefix=ERR

// A `vectorized` loop of static extent lowers to <W x T> vector code (codegen/llvm/vector.py):
// contiguous accesses are vector loads/stores, loop-invariant ones a scalar load splat to all
// lanes, and a scalar loop runs the last `extent mod W` iterations.

tir.func @axpy(%X: !tir.buffer<[n, 20], f32>, %S: !tir.buffer<[n], f32>, %Y: !tir.buffer<[n, 20], f32>) {
  tir.for i in range(n) {
    tir.for j in range(20) vectorized {
      tir.block "Y" (vi = spatial(n, i), vj = spatial(20, j)) reads(%X[vi, vj], %S[vi], %Y[vi, vj]) writes(%Y[vi, vj]) {
        %x = tir.load %X[vi, vj] : f32
        %s = tir.load %S[vi] : f32
        %y = tir.load %Y[vi, vj] : f32
        %m = arith.mulf %s, %x : f32
        %r = arith.addf %m, %y : f32
        tir.store %r, %Y[vi, vj]
      }
    }
  }
  tir.return
}
// CHECK-LABEL: define void @"axpy"(
// CHECK:       %[[XP:"\.[0-9]+"]] = getelementptr <16 x float>, ptr %{{.*}}, i32 0
// CHECK-NEXT:  %[[X:"\.[0-9]+"]] = load <16 x float>, ptr %[[XP]], align 4
// CHECK:       %[[S:"\.[0-9]+"]] = load float, ptr
// CHECK-NEXT:  %[[S1:"\.[0-9]+"]] = insertelement <16 x float> {{.*}}, float %[[S]], i32 0
// CHECK-NEXT:  %[[SV:"\.[0-9]+"]] = shufflevector <16 x float> %[[S1]], {{.*}}, <16 x i32> <i32 0, i32 0,
// CHECK:       %[[Y:"\.[0-9]+"]] = load <16 x float>
// CHECK-NEXT:  %[[M:"\.[0-9]+"]] = fmul contract <16 x float> %[[SV]], %[[X]]
// CHECK-NEXT:  %[[R:"\.[0-9]+"]] = fadd contract <16 x float> %[[M]], %[[Y]]
// CHECK:       store <16 x float> %[[R]], ptr %{{.*}}, align 4
// The scalar tail: j from 16 to 20.
// CHECK:       phi i64 [16,
// CHECK:       fmul contract float
// AVX2-LABEL:  define void @"axpy"(
// AVX2:        load <8 x float>
// AVX2:        fmul contract <8 x float>
// AVX2:        store <8 x float>
// AVX2:        phi i64 [16,
// OFF-LABEL:   define void @"axpy"(
// OFF-NOT:     x float>
// OFF:         call ccc void @"__tensorforge_loop_hint_vectorized"(i64 20)

tir.func @sigmoid(%X: !tir.buffer<[32], f32>, %Y: !tir.buffer<[32], f32>) {
  tir.for j in range(32) vectorized {
    tir.block "Y" (v = spatial(32, j)) reads(%X[v]) writes(%Y[v]) {
      %x = tir.load %X[v] : f32
      %one = arith.constant 1.0 : f32
      %n = arith.negf %x : f32
      %e = math.exp %n : f32
      %d = arith.addf %one, %e : f32
      %y = arith.divf %one, %d : f32
      tir.store %y, %Y[v]
    }
  }
  tir.return
}
// exp of f32 lanes is vmath's polynomial on vectors; two chunks of 16 lanes, no tail.
// CHECK-LABEL: define void @"sigmoid"(
// CHECK:       fneg <16 x float>
// CHECK:       call <16 x float> @"llvm.fma.v16f32"(
// CHECK:       bitcast <16 x i32> %{{.*}} to <16 x float>
// CHECK:       fdiv contract <16 x float>
// CHECK:       store <16 x float>
// CHECK:       call ccc void @"__tensorforge_loop_hint_unrolled"(i64 2)
// CHECK-NOT:   load float
// CHECK:       ret void

tir.func @strided(%X: !tir.buffer<[64], f32>, %Y: !tir.buffer<[64], f32>) {
  tir.for j in range(32) vectorized {
    tir.block "Y" (v = spatial(32, j)) reads(%X[v*2]) writes(%Y[v*2]) {
      %x = tir.load %X[v*2] : f32
      tir.store %x, %Y[v*2]
    }
  }
  tir.return
}
// A store with stride 2 is refused: the scalar loop with LLVM loop-vectorizer hints.
// CHECK-LABEL: define void @"strided"(
// CHECK-NOT:   x float>
// CHECK:       store float
// CHECK:       call ccc void @"__tensorforge_loop_hint_vectorized"(i64 32)

// ERR: -t llvm: vector-bits must be 0 or a power of two from 64 to 4096, got 96
