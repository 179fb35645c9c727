"""Fetch the pinned front-end packages from the npm registry into static/vendor/.

Reads package-lock.json (the pin and its sha512 integrity), so no Node.js is needed: a fresh
machine with only Python gets byte-identical assets, and a tampered download is refused.
`--dev` also fetches the development-only packages (axe-core for the browser tests) into
.cache/vendor-dev/, outside the static files, so they are never served or collected.
"""

import base64
import hashlib
import io
import json
import os
import tarfile
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Which files of each package the pages use, and where they land under static/vendor/.
WANTED_FILES: dict[str, dict[str, str]] = {
    "bootstrap": {
        "dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
        "dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
        "dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
        "dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
    },
    "bootstrap-icons": {
        "font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
        "font/fonts/bootstrap-icons.woff2": "bootstrap-icons/fonts/bootstrap-icons.woff2",
        "font/fonts/bootstrap-icons.woff": "bootstrap-icons/fonts/bootstrap-icons.woff",
    },
    "htmx.org": {"dist/htmx.min.js": "htmx/htmx.min.js"},
    "chart.js": {
        "dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
        "dist/chart.umd.min.js.map": "chartjs/chart.umd.min.js.map",
    },
}

# devDependencies: used by tests only, never served.
WANTED_DEV_FILES: dict[str, dict[str, str]] = {
    "axe-core": {"axe.min.js": "axe-core/axe.min.js"},
}
DEV_TARGET = Path(".cache") / "vendor-dev"

DEFAULT_REGISTRY = "https://registry.npmjs.org"


def tarball_url(registry: str, name: str, version: str) -> str:
    basename = name.rsplit("/", 1)[-1]
    return f"{registry.rstrip('/')}/{name}/-/{basename}-{version}.tgz"


def verify_integrity(payload: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, payload).digest()).decode()
    if digest != expected:
        raise CommandError(f"integrity mismatch: expected {integrity}")


class Command(BaseCommand):
    help = "Download the pinned static packages listed in package-lock.json into static/vendor/."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Download even if present.")
        parser.add_argument(
            "--dev",
            action="store_true",
            help=f"Also fetch the development-only packages into {DEV_TARGET}/.",
        )

    def handle(self, *args, force: bool = False, dev: bool = False, **options):
        base_dir = Path(settings.BASE_DIR)
        lock = json.loads((base_dir / "package-lock.json").read_text())
        lock_digest = hashlib.sha256((base_dir / "package-lock.json").read_bytes()).hexdigest()
        registry = os.environ.get("NPM_REGISTRY", DEFAULT_REGISTRY)
        self._fetch_all(
            lock, lock_digest, registry, WANTED_FILES, base_dir / "static" / "vendor", force
        )
        if dev:
            self._fetch_all(
                lock, lock_digest, registry, WANTED_DEV_FILES, base_dir / DEV_TARGET, force
            )

    def _fetch_all(
        self,
        lock: dict,
        lock_digest: str,
        registry: str,
        wanted: dict[str, dict[str, str]],
        target: Path,
        force: bool,
    ) -> None:
        stamp = target / ".lock-digest"
        label = target.relative_to(settings.BASE_DIR) if target.is_absolute() else target
        if not force and stamp.exists() and stamp.read_text() == lock_digest:
            self.stdout.write(f"{label} is up to date.")
            return
        if not registry.startswith(("https://", "http://")):
            raise CommandError("NPM_REGISTRY must be an http(s) URL")
        for name, files in wanted.items():
            entry = lock["packages"].get(f"node_modules/{name}")
            if entry is None:
                raise CommandError(f"{name} is not in package-lock.json")
            url = tarball_url(registry, name, entry["version"])
            self.stdout.write(f"fetching {name}@{entry['version']}")
            # The scheme was checked above; the payload is verified against the lock's sha512.
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310  # nosec B310
                payload = response.read()
            verify_integrity(payload, entry["integrity"])
            self._extract(payload, files, target)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(lock_digest)
        kind = "development assets" if wanted is WANTED_DEV_FILES else "static assets"
        self.stdout.write(self.style.SUCCESS(f"{kind} written to {target}"))

    @staticmethod
    def _extract(payload: bytes, files: dict[str, str], target: Path) -> None:
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as archive:
            for source, destination in files.items():
                member = archive.extractfile(f"package/{source}")
                if member is None:
                    raise CommandError(f"{source} missing from the package")
                path = target / destination
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(member.read())
