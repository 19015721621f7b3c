"""Recurrent ONNX ops (RNN, GRU, LSTM), unrolled over a static sequence length.

The input projection of every time step is one matmul; each step adds the
recurrent matmul and applies the gates. `sequence_lens` (forward direction)
masks finished sequences: their hidden state stays and their output is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from xdsl.ir import SSAValue

from tensorforge.dialects import graph as g
from tensorforge.dialects.symbolic import Expr
from tensorforge.frontends.onnx.context import Context, Node, Out, Unsupported
from tensorforge.frontends.onnx.ops import converter

Act = Callable[[SSAValue], SSAValue]
_NEEDS = {"Affine": 2, "LeakyRelu": 1, "ThresholdedRelu": 1, "ScaledTanh": 2, "HardSigmoid": 2, "Elu": 1}


def _activation(ctx: Context, name: str, alpha: float | None, beta: float | None) -> Act:
    def s(v: float, x: SSAValue) -> SSAValue:
        return ctx.scalar(v, x)

    simple = {"Relu": g.ReluOp, "Tanh": g.TanhOp, "Sigmoid": g.SigmoidOp, "Softplus": g.SoftplusOp}
    if name in simple:
        return lambda x: ctx.emit(simple[name], x)
    if name == "Affine":
        return lambda x: ctx.emit(g.AddOp, ctx.emit(g.MulOp, x, s(alpha, x)), s(beta, x))  # type: ignore[arg-type]
    if name == "LeakyRelu":
        return lambda x: ctx.emit(g.LeakyReluOp, x, alpha=alpha)
    if name == "ThresholdedRelu":
        return lambda x: ctx.emit(g.WhereOp, ctx.emit(g.GtOp, x, s(alpha, x)), x, s(0, x))  # type: ignore[arg-type]
    if name == "ScaledTanh":
        return lambda x: ctx.emit(g.MulOp, ctx.emit(g.TanhOp, ctx.emit(g.MulOp, x, s(beta, x))), s(alpha, x))  # type: ignore[arg-type]
    if name == "HardSigmoid":
        return lambda x: ctx.emit(g.HardSigmoidOp, x, alpha=alpha, beta=beta)
    if name == "Elu":
        return lambda x: ctx.emit(g.EluOp, x, alpha=alpha)
    if name == "Softsign":
        return lambda x: ctx.emit(g.DivOp, x, ctx.emit(g.AddOp, ctx.emit(g.AbsOp, x), s(1, x)))
    raise Unsupported(f"activation '{name}' is not supported")


def _activations(ctx: Context, node: Node, defaults: Sequence[str], dirs: int) -> list[list[Act]]:
    """Per direction, the op's activation functions (with their alpha/beta)."""
    names = list(node.attr("activations", []) or []) or list(defaults) * dirs
    if len(names) == len(defaults):
        names = names * dirs if dirs == 2 else names
    alphas = list(node.attr("activation_alpha", []) or [])
    betas = list(node.attr("activation_beta", []) or [])
    acts: list[Act] = []
    for name in names:
        n = _NEEDS.get(name, 0)
        alpha = alphas.pop(0) if n >= 1 and alphas else _default_alpha(name)
        beta = betas.pop(0) if n >= 2 and betas else _default_beta(name)
        acts.append(_activation(ctx, name, alpha, beta))
    k = len(defaults)
    return [acts[d * k : (d + 1) * k] for d in range(dirs)]


def _default_alpha(name: str) -> float:
    return {"LeakyRelu": 0.01, "ThresholdedRelu": 1.0, "HardSigmoid": 0.2, "Elu": 1.0}.get(name, 1.0)


def _default_beta(name: str) -> float:
    return {"HardSigmoid": 0.5}.get(name, 0.0)


@dataclass
class Rnn:
    """The operands of one RNN-family node, sliced per direction on demand."""

    ctx: Context
    node: Node
    gates: int
    x: SSAValue  # [T, B, I]
    steps: int
    batch: Expr
    hidden: int
    dirs: int

    def param(self, i: int, d: int) -> SSAValue | None:
        """Input i (W, R, B, ..., [dirs, ...]) for direction d, without the dir axis."""
        if not self.node.has(i):
            return None
        v = self.ctx.cast_like(self.ctx.x(self.node, i), self.x)
        t = self.ctx.type(v)
        one = self.ctx.emit(g.SliceOp, v, starts=[d], ends=[d + 1], axes=[0])
        return self.ctx.reshape(one, list(t.dims[1:]))

    def clip(self, v: SSAValue) -> SSAValue:
        c = self.node.attr("clip")
        return v if c is None else self.ctx.emit(g.ClipOp, v, min=-float(c), max=float(c))

    def split(self, v: SSAValue, n: int) -> list[SSAValue]:
        return list(self.ctx.emit_multi(g.SplitOp, v, axis=-1, num_outputs=n)) if n > 1 else [v]


def _setup(ctx: Context, node: Node, gates: int) -> Rnn:
    x = ctx.x(node, 0)
    if int(node.attr("layout", 0)):
        x = ctx.emit(g.TransposeOp, x, perm=[1, 0, 2])
    t = ctx.type(x)
    if not t.dims[0].is_const():
        raise Unsupported(f"the sequence length must be static to unroll, got {t.dims[0]}")
    direction = node.attr("direction", "forward")
    if direction not in ("forward", "reverse", "bidirectional"):
        raise Unsupported(f"direction '{direction}' is not supported")
    hidden = node.attr("hidden_size")
    if hidden is None:
        hidden = ctx.in_type(node, 2).dims[-1].value()
    return Rnn(ctx, node, gates, x, t.dims[0].value(), t.dims[1], int(hidden), 2 if direction == "bidirectional" else 1)


def _step_mask(r: Rnn, t: int) -> SSAValue | None:
    """[B, 1] i1: sequence still running at step t (None without sequence_lens)."""
    if not r.node.has(4):
        return None
    lens = r.ctx.cast(r.ctx.x(r.node, 4), np.int64)
    alive = r.ctx.emit(g.GtOp, lens, r.ctx.scalar(t, lens))
    return r.ctx.reshape(alive, [r.batch, 1])


def _initial(r: Rnn, i: int, d: int) -> SSAValue:
    v = r.param(i, d)
    if v is not None:
        return v
    return r.ctx.emit(g.FullOp, shape=[r.batch, r.hidden], value=0.0, dtype=r.ctx.type(r.x).element_type)


def _run(r: Rnn, cell: Callable[[int, SSAValue, list[SSAValue], int], list[SSAValue]], n_state: int,
         state_inputs: Sequence[int]) -> list[Out]:
    """Unroll `cell(direction, x_proj_t, state, t) -> new state` over time and directions."""
    ctx, node = r.ctx, r.node
    direction = node.attr("direction", "forward")
    if r.node.has(4) and direction != "forward":
        raise Unsupported("sequence_lens with reverse or bidirectional direction is not supported")
    ys: list[list[SSAValue]] = []
    finals: list[list[SSAValue]] = []
    for d in range(r.dirs):
        w, bias = r.param(1, d), r.param(3, d)
        assert w is not None
        proj = ctx.emit(g.MatmulOp, r.x, ctx.emit(g.TransposeOp, w, perm=[1, 0]))  # [T, B, G*H]
        if bias is not None:
            wb = ctx.emit(g.SliceOp, bias, starts=[0], ends=[r.gates * r.hidden], axes=[0])
            proj = ctx.emit(g.AddOp, proj, wb)
        state = [_initial(r, i, d) for i in state_inputs][:n_state]
        reverse = direction == "reverse" or d == 1
        order = range(r.steps - 1, -1, -1) if reverse else range(r.steps)
        outs: dict[int, SSAValue] = {}
        for t in order:
            xt = ctx.reshape(ctx.emit(g.SliceOp, proj, starts=[t], ends=[t + 1], axes=[0]),
                             [r.batch, r.gates * r.hidden])
            new = cell(d, xt, state, t)
            mask = _step_mask(r, t)
            if mask is not None:
                outs[t] = ctx.emit(g.WhereOp, mask, new[0], ctx.scalar(0, new[0]))
                new = [ctx.emit(g.WhereOp, mask, n, s) for n, s in zip(new, state, strict=True)]
            else:
                outs[t] = new[0]
            state = new
        ys.append([outs[t] for t in range(r.steps)])
        finals.append(state)
    return _outputs(r, ys, finals, n_state)


def _outputs(r: Rnn, ys: list[list[SSAValue]], finals: list[list[SSAValue]], n_state: int) -> list[Out]:
    ctx = r.ctx
    layout = int(r.node.attr("layout", 0))
    per_dir = []
    for d in range(r.dirs):
        steps = [ctx.reshape(h, [1, 1, r.batch, r.hidden]) for h in ys[d]]
        per_dir.append(steps[0] if len(steps) == 1 else ctx.emit(g.ConcatOp, steps, axis=0))
    y = per_dir[0] if r.dirs == 1 else ctx.emit(g.ConcatOp, per_dir, axis=1)  # [T, D, B, H]
    if layout:
        y = ctx.emit(g.TransposeOp, y, perm=[2, 0, 1, 3])
    results: list[Out] = [y if r.node.wants(0) else None]
    for k in range(n_state):
        parts = [ctx.reshape(finals[d][k], [1, r.batch, r.hidden]) for d in range(r.dirs)]
        s = parts[0] if r.dirs == 1 else ctx.emit(g.ConcatOp, parts, axis=0)
        if layout:
            s = ctx.emit(g.TransposeOp, s, perm=[1, 0, 2])
        results.append(s)
    return results


def _rec(r: Rnn, h: SSAValue, d: int) -> SSAValue:
    """h @ R^T + Rb for direction d: [B, G*H]."""
    ctx = r.ctx
    rw = r.param(2, d)
    assert rw is not None
    out = ctx.emit(g.MatmulOp, h, ctx.emit(g.TransposeOp, rw, perm=[1, 0]))
    bias = r.param(3, d)
    if bias is None:
        return out
    gh = r.gates * r.hidden
    return ctx.emit(g.AddOp, out, ctx.emit(g.SliceOp, bias, starts=[gh], ends=[2 * gh], axes=[0]))


@converter("RNN")
def _rnn(ctx: Context, node: Node) -> list[Out]:
    r = _setup(ctx, node, 1)
    acts = _activations(ctx, node, ["Tanh"], r.dirs)

    def cell(d: int, xt: SSAValue, state: list[SSAValue], t: int) -> list[SSAValue]:
        pre = r.clip(ctx.emit(g.AddOp, xt, _rec(r, state[0], d)))
        return [acts[d][0](pre)]

    return _run(r, cell, 1, [5])


@converter("GRU")
def _gru(ctx: Context, node: Node) -> list[Out]:
    r = _setup(ctx, node, 3)
    acts = _activations(ctx, node, ["Sigmoid", "Tanh"], r.dirs)
    before_reset = bool(node.attr("linear_before_reset", 0))

    def cell(d: int, xt: SSAValue, state: list[SSAValue], t: int) -> list[SSAValue]:
        f, gfn = acts[d]
        h = state[0]
        xz, xr, xh = r.split(xt, 3)
        rec = _rec(r, h, d)
        hz, hr, hh = r.split(rec, 3)
        z = f(r.clip(ctx.emit(g.AddOp, xz, hz)))
        rg = f(r.clip(ctx.emit(g.AddOp, xr, hr)))
        if before_reset:
            cand = ctx.emit(g.AddOp, xh, ctx.emit(g.MulOp, rg, hh))
        else:
            cand = ctx.emit(g.AddOp, xh, _gru_reset_rec(r, ctx.emit(g.MulOp, rg, h), d))
        hn = gfn(r.clip(cand))
        one_minus = ctx.emit(g.SubOp, ctx.scalar(1, z), z)
        return [ctx.emit(g.AddOp, ctx.emit(g.MulOp, one_minus, hn), ctx.emit(g.MulOp, z, h))]

    return _run(r, cell, 1, [5])


def _gru_reset_rec(r: Rnn, rh: SSAValue, d: int) -> SSAValue:
    """(r * h) @ Rh^T + Rbh (linear_before_reset = 0)."""
    ctx = r.ctx
    rw = r.param(2, d)
    assert rw is not None
    rh_w = ctx.emit(g.SliceOp, rw, starts=[2 * r.hidden], ends=[3 * r.hidden], axes=[0])
    out = ctx.emit(g.MatmulOp, rh, ctx.emit(g.TransposeOp, rh_w, perm=[1, 0]))
    bias = r.param(3, d)
    if bias is None:
        return out
    start = 3 * r.hidden + 2 * r.hidden
    return ctx.emit(g.AddOp, out, ctx.emit(g.SliceOp, bias, starts=[start], ends=[start + r.hidden], axes=[0]))


@converter("LSTM")
def _lstm(ctx: Context, node: Node) -> list[Out]:
    r = _setup(ctx, node, 4)
    acts = _activations(ctx, node, ["Sigmoid", "Tanh", "Tanh"], r.dirs)
    coupled = bool(node.attr("input_forget", 0))

    def cell(d: int, xt: SSAValue, state: list[SSAValue], t: int) -> list[SSAValue]:
        f, gfn, hfn = acts[d]
        h, c = state
        pre = ctx.emit(g.AddOp, xt, _rec(r, h, d))
        pi, po, pf, pc = r.split(pre, 4)
        peep = r.param(7, d)
        ppi = ppo = ppf = None
        if peep is not None:
            ppi, ppo, ppf = r.split(peep, 3)
        if ppi is not None:
            pi = ctx.emit(g.AddOp, pi, ctx.emit(g.MulOp, ppi, c))
            pf = ctx.emit(g.AddOp, pf, ctx.emit(g.MulOp, ppf, c))  # type: ignore[arg-type]
        i = f(r.clip(pi))
        fg = ctx.emit(g.SubOp, ctx.scalar(1, i), i) if coupled else f(r.clip(pf))
        cand = gfn(r.clip(pc))
        cn = ctx.emit(g.AddOp, ctx.emit(g.MulOp, fg, c), ctx.emit(g.MulOp, i, cand))
        if ppo is not None:
            po = ctx.emit(g.AddOp, po, ctx.emit(g.MulOp, ppo, cn))
        o = f(r.clip(po))
        return [ctx.emit(g.MulOp, o, hfn(cn)), cn]

    return _run(r, cell, 2, [5, 6])
