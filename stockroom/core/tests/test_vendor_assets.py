"""vendor_assets: pinned packages fetched with their integrity checked, dev ones kept apart."""

import base64
import hashlib
import io
import json
import tarfile

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from stockroom.core.management.commands import vendor_assets


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _integrity(payload: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(payload).digest()).decode()


@pytest.fixture
def registry(tmp_path, settings, monkeypatch):
    """A project directory with a lock of one static and one dev package, and a fake registry
    that serves their tarballs and records what was asked for."""
    static_tgz = _tarball({"dist/site.css": b"body{}"})
    dev_tgz = _tarball({"axe.min.js": b"window.axe={}"})
    lock = {
        "packages": {
            "node_modules/site-css": {"version": "1.0.0", "integrity": _integrity(static_tgz)},
            "node_modules/axe-core": {
                "version": "4.11.0",
                "integrity": _integrity(dev_tgz),
                "dev": True,
            },
        }
    }
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    settings.BASE_DIR = tmp_path
    monkeypatch.setattr(
        vendor_assets, "WANTED_FILES", {"site-css": {"dist/site.css": "site/site.css"}}
    )
    served = {"site-css-1.0.0.tgz": static_tgz, "axe-core-4.11.0.tgz": dev_tgz}
    requested: list[str] = []

    def urlopen(url, timeout):
        requested.append(url)
        return io.BytesIO(served[url.rsplit("/", 1)[-1]])

    monkeypatch.setattr(vendor_assets.urllib.request, "urlopen", urlopen)
    return tmp_path, requested, lock


def test_default_run_fetches_static_packages_only(registry):
    base, requested, _lock = registry

    call_command("vendor_assets", stdout=io.StringIO())

    assert (base / "static/vendor/site/site.css").read_bytes() == b"body{}"
    assert not (base / ".cache").exists()
    assert requested == ["https://registry.npmjs.org/site-css/-/site-css-1.0.0.tgz"]


def test_dev_flag_fetches_dev_packages_outside_static(registry):
    base, requested, _lock = registry

    call_command("vendor_assets", "--dev", stdout=io.StringIO())

    assert (base / ".cache/vendor-dev/axe-core/axe.min.js").read_bytes() == b"window.axe={}"
    assert not (base / "static/vendor/axe-core").exists()
    assert requested[-1] == "https://registry.npmjs.org/axe-core/-/axe-core-4.11.0.tgz"


def test_second_run_with_the_same_lock_downloads_nothing(registry):
    _base, requested, _lock = registry
    call_command("vendor_assets", "--dev", stdout=io.StringIO())
    requested.clear()
    out = io.StringIO()

    call_command("vendor_assets", "--dev", stdout=out)

    assert requested == []
    assert out.getvalue() == "static/vendor is up to date.\n.cache/vendor-dev is up to date.\n"


def test_tampered_dev_package_is_refused(registry):
    base, _requested, lock = registry
    lock["packages"]["node_modules/axe-core"]["integrity"] = _integrity(b"something else")
    (base / "package-lock.json").write_text(json.dumps(lock))

    with pytest.raises(CommandError, match="integrity mismatch"):
        call_command("vendor_assets", "--dev", stdout=io.StringIO())

    assert not (base / ".cache/vendor-dev/axe-core/axe.min.js").exists()
