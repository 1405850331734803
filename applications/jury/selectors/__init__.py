"""The jury's reads, one module per area."""
