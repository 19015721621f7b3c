// A two-layer MLP with a symbolic batch dim `n`.
graph.func @main(%x: !graph.tensor<[n, 4], f32>) -> (probs: !graph.tensor<[n, 3], f32>) {
  %w1 = graph.constant dense<[[0.5, -0.25, 1.0, 0.0], [0.1, 0.2, 0.3, 0.4]]> : tensor<2x4xf32> : !graph.tensor<[2, 4], f32>
  %w2 = graph.constant dense<[[1.0, -1.0], [0.5, 0.5], [-0.5, 2.0]]> : tensor<3x2xf32> : !graph.tensor<[3, 2], f32>
  %s = graph.constant dense<2.0> : tensor<2xf32> : !graph.tensor<[2], f32>
  %b = graph.constant dense<1.0> : tensor<2xf32> : !graph.tensor<[2], f32>
  %sb = graph.mul %s, %b : (!graph.tensor<[2], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  %h = graph.dense %x, %w1, %sb : (!graph.tensor<[n, 4], f32>, !graph.tensor<[2, 4], f32>, !graph.tensor<[2], f32>) -> !graph.tensor<[n, 2], f32>
  %a = graph.relu %h : (!graph.tensor<[n, 2], f32>) -> !graph.tensor<[n, 2], f32>
  %o = graph.dense %a, %w2 : (!graph.tensor<[n, 2], f32>, !graph.tensor<[3, 2], f32>) -> !graph.tensor<[n, 3], f32>
  %p = graph.softmax %o {axis = -1 : i64} : (!graph.tensor<[n, 3], f32>) -> !graph.tensor<[n, 3], f32>
  graph.return %p : !graph.tensor<[n, 3], f32>
}
