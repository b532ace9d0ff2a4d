"""Arms-trade knowledge graph: core package."""

from pathlib import Path

#: Repository root: the ontology, named queries and sample data live beside the package. Defined here, not in
#: kg.settings (which re-exports it), so a module that needs only the path does not load pydantic-settings.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
