"""Setting up a site: look at it before crawling it (``mirrorwatch sources add`` and ``sources test``).

* ``fetch``     a few GETs with urllib (robots.txt obeyed, a time-out and a size limit, the
  source's User-Agent and headers): the commands run in-process, where Scrapy cannot;
* ``discover``  a new site's sitemaps (robots.txt, ``/sitemap.xml``) and feeds (``<link
  rel="alternate">`` on its start page);
* ``allow``     an ``allow`` pattern proposed from the article URLs the listings show;
* ``entry``     the new ``[[source]]`` written into sources.toml, its comments and order kept;
* ``site``      the two commands as library calls, each returning its JSON shape.

What the crawl would make of the listings (which URLs are articles, which pages it follows)
is the spider's own answer: ``crawler.crawl.listings`` hands the pages to its parse methods.
"""
