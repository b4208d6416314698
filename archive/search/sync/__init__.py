"""Keeping every node's index in agreement with the database: storage and generations,
the change log and its tables, following it, locks, rebuilding, worker processes."""
