"""Local (file://) URLs of the JavaScript and CSS the map needs, from registry packages.

Leaflet comes from `xstatic-leaflet`, jQuery from `xstatic-jquery`: both install the original
files as package data, so the map works with no network and sends nothing to a CDN.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from maps.errors import MapAssetsMissingError


@dataclass(frozen=True, slots=True)
class MapAssets:
    """file:// URLs, in load order."""

    leaflet_js: str
    leaflet_css: str
    jquery_js: str

    @property
    def js(self) -> list[tuple[str, str]]:
        """For folium's `Map.default_js` (name, url) list."""
        return [("leaflet", self.leaflet_js), ("jquery", self.jquery_js)]

    @property
    def css(self) -> list[tuple[str, str]]:
        """For folium's `Map.default_css` (name, url) list."""
        return [("leaflet_css", self.leaflet_css)]

    def inline_js(self) -> str:
        """Leaflet and jQuery source, for pages that must not load file:// subresources."""
        return "\n;\n".join(_read(url) for url in (self.leaflet_js, self.jquery_js))

    def inline_css(self) -> str:
        """Leaflet's style sheet with its image URLs made absolute."""
        base = self.leaflet_css.rsplit("/", 1)[0]
        return _read(self.leaflet_css).replace("url(images/", f"url({base}/images/")


def _read(url: str) -> str:
    return Path(url2pathname(urlsplit(url).path)).read_text(encoding="utf-8")


def _package_dir(module: str, pip_name: str) -> Path:
    try:
        pkg = importlib.import_module(module)
    except ImportError as exc:
        raise MapAssetsMissingError(
            f"The offline map needs the Python package '{pip_name}', which is not installed. "
            f"Install it with: pip install {pip_name}"
        ) from exc
    base = getattr(pkg, "BASE_DIR", None)
    if not isinstance(base, str):
        raise MapAssetsMissingError(f"'{pip_name}' is installed but has no BASE_DIR; reinstall it.")
    return Path(base)


def _existing(directory: Path, name: str, pip_name: str) -> str:
    path = directory / name
    if not path.is_file():
        raise MapAssetsMissingError(
            f"The offline map file {path} is missing; reinstall it with: "
            f"pip install --force-reinstall {pip_name}"
        )
    return path.resolve().as_uri()


def map_assets() -> MapAssets:
    """Locate the installed files; raise `MapAssetsMissingError` with a fix if one is missing."""
    leaflet = _package_dir("xstatic.pkg.leaflet", "xstatic-leaflet")
    jquery = _package_dir("xstatic.pkg.jquery", "xstatic-jquery")
    return MapAssets(
        leaflet_js=_existing(leaflet, "leaflet.js", "xstatic-leaflet"),
        leaflet_css=_existing(leaflet, "leaflet.css", "xstatic-leaflet"),
        jquery_js=_existing(jquery, "jquery.min.js", "xstatic-jquery"),
    )
