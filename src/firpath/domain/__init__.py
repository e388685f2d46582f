"""The business core: CPL entries, their rules and upgrade semantics (pure Python, no I/O)."""
