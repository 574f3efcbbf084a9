"""``mirrorwatch scan``: copies of the archive found in WARC files of the web at large.

A page flows through, in order:

* ``records``     WARC files (local, http(s) URLs streamed, listings) → HTTP responses (FastWARC);
* ``files``       per whole file: HTML pages of sites the archive does not follow → the first pass;
* ``first_pass``  visible text (selectolax) → the archive's sampled fingerprint hashes →
                  archived candidates, from a compact in-memory index built once;
* ``verify``      candidates only: full extraction (``crawler.extract.pool``), then alignment
                  against each archived candidate with the copy links' own rules;
* ``recording``   a match: capture and version on a discovered source, through ``Archive.record``;
* ``scanner``     the scan on one machine; files read to the end are noted, to resume;
* ``cluster``     the first pass on a Dask cluster, the rest here (one writer).
"""
