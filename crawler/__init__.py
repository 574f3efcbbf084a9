"""mirrorwatch's crawler and application layer (Scrapy project, CLI, demo)."""
