"""The bundled sample sites and ``mirrorwatch demo``: ``server`` serves a folder as a site on
127.0.0.1 (validators, 304s, redirects, statuses); ``run`` crawls the two sites twice, edits
an article between the crawls, and prints what changed and what was copied."""
