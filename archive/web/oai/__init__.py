"""OAI-PMH 2.0 at /oai: library aggregators harvest the archive's published entries as
Dublin Core (oai_dc), by topic and source sets, with resumption tokens that survive a
harvest while entries change, and deletions reported (``deletedRecord`` persistent).

``repository.py`` answers what exists (records, sets, datestamps), ``tokens.py`` signs
resumption tokens, ``responses.py`` writes the XML, ``views.py`` reads the request and
reports the protocol's errors.
"""
