"""The archive's thesaurus: concepts with names in English, Russian and Japanese, kept by
editors and exchanged as SKOS, so that one search finds a thing under all its names."""
