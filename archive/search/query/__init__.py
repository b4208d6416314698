"""Reading what a searcher typed: syntax, repairs, questions, the thesaurus's other
names, BM25F over the fields, and what one search may cost."""
