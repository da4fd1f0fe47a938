"""An installed (non-editable) desk finds its templates and compiled translations."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

CHECK = """
import os, sys
from desk import create_app, resource_dir
assert "site" in str(resource_dir("templates")) or os.environ["TARGET"] in str(resource_dir("templates"))
app = create_app({"DESK_INSTANCE_PATH": os.environ["INSTANCE"], "SECRET_KEY": "x",
                  "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.environ["INSTANCE"] + "/d.sqlite3"})
from desk.cli import apply_migrations
with app.app_context():
    apply_migrations()
client = app.test_client()
page = client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
assert client.get("/").status_code == 200
print(page)
"""


@pytest.mark.slow
def test_wheel_carries_templates_and_translations(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(dist), str(REPO)], check=True)
    wheel = next(dist.glob("desk-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "desk/templates/base.html" in names
    assert "desk/translations/ja/LC_MESSAGES/messages.mo" in names
    assert "desk/migrations/env.py" in names
    assert "desk/static/css/desk.css" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True)
    instance = tmp_path / "instance"
    instance.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(target), "INSTANCE": str(instance), "TARGET": str(target),
             "PATH": "/usr/bin:/bin"}, check=False)
    assert result.returncode == 0, result.stderr
    assert 'lang="ja"' in result.stdout
    assert "スマホ" in result.stdout  # the Japanese catalogue was compiled into the wheel
