"""Graph -> tensorir lowering: a te-style builder and one lowering per graph op."""
