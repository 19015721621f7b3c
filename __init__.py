"""tensorforge: an ML compiler framework on xDSL."""
