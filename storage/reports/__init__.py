"""What the commands, the dashboard and the notifications show, as plain data (the JSON shapes).

* ``history``     a page's versions, and the diff of two of them (built by ``diff``);
* ``diff``        two versions: marked words, the title change, where a cut text ends, context;
* ``copies``      where a page was republished; a copy compared with its original;
* ``monitor``     the monitoring report of a period: new, changed, gone, copies, health;
* ``health``      what looks wrong with a crawl run (the report's and the dashboard's rules);
* ``overview``    every source at a glance (the dashboard's home);
* ``changelist``  versions newest first, filtered and paginated by keyset (the dashboard, the feed);
* ``snippets``    a change in a few lines (reports and notifications).

Nothing here renders: ``crawler.render`` and ``crawler.web`` turn the data into text and HTML.
"""
