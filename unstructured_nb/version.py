"""The version of unstructured_nb."""

__version__ = "0.1.0"
