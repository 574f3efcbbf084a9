"""The one generic spider, driven by a source (``crawler.spiders.article``)."""
