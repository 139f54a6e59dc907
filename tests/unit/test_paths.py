"""The bundled assets are found in a checkout."""

from __future__ import annotations

from synthocr.paths import bundled


def test_the_bundled_folders_exist() -> None:
    for name in ("fonts", "backgrounds", "recipes"):
        assert bundled(name).is_dir() and bundled(name).name == name
    assert (bundled("recipes") / "default.yaml").is_file()
