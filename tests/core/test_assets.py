"""Static files (desk.core.assets): every link to one carries its content hash, a
request by the current hash is cached for a year, anything else is revalidated, and a
changed file gets a new address."""

import hashlib
import os
import re
from pathlib import Path

from flask import url_for

from desk import resource_dir
from desk.core.assets import YEAR_SECONDS


def static_url(app, filename):
    with app.test_request_context():
        return url_for("static", filename=filename)


def content_hash(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def cache_control(response):
    return {part.strip() for part in response.headers["Cache-Control"].split(",")}


def test_templates_link_static_files_only_through_url_for():
    for path in resource_dir("templates").rglob("*"):
        if path.is_file():
            assert "/static/" not in path.read_text(encoding="utf-8"), path


def test_pages_link_static_files_by_their_content_hash(app, client):
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="/static/([^"?]+)\?v=([0-9a-f]+)"', page)
    assert links and not re.search(r'"/static/[^"?]+"', page)
    for filename, version in links:
        assert version == content_hash(Path(app.static_folder) / filename)


def test_a_versioned_static_file_is_kept_for_a_year(app, client):
    response = client.get(static_url(app, "kiosk/kiosk.js"))
    assert response.status_code == 200
    assert cache_control(response) == {"public", f"max-age={YEAR_SECONDS}", "immutable"}
    response.close()


def test_an_unversioned_or_stale_address_is_revalidated(app, client):
    path = static_url(app, "kiosk/kiosk.js").split("?")[0]
    for url in (path, path + "?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in cache_control(response)
        assert "no-cache" in cache_control(response)
        assert response.headers["ETag"]
        response.close()


def test_a_changed_file_gets_a_new_address(app, client, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    sheet = tmp_path / "print.css"
    sheet.write_text("body { color: #111; }\n", encoding="utf-8")
    before = static_url(app, "print.css")
    assert before == f"/static/print.css?v={content_hash(sheet)}"
    assert static_url(app, "print.css") == before

    sheet.write_text("body { color: #000; font-size: 1.2rem; }\n", encoding="utf-8")
    os.utime(sheet, ns=(1, 1))  # even with an old modification time
    after = static_url(app, "print.css")
    assert after != before and after == f"/static/print.css?v={content_hash(sheet)}"

    fresh = client.get(after)
    assert fresh.get_data() == sheet.read_bytes()
    assert "immutable" in cache_control(fresh)
    stale = client.get(before)  # a page from before the change, still open somewhere
    assert stale.get_data() == sheet.read_bytes()
    assert "immutable" not in cache_control(stale)
    fresh.close()
    stale.close()


def test_a_missing_file_gets_no_version_and_a_404(app, client):
    url = static_url(app, "kiosk/no-such-file.js")
    assert url == "/static/kiosk/no-such-file.js"
    assert client.get(url).status_code == 404
