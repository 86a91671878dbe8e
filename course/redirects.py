"""Where a form may send the browser next: only a path on this site, never another host (an open redirect)."""

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """The target when it is a path on this site, else None."""
    if not target or target.startswith(("//", "/\\")) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target
