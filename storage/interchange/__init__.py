"""The archive as files, in and out.

* ``corpus``    current or all versions → JSONL or Parquet records with provenance, copies kept,
  dropped or merged onto their originals;
* ``warc_out``  every capture → a WARC response record with its raw body and headers, and a
  metadata record linking it to its page, source and version;
* ``warc_in``   WARC files → the HTTP responses in them (malformed records counted and skipped),
  read by ``crawler.ingest.warc``;
* ``atomic``    every file written aside, then moved into place.
"""
