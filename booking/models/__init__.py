from .places import Place, Ward

__all__ = ["Place", "Ward"]
