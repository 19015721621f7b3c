"""PyTorch frontend: `torch.export` programs to the graph dialect.

    ep = torch.export.export(model.eval(), (x,))
    module = from_exported_program(ep)                      # weights as graph.constant
    (y,) = tensorforge.interp.run(module, "main", x.numpy())

With `params="inputs"` weights become named `graph.param`s; pass
`params=exported_params(ep)` when running. Ops without a conversion are all
listed in one `UnsupportedModelError`.

Importing this package also registers the `torch.compile` backend
`backend="tensorforge"` (`frontends.torch.dynamo`; installed copies get it from
the `torch_dynamo_backends` entry point too).
"""

from tensorforge.frontends.torch.dynamo import register as _register_dynamo_backend
from tensorforge.frontends.torch.dynamo import tensorforge_backend
from tensorforge.frontends.torch.errors import UnsupportedModelError
from tensorforge.frontends.torch.importer import core_aten, exported_params, from_exported_program

_register_dynamo_backend()

__all__ = ["UnsupportedModelError", "core_aten", "exported_params", "from_exported_program", "tensorforge_backend"]
