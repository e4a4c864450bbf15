"""The protrules version, in one place every stage may read (cache keys, results, ``--version``)."""

__version__ = "0.1.0"
