"""The offline app's vendored libraries: exact versions, pinned by the lock file, built files and licences
committed (``make frontend``), never fetched when the app runs."""

import json
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
VENDOR = ROOT / "static" / "vendor"


def test_the_versions_are_exact_and_locked():
    dependencies = json.loads((ROOT / "frontend" / "package.json").read_text())["dependencies"]
    locked = json.loads((ROOT / "frontend" / "package-lock.json").read_text())["packages"]
    assert {"idb", "workbox-sw", "workbox-window", "workbox-precaching"} <= set(dependencies)
    for name, version in dependencies.items():
        assert version[0].isdigit(), f"{name}: {version} is a range"
        assert locked[f"node_modules/{name}"]["version"] == version
        assert locked[f"node_modules/{name}"]["integrity"].startswith("sha512-")
    readme = (VENDOR / "README.md").read_text()
    assert f"| Workbox | {dependencies['workbox-sw']} |" in readme
    assert f"| idb | {dependencies['idb']} |" in readme


def test_the_built_files_and_licences_are_committed_without_source_maps():
    files = ["workbox-sw.js", "workbox-window.prod.umd.js", "LICENSE"]
    files += [f"workbox-{name}.prod.js" for name in ("core", "routing", "strategies", "precaching")]
    for name in files:
        assert (VENDOR / "workbox" / name).is_file(), name
    assert (VENDOR / "idb" / "LICENSE").is_file()
    for script in [*(VENDOR / "workbox").glob("*.js"), VENDOR / "idb" / "idb.umd.js"]:
        assert "sourceMappingURL" not in script.read_text(), script.name
