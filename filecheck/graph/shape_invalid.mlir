// RUN: tensorforge-opt %s --split-input-file --verify-diagnostics | filecheck %s

graph.func @reshape_0(%a0: !graph.tensor<[2, 3], f32>) -> (r0: !graph.tensor<[4, 2], f32>) {
  %0 = graph.reshape %a0 {shape = #graph.shape<[4, 2]>} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[4, 2], f32>
  graph.return %0 : !graph.tensor<[4, 2], f32>
}
// CHECK: 'graph.reshape' op cannot reshape [2, 3] (6 elements) into [4, 2] (8 elements)

// -----

graph.func @reshape_1(%a0: !graph.tensor<[n, 4], f32>) -> (r0: !graph.tensor<[n+1, 4], f32>) {
  %0 = graph.reshape %a0 {shape = #graph.shape<[n+1, 4]>} : (!graph.tensor<[n, 4], f32>) -> !graph.tensor<[n+1, 4], f32>
  graph.return %0 : !graph.tensor<[n+1, 4], f32>
}
// CHECK: 'graph.reshape' op cannot reshape [n, 4] (n*4 elements) into [n+1, 4] (n*4+4 elements)

// -----

graph.func @reshape_2(%a0: !graph.tensor<[2, 5], f32>) -> (r0: !graph.tensor<[3, 3], f32>) {
  %0 = graph.reshape %a0 {shape = #graph.shape<[-1, 3]>} : (!graph.tensor<[2, 5], f32>) -> !graph.tensor<[3, 3], f32>
  graph.return %0 : !graph.tensor<[3, 3], f32>
}
// CHECK: 'graph.reshape' op cannot reshape [2, 5] (10 elements) into [-1, 3]: not a multiple of 3

// -----

graph.func @reshape_3(%a0: !graph.tensor<[0, 3], f32>) -> (r0: !graph.tensor<[0, 3], f32>) {
  %0 = graph.reshape %a0 {shape = #graph.shape<[0, -1]>} : (!graph.tensor<[0, 3], f32>) -> !graph.tensor<[0, 3], f32>
  graph.return %0 : !graph.tensor<[0, 3], f32>
}
// CHECK: 'graph.reshape' op cannot infer the -1 in [0, -1]: the other dims hold 0 elements

// -----

graph.func @reshape_4(%a0: !graph.tensor<[2, 3], f32>) -> (r0: !graph.tensor<[2, 3], f32>) {
  %0 = graph.reshape %a0 {shape = #graph.shape<[-1, -1]>} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.reshape' op shape [-1, -1] has more than one -1

// -----

graph.func @reshape_5(%a0: !graph.tensor<[2, 3], f32>) -> (r0: !graph.tensor<[2, 3], f32>) {
  %0 = graph.reshape %a0 {shape = #graph.shape<[-2, 3]>} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.reshape' op shape [-2, 3] has a negative dim (only -1 is allowed)

// -----

graph.func @reshape_6(%a0: !graph.tensor<[0, 3], f32>) -> (r0: !graph.tensor<[0, 3], f32>) {
  %0 = graph.reshape %a0 {shape = #graph.shape<[0, -1]>, allowzero = true} : (!graph.tensor<[0, 3], f32>) -> !graph.tensor<[0, 3], f32>
  graph.return %0 : !graph.tensor<[0, 3], f32>
}
// CHECK: 'graph.reshape' op shape [0, -1] has both 0 and -1, which allowzero forbids

// -----

graph.func @reshape_7(%a0: !graph.tensor<[6], f32>) -> (r0: !graph.tensor<[3, 2], f32>) {
  %0 = graph.reshape %a0 {shape = #graph.shape<[3, 0]>} : (!graph.tensor<[6], f32>) -> !graph.tensor<[3, 2], f32>
  graph.return %0 : !graph.tensor<[3, 2], f32>
}
// CHECK: 'graph.reshape' op shape dim 1 is 0 (copy the input dim), but the input has rank 1

// -----

graph.func @reshape_8(%a0: !graph.tensor<[n, 4, 8], f32>) -> (r0: !graph.tensor<[n, 16], f32>) {
  %0 = graph.reshape %a0 {shape = #graph.shape<[-1, 32]>} : (!graph.tensor<[n, 4, 8], f32>) -> !graph.tensor<[n, 16], f32>
  graph.return %0 : !graph.tensor<[n, 16], f32>
}
// CHECK: 'graph.reshape' op result #0 dim 1 is 16, expected 32 (inferred !graph.tensor<[n, 32], f32>)

// -----

graph.func @transpose_9(%a0: !graph.tensor<[2, 3], f32>) -> (r0: !graph.tensor<[2, 3], f32>) {
  %0 = graph.transpose %a0 {perm = array<i64: 0>} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.transpose' op perm [0] has 1 entries, expected 2 (the input rank)

// -----

graph.func @transpose_10(%a0: !graph.tensor<[2, 3], f32>) -> (r0: !graph.tensor<[3, 3], f32>) {
  %0 = graph.transpose %a0 {perm = array<i64: 1, 1>} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[3, 3], f32>
  graph.return %0 : !graph.tensor<[3, 3], f32>
}
// CHECK: 'graph.transpose' op perm [1, 1] has repeated entries for rank 2

// -----

graph.func @transpose_11(%a0: !graph.tensor<[2, 3], f32>) -> (r0: !graph.tensor<[2, 3], f32>) {
  %0 = graph.transpose %a0 {perm = array<i64: 0, 2>} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.transpose' op axis 2 in perm is out of range for rank 2

// -----

graph.func @transpose_12(%a0: !graph.tensor<[2, 3], f32>) -> (r0: !graph.tensor<[2, 3], f32>) {
  %0 = graph.transpose %a0 : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.transpose' op result #0 dim 0 is 2, expected 3 (inferred !graph.tensor<[3, 2], f32>)

// -----

graph.func @broadcast_to_13(%a0: !graph.tensor<[3, 4], f32>) -> (r0: !graph.tensor<[3, 5], f32>) {
  %0 = graph.broadcast_to %a0 {shape = #graph.shape<[3, 5]>} : (!graph.tensor<[3, 4], f32>) -> !graph.tensor<[3, 5], f32>
  graph.return %0 : !graph.tensor<[3, 5], f32>
}
// CHECK: 'graph.broadcast_to' op cannot broadcast [3, 4] to [3, 5]: input dim 1 is 4, expected 1 or 5

// -----

graph.func @broadcast_to_14(%a0: !graph.tensor<[3, 4], f32>) -> (r0: !graph.tensor<[4], f32>) {
  %0 = graph.broadcast_to %a0 {shape = #graph.shape<[4]>} : (!graph.tensor<[3, 4], f32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.broadcast_to' op cannot broadcast [3, 4] to [4]: the target has lower rank

// -----

graph.func @broadcast_to_15(%a0: !graph.tensor<[3], f32>) -> (r0: !graph.tensor<[3, 3], f32>) {
  %0 = graph.broadcast_to %a0 {shape = #graph.shape<[-1, 3]>} : (!graph.tensor<[3], f32>) -> !graph.tensor<[3, 3], f32>
  graph.return %0 : !graph.tensor<[3, 3], f32>
}
// CHECK: 'graph.broadcast_to' op shape [-1, 3] has -1 at dim 0, where the input has no dim to keep

// -----

graph.func @broadcast_to_16(%a0: !graph.tensor<[3], f32>) -> (r0: !graph.tensor<[2, 3], f32>) {
  %0 = graph.broadcast_to %a0 {shape = #graph.shape<[-2, 3]>} : (!graph.tensor<[3], f32>) -> !graph.tensor<[2, 3], f32>
  graph.return %0 : !graph.tensor<[2, 3], f32>
}
// CHECK: 'graph.broadcast_to' op shape [-2, 3] has a negative dim

// -----

graph.func @broadcast_to_17(%a0: !graph.tensor<[3], f32>) -> (r0: !graph.tensor<[4], f32>) {
  %0 = graph.broadcast_to %a0 {shape = #graph.shape<[4]>, bidirectional = true} : (!graph.tensor<[3], f32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.broadcast_to' op shapes [3] and [4] do not broadcast: dim -1 is 3 vs 4

// -----

graph.func @squeeze_18(%a0: !graph.tensor<[2, 3], f32>) -> (r0: !graph.tensor<[2], f32>) {
  %0 = graph.squeeze %a0 {axes = array<i64: 1>} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.squeeze' op cannot squeeze axis 1 of size 3: it is not 1

// -----

graph.func @squeeze_19(%a0: !graph.tensor<[], f32>) -> (r0: !graph.tensor<[], f32>) {
  %0 = graph.squeeze %a0 {axes = array<i64: 0>} : (!graph.tensor<[], f32>) -> !graph.tensor<[], f32>
  graph.return %0 : !graph.tensor<[], f32>
}
// CHECK: 'graph.squeeze' op axes [0] given for a rank-0 tensor

// -----

graph.func @squeeze_20(%a0: !graph.tensor<[1, 1], f32>) -> (r0: !graph.tensor<[1], f32>) {
  %0 = graph.squeeze %a0 {axes = array<i64: 0, -2>} : (!graph.tensor<[1, 1], f32>) -> !graph.tensor<[1], f32>
  graph.return %0 : !graph.tensor<[1], f32>
}
// CHECK: 'graph.squeeze' op axes [0, -2] has repeated entries for rank 2

// -----

graph.func @unsqueeze_21(%a0: !graph.tensor<[2], f32>) -> (r0: !graph.tensor<[2, 1], f32>) {
  %0 = graph.unsqueeze %a0 {axes = array<i64: 2>} : (!graph.tensor<[2], f32>) -> !graph.tensor<[2, 1], f32>
  graph.return %0 : !graph.tensor<[2, 1], f32>
}
// CHECK: 'graph.unsqueeze' op axis 2 in axes is out of range for rank 2

// -----

graph.func @flatten_22(%a0: !graph.tensor<[2, 3], f32>) -> (r0: !graph.tensor<[6, 1], f32>) {
  %0 = graph.flatten %a0 {axis = 3 : i64} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[6, 1], f32>
  graph.return %0 : !graph.tensor<[6, 1], f32>
}
// CHECK: 'graph.flatten' op axis 3 is out of range [-2, 2] for rank 2

// -----

graph.func @tile_23(%a0: !graph.tensor<[2, 3], f32>) -> (r0: !graph.tensor<[4, 3], f32>) {
  %0 = graph.tile %a0 {repeats = array<i64: 2>} : (!graph.tensor<[2, 3], f32>) -> !graph.tensor<[4, 3], f32>
  graph.return %0 : !graph.tensor<[4, 3], f32>
}
// CHECK: 'graph.tile' op repeats [2] has 1 entries, expected 2 (the input rank)

// -----

graph.func @tile_24(%a0: !graph.tensor<[2], f32>) -> (r0: !graph.tensor<[2], f32>) {
  %0 = graph.tile %a0 {repeats = array<i64: -1>} : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.tile' op repeats [-1] has a negative entry

// -----

graph.func @concat_25(%a0: !graph.tensor<[2, 3], f32>, %a1: !graph.tensor<[3, 3], f32>) -> (r0: !graph.tensor<[2, 6], f32>) {
  %0 = graph.concat %a0, %a1 {axis = 1 : i64} : (!graph.tensor<[2, 3], f32>, !graph.tensor<[3, 3], f32>) -> !graph.tensor<[2, 6], f32>
  graph.return %0 : !graph.tensor<[2, 6], f32>
}
// CHECK: 'graph.concat' op operand #1 dim 0 is 3, expected 2

// -----

graph.func @concat_26(%a0: !graph.tensor<[2, 3], f32>, %a1: !graph.tensor<[3], f32>) -> (r0: !graph.tensor<[5, 3], f32>) {
  %0 = graph.concat %a0, %a1 {axis = 0 : i64} : (!graph.tensor<[2, 3], f32>, !graph.tensor<[3], f32>) -> !graph.tensor<[5, 3], f32>
  graph.return %0 : !graph.tensor<[5, 3], f32>
}
// CHECK: 'graph.concat' op operand #1 has rank 1, expected 2 (the rank of operand #0)

// -----

graph.func @concat_27(%a0: !graph.tensor<[2], f32>, %a1: !graph.tensor<[2], i32>) -> (r0: !graph.tensor<[4], f32>) {
  %0 = graph.concat %a0, %a1 {axis = 0 : i64} : (!graph.tensor<[2], f32>, !graph.tensor<[2], i32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.concat' op operands must have the same element type, got f32, i32

// -----

graph.func @concat_28(%a0: !graph.tensor<[], f32>, %a1: !graph.tensor<[], f32>) -> (r0: !graph.tensor<[], f32>) {
  %0 = graph.concat %a0, %a1 {axis = 0 : i64} : (!graph.tensor<[], f32>, !graph.tensor<[], f32>) -> !graph.tensor<[], f32>
  graph.return %0 : !graph.tensor<[], f32>
}
// CHECK: 'graph.concat' op cannot concatenate rank-0 tensors

// -----

graph.func @concat_29(%a0: !graph.tensor<[2], f32>) -> (r0: !graph.tensor<[2], f32>) {
  %0 = graph.concat %a0 {axis = 1 : i64} : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.concat' op axis 1 is out of range for rank 1

// -----

graph.func @concat_30() -> (r0: !graph.tensor<[2], f32>) {
  %0 = graph.concat {axis = 0 : i64} : () -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.concat' op needs at least one operand

// -----

graph.func @split_31(%a0: !graph.tensor<[6], f32>) -> (r0: !graph.tensor<[2], f32>, r1: !graph.tensor<[3], f32>) {
  %0, %1 = graph.split %a0 {sizes = array<i64: 2, 3>} : (!graph.tensor<[6], f32>) -> (!graph.tensor<[2], f32>, !graph.tensor<[3], f32>)
  graph.return %0, %1 : !graph.tensor<[2], f32>, !graph.tensor<[3], f32>
}
// CHECK: 'graph.split' op sizes [2, 3] sum to 5, but dim 0 is 6

// -----

graph.func @split_32(%a0: !graph.tensor<[n], f32>) -> (r0: !graph.tensor<[n], f32>, r1: !graph.tensor<[1], f32>) {
  %0, %1 = graph.split %a0 {sizes = #graph.shape<[n, 1]>} : (!graph.tensor<[n], f32>) -> (!graph.tensor<[n], f32>, !graph.tensor<[1], f32>)
  graph.return %0, %1 : !graph.tensor<[n], f32>, !graph.tensor<[1], f32>
}
// CHECK: 'graph.split' op sizes [n, 1] sum to n+1, but dim 0 is n

// -----

graph.func @split_33(%a0: !graph.tensor<[6], f32>) -> (r0: !graph.tensor<[6], f32>) {
  %0 = graph.split %a0 : (!graph.tensor<[6], f32>) -> !graph.tensor<[6], f32>
  graph.return %0 : !graph.tensor<[6], f32>
}
// CHECK: 'graph.split' op needs exactly one of 'sizes' and 'num_outputs'

// -----

graph.func @split_34(%a0: !graph.tensor<[6], f32>) -> (r0: !graph.tensor<[3], f32>, r1: !graph.tensor<[3], f32>) {
  %0, %1 = graph.split %a0 {sizes = array<i64: -1, -1>} : (!graph.tensor<[6], f32>) -> (!graph.tensor<[3], f32>, !graph.tensor<[3], f32>)
  graph.return %0, %1 : !graph.tensor<[3], f32>, !graph.tensor<[3], f32>
}
// CHECK: 'graph.split' op sizes [-1, -1] has more than one -1

// -----

graph.func @split_35(%a0: !graph.tensor<[6], f32>) -> (r0: !graph.tensor<[3], f32>, r1: !graph.tensor<[3], f32>) {
  %0, %1 = graph.split %a0 {sizes = array<i64: -3, 9>} : (!graph.tensor<[6], f32>) -> (!graph.tensor<[3], f32>, !graph.tensor<[3], f32>)
  graph.return %0, %1 : !graph.tensor<[3], f32>, !graph.tensor<[3], f32>
}
// CHECK: 'graph.split' op sizes [-3, 9] has a negative entry (only one -1 is allowed)

// -----

graph.func @split_36(%a0: !graph.tensor<[6], f32>) -> (r0: !graph.tensor<[4], f32>, r1: !graph.tensor<[4], f32>, r2: !graph.tensor<[0], f32>) {
  %0, %1, %2 = graph.split %a0 {sizes = array<i64: 4, 4, -1>} : (!graph.tensor<[6], f32>) -> (!graph.tensor<[4], f32>, !graph.tensor<[4], f32>, !graph.tensor<[0], f32>)
  graph.return %0, %1, %2 : !graph.tensor<[4], f32>, !graph.tensor<[4], f32>, !graph.tensor<[0], f32>
}
// CHECK: 'graph.split' op sizes [4, 4, -1] need more than dim 0 (6)

// -----

graph.func @split_37(%a0: !graph.tensor<[6], f32>) -> () {
  graph.split %a0 {sizes = array<i64>} : (!graph.tensor<[6], f32>) -> ()
  graph.return
}
// CHECK: 'graph.split' op sizes must not be empty

// -----

graph.func @split_38(%a0: !graph.tensor<[5], f32>) -> (r0: !graph.tensor<[2], f32>, r1: !graph.tensor<[2], f32>, r2: !graph.tensor<[2], f32>, r3: !graph.tensor<[0], f32>) {
  %0, %1, %2, %3 = graph.split %a0 {num_outputs = 4 : i64} : (!graph.tensor<[5], f32>) -> (!graph.tensor<[2], f32>, !graph.tensor<[2], f32>, !graph.tensor<[2], f32>, !graph.tensor<[0], f32>)
  graph.return %0, %1, %2, %3 : !graph.tensor<[2], f32>, !graph.tensor<[2], f32>, !graph.tensor<[2], f32>, !graph.tensor<[0], f32>
}
// CHECK: 'graph.split' op cannot split dim 0 of size 5 into 4 parts of 2

// -----

graph.func @split_39(%a0: !graph.tensor<[5], f32>) -> () {
  graph.split %a0 {num_outputs = 0 : i64} : (!graph.tensor<[5], f32>) -> ()
  graph.return
}
// CHECK: 'graph.split' op num_outputs must be at least 1, got 0

// -----

graph.func @split_40(%a0: !graph.tensor<[], f32>) -> (r0: !graph.tensor<[], f32>) {
  %0 = graph.split %a0 {num_outputs = 1 : i64} : (!graph.tensor<[], f32>) -> !graph.tensor<[], f32>
  graph.return %0 : !graph.tensor<[], f32>
}
// CHECK: 'graph.split' op cannot split a rank-0 tensor

// -----

graph.func @split_41(%a0: !graph.tensor<[6], f32>) -> (r0: !graph.tensor<[3], f32>) {
  %0 = graph.split %a0 {num_outputs = 2 : i64} : (!graph.tensor<[6], f32>) -> !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.split' op expected 2 results, got 1

// -----

graph.func @slice_42(%a0: !graph.tensor<[4], f32>) -> (r0: !graph.tensor<[4], f32>) {
  %0 = graph.slice %a0 {starts = array<i64: 0>, ends = array<i64: 4>, steps = array<i64: 0>} : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.slice' op steps [0] contains 0

// -----

graph.func @slice_43(%a0: !graph.tensor<[4], f32>) -> (r0: !graph.tensor<[4], f32>) {
  %0 = graph.slice %a0 {starts = array<i64: 0, 1>, ends = array<i64: 4>} : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.slice' op starts has 2 entries but ends has 1

// -----

graph.func @slice_44(%a0: !graph.tensor<[4, 4], f32>) -> (r0: !graph.tensor<[4, 4], f32>) {
  %0 = graph.slice %a0 {starts = array<i64: 0>, ends = array<i64: 4>, axes = array<i64: 0, 1>} : (!graph.tensor<[4, 4], f32>) -> !graph.tensor<[4, 4], f32>
  graph.return %0 : !graph.tensor<[4, 4], f32>
}
// CHECK: 'graph.slice' op axes has 2 entries but starts has 1

// -----

graph.func @slice_45(%a0: !graph.tensor<[4], f32>) -> (r0: !graph.tensor<[4], f32>) {
  %0 = graph.slice %a0 {starts = array<i64: 0>, ends = array<i64: 4>, steps = array<i64: 1, 1>} : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.slice' op steps has 2 entries but starts has 1

// -----

graph.func @slice_46(%a0: !graph.tensor<[4], f32>) -> (r0: !graph.tensor<[4], f32>) {
  %0 = graph.slice %a0 {starts = array<i64: 0>, ends = array<i64: 4>, axes = array<i64: 1>} : (!graph.tensor<[4], f32>) -> !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.slice' op axis 1 in axes is out of range for rank 1

// -----

graph.func @pad_47(%a0: !graph.tensor<[3, 4], f32>) -> (r0: !graph.tensor<[3, 4], f32>) {
  %0 = graph.pad %a0 {pads = array<i64: 1, 1>} : (!graph.tensor<[3, 4], f32>) -> !graph.tensor<[3, 4], f32>
  graph.return %0 : !graph.tensor<[3, 4], f32>
}
// CHECK: 'graph.pad' op pads has 2 entries, expected 4 (begin and end for 2 axes)

// -----

graph.func @pad_48(%a0: !graph.tensor<[3], f32>) -> (r0: !graph.tensor<[5], f32>) {
  %0 = graph.pad %a0 {pads = array<i64: 1, 1>, mode = "circular"} : (!graph.tensor<[3], f32>) -> !graph.tensor<[5], f32>
  graph.return %0 : !graph.tensor<[5], f32>
}
// CHECK: 'graph.pad' op mode must be one of constant, reflect, edge, wrap, got 'circular'

// -----

graph.func @pad_49(%a0: !graph.tensor<[3], f32>) -> (r0: !graph.tensor<[0], f32>) {
  %0 = graph.pad %a0 {pads = array<i64: -2, -2>} : (!graph.tensor<[3], f32>) -> !graph.tensor<[0], f32>
  graph.return %0 : !graph.tensor<[0], f32>
}
// CHECK: 'graph.pad' op pads -2 and -2 crop axis 0 of size 3 below zero

// -----

graph.func @pad_50(%a0: !graph.tensor<[0], f32>) -> (r0: !graph.tensor<[1], f32>) {
  %0 = graph.pad %a0 {pads = array<i64: 1, 0>, mode = "edge"} : (!graph.tensor<[0], f32>) -> !graph.tensor<[1], f32>
  graph.return %0 : !graph.tensor<[1], f32>
}
// CHECK: 'graph.pad' op cannot pad axis 0 in 'edge' mode: it is empty

// -----

graph.func @pad_51(%a0: !graph.tensor<[3], i32>) -> (r0: !graph.tensor<[4], i32>) {
  %0 = graph.pad %a0 {pads = array<i64: 1, 0>, value = 1.5 : f64} : (!graph.tensor<[3], i32>) -> !graph.tensor<[4], i32>
  graph.return %0 : !graph.tensor<[4], i32>
}
// CHECK: 'graph.pad' op value 1.5 is not an integer, but the element type is i32

// -----

graph.func @pad_52(%a0: !graph.tensor<[3], ui8>) -> (r0: !graph.tensor<[4], ui8>) {
  %0 = graph.pad %a0 {pads = array<i64: 1, 0>, value = 256 : i64} : (!graph.tensor<[3], ui8>) -> !graph.tensor<[4], ui8>
  graph.return %0 : !graph.tensor<[4], ui8>
}
// CHECK: 'graph.pad' op value 256 is out of range [0, 255] of ui8

// -----

graph.func @pad_53(%a0: !graph.tensor<[3], i1>) -> (r0: !graph.tensor<[4], i1>) {
  %0 = graph.pad %a0 {pads = array<i64: 1, 0>, value = 2 : i64} : (!graph.tensor<[3], i1>) -> !graph.tensor<[4], i1>
  graph.return %0 : !graph.tensor<[4], i1>
}
// CHECK: 'graph.pad' op value 2 is not a valid i1 value (0 or 1)

// -----

graph.func @iota_54() -> (r0: !graph.tensor<[4], f32>) {
  %0 = graph.iota {limit = 4 : i64, delta = 0 : i64, dtype = f32} : !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.iota' op delta must not be 0

// -----

graph.func @iota_55() -> (r0: !graph.tensor<[4], f32>) {
  %0 = graph.iota {dtype = f32} : !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.iota' op needs exactly one of 'limit' (a range) and 'shape'

// -----

graph.func @iota_56() -> (r0: !graph.tensor<[3], f32>) {
  %0 = graph.iota {limit = 3 : i64, dimension = 0 : i64, dtype = f32} : !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.iota' op 'dimension' needs 'shape'

// -----

graph.func @iota_57() -> (r0: !graph.tensor<[3], f32>) {
  %0 = graph.iota {shape = #graph.shape<[3]>, dimension = 1 : i64, dtype = f32} : !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.iota' op dimension 1 is out of range for rank 1

// -----

graph.func @iota_58() -> (r0: !graph.tensor<[], f32>) {
  %0 = graph.iota {shape = #graph.shape<[]>, dtype = f32} : !graph.tensor<[], f32>
  graph.return %0 : !graph.tensor<[], f32>
}
// CHECK: 'graph.iota' op shape must have at least one dim

// -----

graph.func @iota_59() -> (r0: !graph.tensor<[3], f32>) {
  %0 = graph.iota {shape = #graph.shape<[-3]>, dtype = f32} : !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.iota' op shape [-3] has a negative dim

// -----

graph.func @iota_60() -> (r0: !graph.tensor<[3], f32>) {
  %0 = graph.iota {limit = 0x7FF0000000000000 : f64, dtype = f32} : !graph.tensor<[3], f32>
  graph.return %0 : !graph.tensor<[3], f32>
}
// CHECK: 'graph.iota' op cannot count the values from 0 to inf by 1

// -----

graph.func @iota_61() -> (r0: !graph.tensor<[4], f32>) {
  %0 = graph.iota {limit = 4 : i64, dtype = index} : !graph.tensor<[4], f32>
  graph.return %0 : !graph.tensor<[4], f32>
}
// CHECK: 'graph.iota' op dtype index is not a supported element type

// -----

graph.func @iota_62() -> (r0: !graph.tensor<[4], i32>) {
  %0 = graph.iota {start = 1 : i64, limit = 4 : i64, dtype = i32} : !graph.tensor<[4], i32>
  graph.return %0 : !graph.tensor<[4], i32>
}
// CHECK: 'graph.iota' op result #0 dim 0 is 4, expected 3 (inferred !graph.tensor<[3], i32>)

// -----

graph.func @full_63() -> (r0: !graph.tensor<[2], i32>) {
  %0 = graph.full {shape = #graph.shape<[2]>, value = 3.5 : f64, dtype = i32} : !graph.tensor<[2], i32>
  graph.return %0 : !graph.tensor<[2], i32>
}
// CHECK: 'graph.full' op value 3.5 is not an integer, but the element type is i32

// -----

graph.func @full_64() -> (r0: !graph.tensor<[2], i32>) {
  %0 = graph.full {shape = #graph.shape<[2]>, value = 1099511627776 : i64, dtype = i32} : !graph.tensor<[2], i32>
  graph.return %0 : !graph.tensor<[2], i32>
}
// CHECK: 'graph.full' op value 1099511627776 is out of range [-2147483648, 2147483647] of i32

// -----

graph.func @full_65() -> (r0: !graph.tensor<[1], i32>) {
  %0 = graph.full {shape = #graph.shape<[-1]>, value = 0 : i64, dtype = i32} : !graph.tensor<[1], i32>
  graph.return %0 : !graph.tensor<[1], i32>
}
// CHECK: 'graph.full' op shape [-1] has a negative dim

// -----

graph.func @full_66() -> (r0: !graph.tensor<[2], f16>) {
  %0 = graph.full {shape = #graph.shape<[2]>, value = 0 : i64, dtype = f32} : !graph.tensor<[2], f16>
  graph.return %0 : !graph.tensor<[2], f16>
}
// CHECK: 'graph.full' op result #0 has element type f16, expected f32

// -----

graph.func @zeros_like_67(%a0: !graph.tensor<[2], f32>) -> (r0: !graph.tensor<[2], f32>) {
  %0 = graph.zeros_like %a0 {dtype = index} : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.zeros_like' op dtype index is not a supported element type

// -----

graph.func @ones_like_68(%a0: !graph.tensor<[2], f32>) -> (r0: !graph.tensor<[2], f32>) {
  %0 = graph.ones_like %a0 {dtype = i32} : (!graph.tensor<[2], f32>) -> !graph.tensor<[2], f32>
  graph.return %0 : !graph.tensor<[2], f32>
}
// CHECK: 'graph.ones_like' op result #0 has element type f32, expected i32
