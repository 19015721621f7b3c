// RUN: rm -rf %t && mkdir -p %t && cd %t && tensorforge-opt %s -p 'graph-outline-constants{file="w.npz" min-elements=4}' | filecheck %s
// RUN: cd %t && tensorforge-opt %s -p 'graph-outline-constants{file="w.npz" min-elements=4},graph-fold-constants{fold-external=true}' | filecheck %s --check-prefix=FOLD

// CHECK-LABEL: graph.func @main
// CHECK: %big = graph.constant #graph.external<"w.npz", "main.big"> : !graph.tensor<[2, 2], f32>
// CHECK: %small = graph.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// FOLD-LABEL: graph.func @main
// FOLD: graph.constant dense<{{\[}}[2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00]]> : tensor<2x2xf32>
graph.func @main() -> (out: !graph.tensor<[2, 2], f32>) {
  %big = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> : !graph.tensor<[2, 2], f32>
  %small = graph.constant dense<[1.0, 2.0]> : tensor<2xf32> : !graph.tensor<[2], f32>
  %one = graph.constant dense<1.0> : tensor<f32> : !graph.tensor<[], f32>
  %r = graph.add %big, %one : (!graph.tensor<[2, 2], f32>, !graph.tensor<[], f32>) -> !graph.tensor<[2, 2], f32>
  graph.return %r : !graph.tensor<[2, 2], f32>
}
