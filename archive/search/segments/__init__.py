"""The index on disk as arrays: the compact posting layout and its codec, the evaluator
that scores a query on a segment with numpy, per-segment facts, matches, caches and the
segment writer."""
