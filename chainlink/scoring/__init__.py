"""Layer 4: scores — typed records, components, weight presets, the model, gaps and county suggestions, firms,
profiles, projects, evaluation (docs/architecture.md lists the modules)."""
