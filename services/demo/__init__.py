"""A realistic example tender driven over the public API (used by `coprocure demo` and e2e)."""
