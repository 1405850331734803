"""The jury's services, one module per area (phases, membership, conflicts,
assignment, grid, scoring, deliberation, dossiers)."""
