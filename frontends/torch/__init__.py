"""PyTorch frontend: `torch.export` programs to the graph dialect.

    ep = torch.export.export(model.eval(), (x,))
    module = from_exported_program(ep)                      # weights as graph.constant
    (y,) = tensorforge.interp.run(module, "main", x.numpy())

With `params="inputs"` weights become named `graph.param`s; pass
`params=exported_params(ep)` when running. Ops without a conversion are all
listed in one `UnsupportedModelError`.
"""

from tensorforge.frontends.torch.errors import UnsupportedModelError
from tensorforge.frontends.torch.importer import core_aten, exported_params, from_exported_program

__all__ = ["UnsupportedModelError", "core_aten", "exported_params", "from_exported_program"]
