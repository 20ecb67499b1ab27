"""Layer 4: scores — typed records, components, the match model, firms, profiles, projects, evaluation."""
