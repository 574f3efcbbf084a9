"""Pure functions over texts: no database, no Scrapy.

1. ``normalize``  typography, white space and case folded; the hash of a normalised text
   (equal hashes: the same text, so no new version);
2. ``diff``       two versions paragraph by paragraph (same, changed, added, removed) and the
   ``ChangeSummary`` stored with every version, with its one wording (``describe``); where a
   shortened text now ends, the paragraphs kept in context, what typography changed;
3. ``classify``   what kind of change a new version is (typo, numbers, title, truncated,
   correction, rewrite, ...) and how much it matters; a page flapping between two texts;
4. ``language``   a version's language: declared by the page or its headers, else detected,
   kept as its primary subtag (``en-US`` → ``en``).
"""
