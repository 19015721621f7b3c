// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s

tir.func @f(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(m) {
  }
  tir.return
}
// CHECK: 'tir.func' op @f: extent of loop 'i' uses unknown name(s) m in 'm'

// -----

tir.func @f(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(n) {
    tir.for i in range(n) {
    }
  }
  tir.return
}
// CHECK: 'tir.func' op @f: loop variable name 'i' is already used

// -----

tir.func @f(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(n) {
    tir.block "B" (v = spatial(n, j)) reads() writes(%A[v]) {
    }
  }
  tir.return
}
// CHECK: 'tir.func' op @f: binding of 'v' in block 'B' uses unknown name(s) j in 'j'

// -----

tir.func @f(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(n) {
    tir.block "B" (v = spatial(n, i)) reads() writes(%A[v]) {
      %a = tir.load %A[w] : f32
    }
  }
  tir.return
}
// CHECK: 'tir.func' op @f: index of tir.load uses unknown name(s) w in 'w'

// -----

tir.func @f(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(n) {
    tir.block "B" (v = diagonal(n, i)) reads() writes(%A[v]) {
    }
  }
  tir.return
}
// CHECK: 'tir.block' op block 'B': iteration variable 'v' has unknown kind 'diagonal'

// -----

tir.func @f(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(n) {
    tir.block "B" (v = spatial(n, i)) reads() writes(%A[v, v]) {
    }
  }
  tir.return
}
// CHECK: 'tir.block' op block 'B': write region of rank 2 for a rank-1 buffer

// -----

tir.func @f(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(n) {
    tir.block "B" (v = spatial(n, i)) reads() writes(%A[v]) {
      %a = tir.load %A[v, v] : f32
    }
  }
  tir.return
}
// CHECK: 'tir.load' op 2 indices for a rank-1 buffer

// -----

tir.func @f(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(n) {
    tir.block "B" (v = spatial(n, i)) reads() writes(%A[v]) {
      %c = arith.constant 1 : i32
      tir.store %c, %A[v]
    }
  }
  tir.return
}
// CHECK: 'tir.store' op stored value of type i32 does not match buffer element type f32

// -----

tir.func @f(%A: !tir.buffer<[n], f32>) {
  tir.for i in range(n) thread("warp.x") {
  }
  tir.return
}
// CHECK: 'tir.for' op loop 'i' bound to unknown thread axis 'warp.x'

