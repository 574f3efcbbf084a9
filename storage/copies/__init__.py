"""Copies across sources: which stored pages carry another source's text, and which side is the original.

A new version flows through these modules, in order:

1. ``fingerprints``  its paragraphs → sampled word-shingle hashes (minus the source's boilerplate);
2. ``boilerplate``   its paragraphs noted per source; lines that recur on many pages of a source,
                     or short lines on many sources, are left out;
3. ``index``         the hashes written to the fingerprint index (prebuilt Core statements);
4. ``match``         candidates on other sources sharing rare hashes, each verified by ...
5. ``align``         ... a paragraph alignment: coverage, precision, and the relation that
   ``relation``      decides on the article's body (what the copy keeps, replaces and adds);
6. ``original``      which side of a pair is the original, and the rule that decided;
7. ``match``         the copy link stored, updated or removed.

``queue`` is the stage that runs them: the write of a new version (``storage.archive``) queues
it, and a drain (at once, or in a matcher process beside a crawl or an import) calls
:func:`index_version` and :func:`match_page` for it; :func:`refresh_links` runs after a crawl;
the read side calls :func:`compare`.
"""

from storage.copies.match import (Link, Side, candidates, compare, index_version, load_side, load_sides, match_page,
                                  refresh_links, relate)
from storage.copies.original import attribution, choose_original

__all__ = ["Link", "Side", "attribution", "candidates", "choose_original", "compare", "index_version",
           "load_side", "load_sides", "match_page", "refresh_links", "relate"]
