"""StableHLO text (as JAX prints it) to and from the graph dialect.

    from tensorforge.frontends.stablehlo import import_stablehlo, export_stablehlo
    module = import_stablehlo(jax.jit(f).lower(*args).as_text())
    text = export_stablehlo(module)

`parse_stablehlo(text)` gives the stablehlo-dialect module itself, which
`tensorforge.interp.stablehlo.run_stablehlo` interprets directly.
"""

from tensorforge.frontends.stablehlo.exporter import StableHLOExportError, export_stablehlo
from tensorforge.frontends.stablehlo.importer import StableHLOImportError, import_stablehlo
from tensorforge.frontends.stablehlo.text import parse_stablehlo

__all__ = ["StableHLOExportError", "StableHLOImportError", "export_stablehlo", "import_stablehlo", "parse_stablehlo"]
