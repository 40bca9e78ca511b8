"""The dashboard's map: the units' boundaries when loaded (else circles), their band colours and the legend,
labels, links to each unit's dashboard, a commune that is not a blank map; and bad query parameters."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.html import escape

from accounts.models import Role
from households.models import UnitBoundary
from programmes.progress import DEFAULT_BANDS
from reports.dashboard import NO_FIGURES, REDS, band_colours
from tests.conftest import AFTER_REFORM
from tests.factories import residents_everywhere

pytestmark = pytest.mark.django_db


def json_script(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def square(lon: float, lat: float, size: float = 0.1) -> dict:
    corners = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [corners]}


def load_boundaries(tmp_path, codes_and_shapes: dict, **options) -> None:
    features = [
        {"type": "Feature", "properties": {"code": code}, "geometry": geometry}
        for code, geometry in codes_and_shapes.items()
    ]
    path = tmp_path / "boundaries.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    call_command("load_boundaries", str(path), stdout=StringIO(), stderr=StringIO(), **options)


def test_the_map_draws_the_loaded_boundaries_with_labels_links_and_the_legend(
    client, reviewed, province_officer, unit, tmp_path
):
    province = unit("Tỉnh Bắc Kạn")
    residents_everywhere(2024, 10, under=province)
    load_boundaries(tmp_path, {"066": square(106.0, 22.2), "060": square(105.6, 22.4)}, tree="before-reform")
    client.force_login(province_officer)
    page = client.get("/dashboard/", {"unit": province.pk, "year": 2024})
    assert page.status_code == 200
    html = page.text
    shapes = {each["name"]: each for each in json_script(html, "map-data")}
    na_ri = shapes["Huyện Na Rì"]
    assert na_ri["boundary"]["type"] == "Polygon"
    assert {tuple(corner) for corner in na_ri["boundary"]["coordinates"][0]} == {
        (106.0, 22.2),
        (106.1, 22.2),
        (106.1, 22.3),
        (106.0, 22.3),
    }
    assert na_ri["label"] == [pytest.approx(22.25, abs=0.05), pytest.approx(106.05, abs=0.05)]
    assert na_ri["short_name"] == "Na Rì"
    assert na_ri["href"] == f"/dashboard/?unit={unit('Huyện Na Rì').pk}&year=2024&standard=2021-2025"
    colours = {band.label: colour for band, colour in band_colours(DEFAULT_BANDS)}
    assert na_ri["band"]
    assert na_ri["colour"] == colours[na_ri["band"]]
    # Districts without a loaded boundary keep their circle at the packages' centroid.
    ba_be = shapes["Huyện Ba Bể"]
    assert ba_be["boundary"] is None
    assert 21 < ba_be["lat"] < 23
    assert ba_be["colour"] == (colours[ba_be["band"]] if ba_be["band"] else NO_FIGURES)
    assert ba_be["label"] == [ba_be["lat"], ba_be["lon"]]
    # The legend: every band with its colour, and "no figures".
    legend = html.split('class="map-legend"', 1)[1].split("</ul>", 1)[0]
    assert legend.count("<li>") == len(DEFAULT_BANDS) + 1
    for band, colour in band_colours(DEFAULT_BANDS):
        assert f"background-color: {colour}" in legend
        assert escape(band.label) in legend
    # A region holding the zoom buttons, described by the text beside it; no longer an image.
    assert 'id="unit-map" class="map" role="region"' in html
    assert 'aria-describedby="map-help"' in html
    assert 'role="img" aria-label="Bản đồ' not in html


def test_without_boundaries_the_map_keeps_its_circles_and_legend(client, reviewed, province_officer, unit):
    client.force_login(province_officer)
    html = client.get("/dashboard/", {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024}).text
    shapes = json_script(html, "map-data")
    assert len(shapes) == 8  # the eight districts and city of Bắc Kạn
    assert all(each["boundary"] is None and each["lat"] for each in shapes)
    assert 'class="map-legend"' in html
    assert not UnitBoundary.objects.exists()


def test_a_commune_is_drawn_as_itself_without_a_link(client, reviewed, make_user, unit, tmp_path):
    commune = unit("Xã Văn Lang", on=AFTER_REFORM)
    client.force_login(make_user(Role.COMMUNE_OFFICER, [commune]))
    html = client.get("/dashboard/", {"unit": commune.pk, "year": 2026}).text
    (before,) = json_script(html, "map-data")
    assert before["pk"] == commune.pk
    assert before["href"] is None  # the page is already this commune's
    load_boundaries(tmp_path, {commune.code: square(106.1, 22.3, 0.05)}, tree="after-reform")
    (drawn,) = json_script(client.get("/dashboard/", {"unit": commune.pk, "year": 2026}).text, "map-data")
    assert drawn["boundary"]["type"] == "Polygon"


def test_a_page_whose_units_cannot_be_placed_says_so_instead_of_a_blank_map(client, reviewed, make_user, unit):
    commune = unit("Xã Văn Lang", on=AFTER_REFORM)
    client.force_login(make_user(Role.COMMUNE_OFFICER, [commune]))
    AfterReform = type(commune)
    # A commune the packages have no centroid for (renamed by the province, say), and no boundary loaded.
    AfterReform.objects.filter(pk=commune.pk).update(name="Xã Văn Lang Mới")
    html = client.get("/dashboard/", {"unit": commune.pk, "year": 2026}).text
    assert json_script(html, "map-data") == []
    assert "data-map-empty" in html
    assert 'id="unit-map"' not in html
    assert 'class="map-legend"' in html


def test_band_colours_go_from_light_to_dark():
    colours = [colour for _band, colour in band_colours(DEFAULT_BANDS)]
    assert colours[0] == REDS[-1]  # the highest band is the darkest
    assert colours[-1] == REDS[0]
    assert len(set(colours)) == len(colours)
    (only,) = band_colours(DEFAULT_BANDS[:1])
    assert only[1] in REDS


@pytest.mark.parametrize(
    "query",
    [
        {"standard": "1999-2000"},
        {"standard": "<script>alert(1)</script>"},
        {"standard": "x" * 5000},
        {"standard": ["2021-2025", "2016-2020"]},
        {"standard": "", "year": "abc"},
        {"year": "1800"},
        {"unit": "not-a-number"},
        {"unit": "999999999"},
    ],
)
def test_unknown_query_values_fall_back_instead_of_failing(client, reviewed, province_officer, unit, query):
    client.force_login(province_officer)
    page = client.get("/dashboard/", {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024, **query})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    if "standard" in query and "year" not in query:
        # The year's own standard is shown, and the links carry it, not the unknown value.
        assert 'data-standard="2021-2025"' in page.text
        assert all(each["href"].endswith("standard=2021-2025") for each in json_script(page.text, "map-data"))
