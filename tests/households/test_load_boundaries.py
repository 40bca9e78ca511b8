"""``manage.py load_boundaries``: a GeoJSON made here, matched on unit codes in either tree, simplified and
rounded, loaded whole or not at all."""

import json
import math
from io import StringIO
from unittest import mock

import pytest
import shapely
from django.core.management import CommandError, call_command
from shapely.geometry import shape

from households.boundaries import DECIMALS, read_features, simplify
from households.models import UnitBoundary
from tests.conftest import AFTER_REFORM

pytestmark = pytest.mark.django_db


def ring(lon: float, lat: float, radius: float = 0.05, points: int = 360) -> list[list[float]]:
    """A closed ring of ``points`` vertices around (lon, lat), with a wobble simplification should remove."""
    coords = []
    for i in range(points):
        angle = 2 * math.pi * i / points
        r = radius * (1 + 0.0005 * math.sin(40 * angle))
        coords.append([lon + r * math.cos(angle), lat + r * math.sin(angle)])
    return [*coords, coords[0]]


def polygon(lon: float, lat: float, **kw) -> dict:
    return {"type": "Polygon", "coordinates": [ring(lon, lat, **kw)]}


def feature(code, geometry: dict, key: str = "code") -> dict:
    return {"type": "Feature", "properties": {key: code, "name": "whatever"}, "geometry": geometry}


def geojson(tmp_path, *features, name: str = "units.geojson") -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}), encoding="utf-8")
    return str(path)


def load(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_boundaries", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def multipolygon(*centres) -> dict:
    return {"type": "MultiPolygon", "coordinates": [[ring(lon, lat, radius=0.02)] for lon, lat in centres]}


def test_districts_of_the_old_tree_are_loaded_simplified_and_rounded(tmp_path, unit):
    path = geojson(
        tmp_path,
        feature("058", polygon(105.83, 22.15)),  # Thành phố Bắc Kạn
        feature("066", multipolygon((106.1, 22.2), (106.2, 22.25))),  # Huyện Na Rì, two parts
    )
    out, _err = load(path, tree="before-reform")
    assert "Loaded 2 boundaries: 2 new, 0 replaced." in out
    city = UnitBoundary.objects.get(unit=unit("Thành phố Bắc Kạn"))
    assert city.source == "units.geojson"
    assert city.geometry["type"] == "Polygon"
    outer = city.geometry["coordinates"][0]
    assert 4 <= len(outer) < 100  # 361 vertices in the file
    assert all(round(x, DECIMALS) == x for point in outer for x in point)
    assert shape(city.geometry).is_valid
    assert shape(city.geometry).contains(shapely.Point(city.label_lon, city.label_lat))
    na_ri = UnitBoundary.objects.get(unit=unit("Huyện Na Rì"))
    assert na_ri.geometry["type"] == "MultiPolygon"
    assert len(na_ri.geometry["coordinates"]) == 2


def test_a_code_shared_across_the_reform_needs_the_tree(tmp_path, unit):
    # Phường Đức Xuân kept its code 01840 on 1 July 2025: one unit in each tree holds it.
    path = geojson(
        tmp_path, feature("01840", polygon(105.83, 22.14, radius=0.01)), feature("058", polygon(105.8, 22.1))
    )
    with pytest.raises(CommandError, match="1 problem, nothing loaded"):
        _out, err = load(path)
    assert not UnitBoundary.objects.exists()  # not even Thành phố Bắc Kạn, whose code is unique
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("load_boundaries", path, stdout=out, stderr=err)
    assert "code 01840 matches 2 units" in err.getvalue()
    assert "Phường Đức Xuân (commune, until 30/06/2025)" in err.getvalue()
    assert "--tree" in err.getvalue()

    load(path, tree="after-reform", skip_unmatched=True)  # 058 is no unit after the reform
    assert UnitBoundary.objects.get().unit == unit("Phường Đức Xuân", on=AFTER_REFORM)
    load(path, on="2024-12-31")
    assert UnitBoundary.objects.filter(unit=unit("Phường Đức Xuân")).exists()
    assert UnitBoundary.objects.count() == 3


def test_unmatched_codes_are_listed_and_nothing_loads_without_the_flag(tmp_path, unit):
    path = geojson(tmp_path, feature("058", polygon(105.83, 22.15)), feature("99999", polygon(105.9, 22.2)))
    err = StringIO()
    with pytest.raises(CommandError, match="Pass --skip-unmatched"):
        call_command("load_boundaries", path, tree="before-reform", stdout=StringIO(), stderr=err)
    assert "Feature 2: code 99999 matches no unit." in err.getvalue()
    assert not UnitBoundary.objects.exists()

    out, _err = load(path, tree="before-reform", skip_unmatched=True)
    assert "Skipped, matching no unit: 1 features." in out
    assert "code 99999 matches no unit" in out
    assert list(UnitBoundary.objects.values_list("unit__name", flat=True)) == ["Thành phố Bắc Kạn"]


def test_another_code_property_and_numeric_codes_of_one_level(tmp_path, unit):
    # A province file keyed "ma_tinh" with numbers: 6 is Bắc Kạn's "06".
    path = geojson(tmp_path, feature(6, polygon(105.9, 22.2, radius=0.3), key="ma_tinh"))
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem, nothing loaded"):
        call_command("load_boundaries", path, tree="before-reform", stdout=StringIO(), stderr=err)
    assert "Feature 1: no 'code' property." in err.getvalue()
    load(path, tree="before-reform", code_property="ma_tinh", level="province")
    assert UnitBoundary.objects.get().unit == unit("Tỉnh Bắc Kạn")


def test_features_that_cannot_be_read_stop_the_whole_file(tmp_path):
    path = geojson(
        tmp_path,
        feature("058", polygon(105.83, 22.15)),
        feature("060", {"type": "Point", "coordinates": [105.9, 22.4]}),
        feature(
            "061",
            {
                "type": "Polygon",
                "coordinates": [[[580000, 2450000], [581000, 2450000], [581000, 2451000], [580000, 2450000]]],
            },
        ),
        feature("062", polygon(105.9, 22.3)),
        feature("062", polygon(105.95, 22.3)),
    )
    err = StringIO()
    with pytest.raises(CommandError, match="3 problems, nothing loaded"):
        call_command("load_boundaries", path, tree="before-reform", stdout=StringIO(), stderr=err)
    report = err.getvalue()
    assert "Feature 2 (code 060): geometry Point, expected Polygon or MultiPolygon." in report
    assert "Feature 3 (code 061): coordinates outside Vietnam" in report
    assert "Code 062 appears in 2 features (4, 5)." in report
    assert not UnitBoundary.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "Not JSON"),
        (json.dumps({"type": "Feature"}), "Not a GeoJSON FeatureCollection"),
        (json.dumps({"type": "FeatureCollection", "features": []}), "has no features"),
    ],
)
def test_a_file_that_is_no_feature_collection(tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        load(str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        load(str(tmp_path / "missing.geojson"))


def test_a_reload_replaces_and_a_failure_midway_keeps_the_old_boundaries(tmp_path, unit):
    first = geojson(tmp_path, feature("058", polygon(105.83, 22.15)), feature("060", polygon(105.7, 22.5)))
    load(first, tree="before-reform")
    before = {b.unit_id: b.geometry for b in UnitBoundary.objects.all()}
    second = geojson(
        tmp_path, feature("058", polygon(105.84, 22.16)), feature("061", polygon(105.8, 22.4)), name="second.geojson"
    )
    out, _err = load(second, tree="before-reform", dry_run=True)
    assert "Would load 2 boundaries: 1 new, 1 replaced." in out
    assert {b.unit_id: b.geometry for b in UnitBoundary.objects.all()} == before

    # The database fails after the old rows are deleted: the transaction puts them back.
    failing = mock.patch.object(UnitBoundary.objects, "bulk_create", side_effect=RuntimeError("disk full"))
    with failing, pytest.raises(RuntimeError):
        load(second, tree="before-reform")
    assert {b.unit_id: b.geometry for b in UnitBoundary.objects.all()} == before

    out, _err = load(second, tree="before-reform")
    assert "Loaded 2 boundaries: 1 new, 1 replaced." in out
    assert UnitBoundary.objects.count() == 3
    assert UnitBoundary.objects.get(unit=unit("Thành phố Bắc Kạn")).source == "second.geojson"


def test_simplify_repairs_a_crossed_ring_and_keeps_five_decimals():
    bowtie = shape(
        {"type": "Polygon", "coordinates": [[[105, 22], [105.1, 22.1], [105.1, 22], [105, 22.1], [105, 22]]]}
    )
    assert not bowtie.is_valid
    simple = simplify(bowtie)
    assert simple.is_valid
    assert simple.geom_type in ("Polygon", "MultiPolygon")
    assert simple.area == pytest.approx(0.005)  # both triangles of the bow tie, where buffer(0) keeps one
    wobbly = shape(polygon(105.123456789, 22.987654321))
    assert all(round(x, DECIMALS) == pytest.approx(x, abs=1e-9) for x in shapely.get_coordinates(simplify(wobbly)).flat)


def test_read_features_pads_codes_and_places_the_label_inside():
    text = json.dumps({"type": "FeatureCollection", "features": [feature(1840.0, polygon(105.83, 22.14))]})
    read = read_features(text, code_length=5)
    assert read.problems == []
    (only,) = read.features
    assert only.code == "01840"
    lat, lon = only.label
    assert shape(only.geometry).contains(shapely.Point(lon, lat))
