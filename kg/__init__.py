"""Arms-trade knowledge graph: core package."""
