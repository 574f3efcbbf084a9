"""Pages that arrive without a crawl, through the crawl's own extraction and write path.

* ``warc``       WARC files → responses (``storage.interchange.warc_in``) → the source of each
  (configured, stored, named by mirrorwatch metadata, or created) → extraction
  (``crawler.extract.pool``, in order) → ``storage.archive`` → copy links re-verified;
* ``reextract``  stored bodies of current versions → today's extractor → a version of class
  ``extractor-changed`` where the text differs.

Neither imports Scrapy: "is this an HTML page" and the page's encoding are
``crawler.extract.decode``'s rules, the ones the crawl applies.
"""
