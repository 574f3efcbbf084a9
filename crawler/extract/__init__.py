"""Bytes of an article page → ``storage.types.Extracted``, in worker processes.

1. ``decode``     is it an HTML page at all (one rule for crawls and WARC imports), its
   encoding, its text when the site is wrong about its own encoding;
2. ``extractor``  trafilatura with fixed options (``OPTIONS``, hashed into every version); for a
                  crawl, ``parse``: the page parsed once, and from that one tree (``page``) the
                  text, the canonical link, the links to follow, a soft 404, an app ``shell``;
   ``markup``     cheap regex scans of the HTML: canonical link, links to other sites, language;
3. ``worker``     what a pool worker runs, light to import for the process handing out work;
4. ``pool``       the one kind of pool (spawned processes, one per core): shared by the crawls
   of a process, or streaming bodies in order for WARC import and re-extraction.

This is the only package that imports trafilatura, and only ``extractor`` does; the crawl
process itself never loads it.
"""
