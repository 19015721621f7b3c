"""The StableHLO and CHLO op definitions (see dialects/stablehlo.py, dialects/chlo.py)."""
