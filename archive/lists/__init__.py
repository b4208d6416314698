"""A researcher's list: entries collected in the visitor's session (``collected``), frozen
as a permanent shared list (``sharing``, ``models``), and exported either way
(``exports``)."""
