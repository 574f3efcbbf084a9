"""Does a fetch look partial (a cut-off transfer, an empty shell, a broken render)?

A page that comes back tiny, without main text, or with a text much shorter
than its current version is not stored at once: :class:`ArchivePipeline`
re-fetches it once (a ``dont_filter`` request through the engine) and records
whatever the second fetch brings, so a glitch does not become a version and a
real truncation still does (class ``truncated``).

Settings:

``MIRRORWATCH_PARTIAL_MIN_BYTES``
    a body smaller than this looks partial (default 512);
``MIRRORWATCH_PARTIAL_MIN_RATIO``
    a text shorter than this share of the current version's looks partial
    (default 0.5; 0 turns the text check off).
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.types import Extracted


@dataclass(frozen=True)
class PartialCheck:
    min_bytes: int = 512
    min_ratio: float = 0.5

    @classmethod
    def from_settings(cls, settings) -> PartialCheck:
        return cls(settings.getint("MIRRORWATCH_PARTIAL_MIN_BYTES", 512),
                   settings.getfloat("MIRRORWATCH_PARTIAL_MIN_RATIO", 0.5))

    def reason(self, body_size: int, extracted: Extracted | None, current_chars: int | None) -> str | None:
        """Why a freshly extracted fetch looks partial, or None when it looks whole.

        ``current_chars``: length of the page's current text (None for a page without one).
        """
        if body_size < self.min_bytes:
            return f"tiny body ({body_size} bytes)"
        if current_chars is None or extracted is None:
            return None
        if not extracted.paragraphs:
            return "no main text"
        chars = len(extracted.text)
        if chars < self.min_ratio * current_chars:
            return f"text of {chars} characters, the current version has {current_chars}"
        return None
