"""Reports on what the archive holds, as plain data (the JSON shapes); the CLI renders them."""
