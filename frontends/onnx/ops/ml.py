"""Ops of the ai.onnx.ml domain: Binarizer, ArrayFeatureExtractor, Scaler,
Normalizer, LinearRegressor and TreeEnsemble."""

from __future__ import annotations

import numpy as np
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported
from tensorforge.frontends.onnx.ops import converter

DOMAIN = "ai.onnx.ml"


@converter("Binarizer", domain=DOMAIN)
def _binarizer(ctx: Context, node: Node) -> list[Out]:
    x = ctx.x(node, 0)
    above = ctx.emit(g.GtOp, x, ctx.scalar(float(node.attr("threshold", 0.0)), x))
    return [ctx.cast_like(above, x)]


@converter("ArrayFeatureExtractor", domain=DOMAIN)
def _array_feature_extractor(ctx: Context, node: Node) -> list[Out]:
    """Gather on the last axis with flattened indices; a 1-D input gives [1, k]."""
    x, idx = ctx.x(node, 0), ctx.cast(ctx.x(node, 1), np.int64)
    t = ctx.type(x)
    flat = ctx.reshape(idx, [-1])
    picked = ctx.emit(g.GatherOp, x, flat, axis=t.rank - 1)
    return [ctx.reshape(picked, [1, -1]) if t.rank == 1 else picked]


@converter("Scaler", domain=DOMAIN)
def _scaler(ctx: Context, node: Node) -> list[Out]:
    x = ctx.cast(ctx.x(node, 0), np.float32)
    offset = ctx.const(np.asarray(node.attr("offset", [0.0]), np.float32))
    scale = ctx.const(np.asarray(node.attr("scale", [1.0]), np.float32))
    return [ctx.emit(g.MulOp, ctx.emit(g.SubOp, x, offset), scale)]


@converter("Normalizer", domain=DOMAIN)
def _normalizer(ctx: Context, node: Node) -> list[Out]:
    x = ctx.cast(ctx.x(node, 0), np.float32)
    norm = node.attr("norm", "MAX")
    axis = ctx.type(x).rank - 1
    if norm == "MAX":
        d = ctx.emit(g.ReduceMaxOp, x, axes=[axis], keepdims=True)
    elif norm == "L1":
        d = ctx.emit(g.ReduceSumOp, ctx.emit(g.AbsOp, x), axes=[axis], keepdims=True)
    elif norm == "L2":
        d = ctx.emit(g.ReduceL2Op, x, axes=[axis], keepdims=True)
    else:
        raise Unsupported(f"norm '{norm}' is not supported")
    return [ctx.emit(g.DivOp, x, d)]


@converter("LinearRegressor", domain=DOMAIN)
def _linear_regressor(ctx: Context, node: Node) -> list[Out]:
    if node.attr("post_transform", "NONE") != "NONE":
        raise Unsupported("post_transform other than NONE is not supported")
    x = ctx.cast(ctx.x(node, 0), np.float32)
    targets = int(node.attr("targets", 1))
    coef = np.asarray(node.attr("coefficients", []), np.float32).reshape(targets, -1)
    y = ctx.emit(g.MatmulOp, x, ctx.const(np.ascontiguousarray(coef.T)))
    intercepts = node.attr("intercepts")
    if intercepts:
        y = ctx.emit(g.AddOp, y, ctx.const(np.asarray(intercepts, np.float32)))
    return [y]


# -- TreeEnsemble ---------------------------------------------------------------------------
_COMPARE = {0: g.LeOp, 1: g.LtOp, 2: g.GeOp, 3: g.GtOp, 4: g.EqOp, 5: g.NeOp}


@converter("TreeEnsemble", domain=DOMAIN)
def _tree_ensemble(ctx: Context, node: Node) -> list[Out]:
    """Each leaf is the AND of the decisions on its path; a target's value
    aggregates the weights of the reached leaves (post_transform NONE)."""
    if int(node.attr("post_transform", 0)) != 0:
        raise Unsupported("post_transform other than NONE is not supported")
    x = ctx.x(node, 0)
    forest = _Forest(ctx, node, x)
    targets = int(node.attr("n_targets"))
    agg = int(node.attr("aggregate_function", 1))
    if agg not in (0, 1, 2, 3):
        raise Unsupported(f"aggregate_function {agg} is not supported")
    leaves = [forest.leaves(root) for root in node.attr("tree_roots")]
    cols = [forest.column(leaves, t, agg) for t in range(targets)]
    return [cols[0] if len(cols) == 1 else ctx.emit(g.ConcatOp, cols, axis=1)]


class _Forest:
    """The node arrays of a TreeEnsemble and the decisions they make on x [N, F]."""

    def __init__(self, ctx: Context, node: Node, x: SSAValue) -> None:
        self.ctx, self.node, self.x = ctx, node, x
        self.n = ctx.type(x).dims[0]
        self.a = {k: list(np.asarray(node.attr(k)).reshape(-1)) for k in (
            "nodes_featureids", "nodes_modes", "nodes_splits", "nodes_truenodeids", "nodes_falsenodeids",
            "nodes_trueleafs", "nodes_falseleafs", "leaf_targetids", "leaf_weights")}
        tracks = node.attr("nodes_missing_value_tracks_true")
        self.tracks = list(np.asarray(tracks).reshape(-1)) if tracks is not None else [0] * len(self.a["nodes_modes"])
        self.members = self._members()
        self._decisions: dict[int, SSAValue] = {}

    def _members(self) -> dict[int, list[float]]:
        values = self.node.attr("membership_values")
        flat = list(np.asarray(values).reshape(-1)) if values is not None else []
        out: dict[int, list[float]] = {}
        pos = 0
        for k, mode in enumerate(self.a["nodes_modes"]):
            if int(mode) != 6:
                continue
            end = next(i for i in range(pos, len(flat)) if np.isnan(flat[i]))
            out[k] = [float(v) for v in flat[pos:end]]
            pos = end + 1
        return out

    def decision(self, k: int) -> SSAValue:
        """x[:, feature] <op> split for node k, [N] i1 (NaN goes true if tracked)."""
        if k in self._decisions:
            return self._decisions[k]
        ctx, f = self.ctx, int(self.a["nodes_featureids"][k])
        col = ctx.reshape(ctx.emit(g.SliceOp, self.x, starts=[f], ends=[f + 1], axes=[1]), [self.n])
        mode = int(self.a["nodes_modes"][k])
        if mode == 6:
            hits = [ctx.emit(g.EqOp, col, ctx.scalar(v, col)) for v in self.members[k]]
            d = hits[0] if hits else ctx.emit(g.NeOp, col, col)
            for h in hits[1:]:
                d = ctx.emit(g.OrOp, d, h)
        else:
            d = ctx.emit(_COMPARE[mode], col, ctx.scalar(float(self.a["nodes_splits"][k]), col))
        if self.tracks[k]:
            d = ctx.emit(g.OrOp, d, ctx.emit(g.IsNanOp, col))
        self._decisions[k] = d
        return d

    def leaves(self, root: int) -> list[tuple[int, SSAValue | None]]:
        """(leaf index, reached-mask or None for always) of one tree."""
        a = self.a
        if a["nodes_trueleafs"][root] and a["nodes_falseleafs"][root] and \
                a["nodes_truenodeids"][root] == a["nodes_falsenodeids"][root]:
            return [(int(a["nodes_truenodeids"][root]), None)]
        out: list[tuple[int, SSAValue | None]] = []
        todo: list[tuple[int, SSAValue | None]] = [(root, None)]
        while todo:
            k, path = todo.pop()
            d = self.decision(k)
            for branch, cond in ((True, d), (False, self.ctx.emit(g.NotOp, d))):
                reach = cond if path is None else self.ctx.emit(g.AndOp, path, cond)
                child = int(a["nodes_truenodeids" if branch else "nodes_falsenodeids"][k])
                is_leaf = a["nodes_trueleafs" if branch else "nodes_falseleafs"][k]
                (out if is_leaf else todo).append((child, reach))
        return out

    def column(self, trees: list[list[tuple[int, SSAValue | None]]], target: int, agg: int) -> SSAValue:
        """[N, 1] aggregated value of one target over the trees."""
        ctx = self.ctx
        elt = ctx.type(self.x).dtype
        init = {0: 0.0, 1: 0.0, 2: float(np.finfo(elt).max), 3: float(np.finfo(elt).min)}[agg]
        acc = ctx.emit(g.FullOp, shape=[self.n], value=init, dtype=ctx.type(self.x).element_type)
        for leaves in trees:
            mine = [(i, m) for i, m in leaves if int(self.a["leaf_targetids"][i]) == target]
            if not mine:
                continue
            value = ctx.emit(g.FullOp, shape=[self.n], value=0.0, dtype=ctx.type(self.x).element_type)
            hit = None
            for i, m in mine:
                w = ctx.scalar(float(self.a["leaf_weights"][i]), acc)
                if m is None:
                    value, hit = ctx.emit(g.AddOp, value, w), None
                    break
                value = ctx.emit(g.WhereOp, m, w, value)
                hit = m if hit is None else ctx.emit(g.OrOp, hit, m)
            if agg in (0, 1):
                acc = ctx.emit(g.AddOp, acc, value)
                continue
            op = g.MinimumOp if agg == 2 else g.MaximumOp
            best = ctx.emit(op, acc, value)
            acc = best if hit is None else ctx.emit(g.WhereOp, hit, best, acc)
        if agg == 0:
            acc = ctx.emit(g.DivOp, acc, ctx.scalar(float(len(trees)), acc))
        return ctx.reshape(acc, [self.n, 1])
