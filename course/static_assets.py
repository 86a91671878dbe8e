"""Static files that browsers keep: every url_for('static', ...) carries `v`, a hash of the file's content, and a
request whose `v` matches the file as it is now is answered with a year's max-age and `immutable`. A changed file
gets a new address, so nothing stale is ever served; an old or missing `v` falls back to revalidating (no-cache)."""

import hashlib
import os
import threading
import time

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600
_lock = threading.Lock()


class AssetVersions:
    """Content hashes of the files in one static folder, recomputed when a file's modification time changes. A
    version is trusted for `recheck_seconds` before the file is looked at again: every page links two static files,
    and resolving and stat-ing them on every request cost more than the rest of the URL building."""

    def __init__(self, folder: str, recheck_seconds: float = 2.0) -> None:
        self.folder = folder
        self.recheck_seconds = recheck_seconds
        self._known: dict[str, tuple[float, str]] = {}
        self._checked: dict[str, tuple[float, str | None]] = {}

    def version(self, filename: str) -> str | None:
        """The first 12 hex digits of the file's SHA-256, or None for a file outside the folder or missing."""
        now = time.monotonic()
        checked = self._checked.get(filename)
        if checked is not None and now - checked[0] < self.recheck_seconds:
            return checked[1]
        version = self._current_version(filename)
        self._checked[filename] = (now, version)
        return version

    def _current_version(self, filename: str) -> str | None:
        root = os.path.realpath(self.folder)
        path = os.path.realpath(os.path.join(root, filename))
        if not path.startswith(root + os.sep):
            return None
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            return None
        known = self._known.get(filename)
        if known is not None and known[0] == mtime:
            return known[1]
        with open(path, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()[:12]
        with _lock:
            self._known[filename] = (mtime, digest)
        return digest


def init_app(app: Flask) -> None:
    """Version every static URL and let browsers keep a versioned file for a year."""
    versions = AssetVersions(app.static_folder or "")
    app.extensions["lanyard_asset_versions"] = versions

    @app.url_defaults
    def add_static_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = versions.version(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned_static(response):
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        wanted = request.args.get("v")
        if wanted and wanted == versions.version(filename):
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response
