"""Static files carry a content hash in their address and are kept by browsers for a year; pages that show
personal data are never cached."""

import os
import re

from tests.dom import parse
from tests.test_classroom import add_users, sign_in_as


def static_links(html: str) -> list[str]:
    linked = parse(html).all("[href^='/static/'], [src^='/static/']")
    return [element.get("href") or element["src"] for element in linked]


def test_every_static_link_carries_the_content_hash(app, client, auth, sample_course):
    add_users(app, {"ann": "student"})
    sign_in_as(auth, "ann")
    links = static_links(client.get("/").get_data(as_text=True)) + static_links(
        client.get("/lab").get_data(as_text=True)
    )
    assert any("lanyard.css" in link for link in links) and any("lab.js" in link for link in links)
    for link in links:
        assert re.search(r"\?v=[0-9a-f]{12}$", link.replace("&amp;", "&")), link


def test_a_versioned_file_is_immutable_for_a_year(app, client, sample_course):
    add_users(app, {"ann": "student"})
    html = client.get("/login").get_data(as_text=True)
    link = next(link for link in static_links(html) if "lanyard.css" in link)
    response = client.get(link)
    assert response.status_code == 200
    cache = response.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache


def test_an_old_or_missing_version_is_revalidated_not_kept(app, client, sample_course):
    add_users(app, {"ann": "student"})
    for url in ("/static/lanyard.css", "/static/lanyard.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", ""), url


def test_the_version_follows_the_content(app, tmp_path):
    from course.static_assets import AssetVersions

    (tmp_path / "a.css").write_text("a { color: red }")
    versions = AssetVersions(str(tmp_path), recheck_seconds=0)
    first = versions.version("a.css")
    (tmp_path / "a.css").write_text("a { color: blue }")
    stat = os.stat(tmp_path / "a.css")
    os.utime(tmp_path / "a.css", (stat.st_atime, stat.st_mtime + 5))
    assert versions.version("a.css") != first
    assert versions.version("../secret") is None and versions.version("missing.css") is None


def test_a_version_is_trusted_for_a_moment_without_touching_the_disk(app, tmp_path):
    from course.static_assets import AssetVersions

    (tmp_path / "a.css").write_text("a { color: red }")
    versions = AssetVersions(str(tmp_path), recheck_seconds=60)
    first = versions.version("a.css")
    (tmp_path / "a.css").unlink()
    assert versions.version("a.css") == first
    assert AssetVersions(str(tmp_path), recheck_seconds=60).version("a.css") is None


def test_signed_in_pages_are_not_stored(app, client, auth, sample_course):
    add_users(app, {"ann": "student"})
    sign_in_as(auth, "ann")
    for url in ("/progress", "/", "/lab"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url


def test_error_pages_speak_in_lanyards_words(app, client, auth, sample_course):
    add_users(app, {"ann": "student"})
    sign_in_as(auth, "ann")
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "There is nothing at this address" in html
    assert "requested URL was not found" not in html
    # A view's own explanation is kept.
    assert "There is no course at this address." in client.get("/courses/nope").get_data(as_text=True)
