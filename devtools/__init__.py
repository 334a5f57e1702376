"""Developer tooling: the embedded database, the `make run` runner, catalogues, mutation scores.

Nothing here runs in production or is imported by the product's own packages.
"""
