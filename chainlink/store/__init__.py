"""Layer 2: the registry — compiled by build, opened read-only, user data, migrations, checks, names."""
