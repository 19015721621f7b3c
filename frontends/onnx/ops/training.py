"""Optimizer update rules of the ai.onnx.preview.training domain: Adagrad,
Momentum and Adam, each over one or more (X, G, state) groups. The
iteration count T is a run-time scalar; `T > 0` selects the adjusted rates."""

from __future__ import annotations

from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.frontends.onnx.context import Context, Node, Out
from tensorforge.frontends.onnx.ops import converter

DOMAIN = "ai.onnx.preview.training"


def _groups(ctx: Context, node: Node, per: int) -> tuple[SSAValue, SSAValue, list[list[SSAValue]]]:
    """R, T (as the tensors' float type) and the per-tensor operand groups."""
    inputs = [ctx.x(node, i) for i in range(len(node.inputs))]
    n = (len(inputs) - 2) // per
    groups = [[inputs[2 + k * n + i] for k in range(per)] for i in range(n)]
    like = groups[0][0]
    return ctx.cast_like(inputs[0], like), ctx.cast_like(inputs[1], like), groups


def _lin(ctx: Context, a: float, x: SSAValue, b: float, y: SSAValue) -> SSAValue:
    """a * x + b * y."""
    return ctx.emit(g.AddOp, ctx.emit(g.MulOp, x, ctx.scalar(a, x)), ctx.emit(g.MulOp, y, ctx.scalar(b, y)))


def _regularized(ctx: Context, node: Node, x: SSAValue, grad: SSAValue) -> SSAValue:
    return _lin(ctx, float(node.attr("norm_coefficient", 0.0)), x, 1.0, grad)


@converter("Adagrad", domain=DOMAIN)
def _adagrad(ctx: Context, node: Node) -> list[Out]:
    r, t, groups = _groups(ctx, node, 3)
    decay, eps = float(node.attr("decay_factor", 0.0)), float(node.attr("epsilon", 0.0))
    rate = ctx.emit(g.DivOp, r, ctx.emit(g.AddOp, ctx.scalar(1, t), ctx.emit(g.MulOp, t, ctx.scalar(decay, t))))
    xs, hs = [], []
    for x, grad, h in groups:
        gr = _regularized(ctx, node, x, grad)
        h_new = ctx.emit(g.AddOp, h, ctx.emit(g.MulOp, gr, gr))
        denom = ctx.emit(g.AddOp, ctx.emit(g.SqrtOp, h_new), ctx.scalar(eps, h_new))
        xs.append(ctx.emit(g.SubOp, x, ctx.emit(g.DivOp, ctx.emit(g.MulOp, rate, gr), denom)))
        hs.append(h_new)
    return [*xs, *hs]


@converter("Momentum", domain=DOMAIN)
def _momentum(ctx: Context, node: Node) -> list[Out]:
    r, t, groups = _groups(ctx, node, 3)
    alpha, beta = float(node.attr("alpha")), float(node.attr("beta"))
    nesterov = node.attr("mode", "standard") == "nesterov"
    started = ctx.emit(g.GtOp, t, ctx.scalar(0, t))
    beta_t = ctx.emit(g.WhereOp, started, ctx.scalar(beta, t), ctx.scalar(1, t))
    xs, vs = [], []
    for x, grad, v in groups:
        gr = _regularized(ctx, node, x, grad)
        v_new = ctx.emit(g.AddOp, ctx.emit(g.MulOp, v, ctx.scalar(alpha, v)), ctx.emit(g.MulOp, gr, beta_t))
        step = _lin(ctx, 1.0, gr, alpha, v_new) if nesterov else v_new
        xs.append(ctx.emit(g.SubOp, x, ctx.emit(g.MulOp, r, step)))
        vs.append(v_new)
    return [*xs, *vs]


@converter("Adam", domain=DOMAIN)
def _adam(ctx: Context, node: Node) -> list[Out]:
    r, t, groups = _groups(ctx, node, 4)
    alpha, beta = float(node.attr("alpha", 0.9)), float(node.attr("beta", 0.999))
    eps, post = float(node.attr("epsilon", 1e-6)), float(node.attr("norm_coefficient_post", 0.0))
    started = ctx.emit(g.GtOp, t, ctx.scalar(0, t))
    bias_h = ctx.emit(g.SqrtOp, ctx.emit(g.SubOp, ctx.scalar(1, t), ctx.emit(g.PowOp, ctx.scalar(beta, t), t)))
    bias_v = ctx.emit(g.SubOp, ctx.scalar(1, t), ctx.emit(g.PowOp, ctx.scalar(alpha, t), t))
    adjusted = ctx.emit(g.DivOp, ctx.emit(g.MulOp, r, bias_h), bias_v)
    rate = ctx.emit(g.WhereOp, started, adjusted, r)
    xs, vs, hs = [], [], []
    for x, grad, v, h in groups:
        gr = _regularized(ctx, node, x, grad)
        v_new = _lin(ctx, alpha, v, 1 - alpha, gr)
        h_new = _lin(ctx, beta, h, 1 - beta, ctx.emit(g.MulOp, gr, gr))
        denom = ctx.emit(g.AddOp, ctx.emit(g.SqrtOp, h_new), ctx.scalar(eps, h_new))
        x_new = ctx.emit(g.SubOp, x, ctx.emit(g.MulOp, rate, ctx.emit(g.DivOp, v_new, denom)))
        xs.append(ctx.emit(g.MulOp, x_new, ctx.scalar(1 - post, x_new)))
        vs.append(v_new)
        hs.append(h_new)
    return [*xs, *vs, *hs]

