"""One crawl of one or more sources in this process: the Scrapy components, and nothing else.

A request's path, in order:

1. ``runner``       builds the settings (the source's politeness applied), starts Scrapy;
   with a Redis URL each crawl joins a shared run (``frontier``);
2. ``pipeline``     when the spider opens: the crawl run opened, the source's known pages
   and those due put in the spider's ``items.CrawlPlan``;
3. ``spider``       start pages, sitemaps, feeds and re-checks (with validators) → requests;
4. ``middlewares``  each request kept on the source's scheme, host and port; each redirect
   noted in the plan (a loop refused);
5. ``extensions``   AutoThrottle that counts a 304 as a success; a garbage collection every 2 s;
6. ``spider``       each article response → one ``items.PageFetched``, never parsed here
   (``problems`` says why a fetch is not a usable article: failed download, refused redirect);
7. ``pipeline``     ``storage.archive`` asked whether the body is known; if not, the page parsed
   once in ``crawler.extract``'s pool (text, canonical alias, links to follow handed back to
   the spider, soft 404, app shell); a fetch that looks partial re-fetched once (``partial``);
   then the capture recorded, on a writer thread off the reactor; copies matched in a matcher
   process (``storage.copies.queue``);
8. ``pipeline``     when the spider closes: redirects stored as aliases, the copy-match queue
   drained, copy links re-verified, the run closed with its stats; ``result.CrawlResult`` is
   what the caller gets back.

Outside a crawl, ``listings`` hands the pages ``sources test`` and ``sources add`` fetched to the
spider's parse methods, so that what they call an article is what the crawl would.

Only this package imports Scrapy (``result`` and ``items`` do not, so the scheduler can read a
crawl's result without it); the spider never touches the database.
"""
