"""Unit boundaries from a GeoJSON file, made light enough for the dashboard's map: pure functions, no database.

Geometry work goes through Shapely (GEOS): it is already installed with ``vietnamadminunits``, and its
``simplify(preserve_topology=True)`` is a Douglas–Peucker that keeps rings valid, which a hand-written one
would have to prove. Coordinates are then rounded to ``DECIMALS`` places (about a metre), which is what makes
a province's communes a few hundred kilobytes instead of tens of megabytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

# 5 decimals of a degree: 1.1 m at the equator, finer than anything the map draws.
DECIMALS = 5
# 0.0005° (about 50 m): a commune of a few kilometres keeps its shape on a province map.
DEFAULT_TOLERANCE = 0.0005
POLYGONAL = ("Polygon", "MultiPolygon")
# Vietnam and its islands with a margin: a feature outside is in another coordinate system (VN-2000 metres,
# or latitude and longitude swapped) and would be drawn in the sea or not at all.
LON_RANGE = (100.0, 118.0)
LAT_RANGE = (6.0, 25.0)


class BoundaryFileError(ValueError):
    """The file is not a GeoJSON FeatureCollection: nothing in it can be read."""


@dataclass(frozen=True)
class Feature:
    """One feature of the file: its code, its simplified geometry and where its label goes."""

    index: int  # 1-based position in the file, for the report
    code: str
    geometry: dict[str, Any]  # GeoJSON geometry (Polygon or MultiPolygon), simplified and rounded
    label: tuple[float, float]  # (lat, lon) of a point inside the shape


@dataclass
class ReadResult:
    features: list[Feature] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # features that cannot be loaded, one line each


def read_features(
    text: str | bytes,
    *,
    code_property: str = "code",
    tolerance: float = DEFAULT_TOLERANCE,
    code_length: int | None = None,
) -> ReadResult:
    """The features of a GeoJSON FeatureCollection, simplified; a problem line for each that cannot be used.

    ``code_length`` left-pads numeric codes with zeros (a file may hold the province code 6 as a number,
    where the unit's code is "06").
    """
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise BoundaryFileError(f"Not JSON: {error}") from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise BoundaryFileError("Not a GeoJSON FeatureCollection (expected {'type': 'FeatureCollection', ...}).")
    result = ReadResult()
    for index, raw in enumerate(data["features"], start=1):
        where = f"Feature {index}"
        if not isinstance(raw, dict):
            result.problems.append(f"{where}: not a GeoJSON feature.")
            continue
        properties = raw.get("properties") or {}
        code = _code(properties.get(code_property) if isinstance(properties, dict) else None, code_length)
        if not code:
            result.problems.append(f"{where}: no {code_property!r} property.")
            continue
        where = f"Feature {index} (code {code})"
        geometry = raw.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONAL:
            kind = geometry.get("type") if isinstance(geometry, dict) else "none"
            result.problems.append(f"{where}: geometry {kind}, expected Polygon or MultiPolygon.")
            continue
        try:
            shaped = shape(geometry)
        except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as error:
            result.problems.append(f"{where}: unreadable geometry ({error}).")
            continue
        if shaped.is_empty:
            result.problems.append(f"{where}: empty geometry.")
            continue
        west, south, east, north = shaped.bounds
        if not (LON_RANGE[0] <= west and east <= LON_RANGE[1] and LAT_RANGE[0] <= south and north <= LAT_RANGE[1]):
            result.problems.append(
                f"{where}: coordinates outside Vietnam ({west:.3f}, {south:.3f} – {east:.3f}, {north:.3f}); "
                "expected longitude and latitude in degrees (WGS 84)."
            )
            continue
        simple = simplify(shaped, tolerance=tolerance)
        if simple.is_empty:
            result.problems.append(f"{where}: nothing left of the shape after simplifying.")
            continue
        inside = simple.representative_point()
        label = (round(inside.y, DECIMALS), round(inside.x, DECIMALS))
        result.features.append(Feature(index, code, rounded(mapping(simple)), label))
    return result


def simplify(geometry: BaseGeometry, *, tolerance: float = DEFAULT_TOLERANCE) -> BaseGeometry:
    """The geometry repaired if need be, simplified within ``tolerance`` degrees, snapped to ``DECIMALS`` places.

    Snapping through GEOS (``set_precision``) keeps the polygons valid, which rounding each number alone
    would not (two vertices may collapse into one and a ring cross itself).
    """
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    simple = geometry.simplify(tolerance, preserve_topology=True)
    simple = shapely.set_precision(simple, 10**-DECIMALS)
    # make_valid or set_precision may leave a collection with lines or points: only the areas are drawn.
    if simple.geom_type == "GeometryCollection":
        simple = shapely.union_all([part for part in simple.geoms if part.geom_type in POLYGONAL])
    return simple


def rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON geometry with plain lists and each coordinate rounded to ``DECIMALS`` places."""

    def walk(value):
        if isinstance(value, (list, tuple)):
            return [walk(each) for each in value]
        return round(float(value), DECIMALS)

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def _code(value: Any, code_length: int | None) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    code = str(value).strip()
    if code_length and code.isdigit():
        code = code.zfill(code_length)
    return code
