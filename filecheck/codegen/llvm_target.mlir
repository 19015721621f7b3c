// RUN: tensorforge-opt %s -t llvm | filecheck %s
// RUN: tensorforge-opt %s -t 'llvm{opt=3 cpu=generic}' | filecheck %s --check-prefix=OPT

// `-t llvm` prints the LLVM IR of every tir.func: `void @name(ptr noalias buf..., i64 sym...)`,
// loops as CFG blocks with an induction-variable phi, elements addressed with getelementptr,
// parallel loops outlined and run by GOMP_parallel, float -> int casts saturating.

tir.func @copy(%A: !tir.buffer<[n, 4], f32>, %B: !tir.buffer<[n, 4], f32>) {
  tir.for i in range(n) {
    tir.for j in range(4) {
      tir.block "B" (vi = spatial(n, i), vj = spatial(4, j)) reads(%A[vi, vj]) writes(%B[vi, vj]) {
        %a = tir.load %A[vi, vj] : f32
        tir.store %a, %B[vi, vj]
      }
    }
  }
  tir.return
}
// CHECK-LABEL: define void @"copy"(
// CHECK-SAME:  ptr {{.*}}noalias %[[A:"\.[0-9]+"]], ptr {{.*}}noalias %[[B:"\.[0-9]+"]], i64 %[[N:"\.[0-9]+"]])
// CHECK:       %[[I:"\.[0-9]+"]] = phi i64 [0, %{{.*}}], [%{{.*}}, %{{.*}}]
// CHECK-NEXT:  icmp slt i64 %[[I]], %[[N]]
// CHECK:       %[[J:"\.[0-9]+"]] = phi i64
// CHECK:       mul i64 %[[I]], 4
// CHECK:       %[[SRC:"\.[0-9]+"]] = getelementptr float, ptr %[[A]], i64
// CHECK-NEXT:  %[[V:"\.[0-9]+"]] = load float, ptr %[[SRC]]
// CHECK:       %[[DST:"\.[0-9]+"]] = getelementptr float, ptr %[[B]], i64
// CHECK-NEXT:  store float %[[V]], ptr %[[DST]]

tir.func @scale_parallel(%A: !tir.buffer<[n], f32>, %B: !tir.buffer<[n], f32>) {
  tir.for i in range(n) parallel {
    tir.block "B" (vi = spatial(n, i)) reads(%A[vi]) writes(%B[vi]) {
      %a = tir.load %A[vi] : f32
      %two = arith.constant 2.0 : f32
      %b = arith.mulf %a, %two : f32
      tir.store %b, %B[vi]
    }
  }
  tir.return
}
// The outlined body takes the buffers as noalias pointers, runs this thread's chunk.
// CHECK-LABEL: define void @"scale_parallel_par{{[0-9]+}}_i_body"(
// CHECK-SAME:  ptr {{.*}}noalias
// CHECK:       call {{.*}}@"omp_get_thread_num"()
// CHECK:       fmul contract float
// CHECK-LABEL: define void @"scale_parallel"(
// CHECK-SAME:  ptr {{.*}}noalias %{{.*}}, ptr {{.*}}noalias %{{.*}}, i64
// CHECK:       call {{.*}}@"GOMP_parallel"(

tir.func @to_int(%A: !tir.buffer<[8], f32>, %B: !tir.buffer<[8], i32>) {
  tir.for i in range(8) {
    tir.block "B" (vi = spatial(8, i)) reads(%A[vi]) writes(%B[vi]) {
      %a = tir.load %A[vi] : f32
      %b = arith.fptosi %a : f32 to i32
      tir.store %b, %B[vi]
    }
  }
  tir.return
}
// CHECK-LABEL: define void @"to_int"(
// CHECK:       %[[X:"\.[0-9]+"]] = load float
// CHECK:       call i32 @"llvm.fptosi.sat.i32.f32"(float %[[X]])

tir.func @bf16_add(%A: !tir.buffer<[n], bf16>, %B: !tir.buffer<[n], bf16>) {
  tir.for i in range(n) {
    tir.block "B" (vi = spatial(n, i)) reads(%A[vi]) writes(%B[vi]) {
      %a = tir.load %A[vi] : bf16
      %b = arith.addf %a, %a : bf16
      tir.store %b, %B[vi]
    }
  }
  tir.return
}
// bf16 values are their bits (i16); arithmetic in f32, rounded to nearest even.
// CHECK-LABEL: define void @"bf16_add"(
// CHECK:       load i16
// CHECK:       shl i32 %{{.*}}, 16
// CHECK:       fadd contract float
// CHECK:       fcmp uno float
// CHECK:       store i16

tir.func @tanh(%A: !tir.buffer<[n], f64>, %B: !tir.buffer<[n], f64>) {
  tir.for i in range(n) {
    tir.block "B" (vi = spatial(n, i)) reads(%A[vi]) writes(%B[vi]) {
      %a = tir.load %A[vi] : f64
      %b = math.tanh %a : f64
      tir.store %b, %B[vi]
    }
  }
  tir.return
}
// A kernel named like the libm function it calls gets another symbol.
// CHECK-LABEL: define void @"tanh.kernel"(
// CHECK:       call {{.*}}double @"tanh"(double

tir.func @scratch(%A: !tir.buffer<[n], f32>, %B: !tir.buffer<[n], f32>) {
  %t = tir.alloc : !tir.buffer<[4], f32>
  tir.for i in range(n) {
    tir.block "B" (vi = spatial(n, i)) reads(%A[vi], %t[0]) writes(%B[vi]) {
      %a = tir.load %A[vi] : f32
      %z = tir.load %t[0] : f32
      %b = arith.addf %a, %z : f32
      tir.store %b, %B[vi]
    }
  }
  tir.return
}
// A small tir.alloc is a zero-filled stack buffer in the entry block.
// CHECK-LABEL: define void @"scratch"(
// CHECK-NEXT:  {
// CHECK-NEXT:  .{{[0-9]+}}:
// CHECK-NEXT:  %[[T:"\.[0-9]+"]] = alloca i8, i64 16, align 64
// CHECK-NEXT:  call void @"llvm.memset.p0.i64"({{.*}}%[[T]], i8 0, i64 16, i1 0)

// Optimized for a CPU: the data layout is set, the kernels keep their arguments' noalias.
// OPT: target datalayout = "e-
// OPT-LABEL: define void @copy(
// OPT-SAME:  ptr noalias
// OPT-LABEL: define void @scale_parallel(
// OPT:       @GOMP_parallel(
// OPT-LABEL: define void @to_int(
// OPT:       @llvm.fptosi.sat.
