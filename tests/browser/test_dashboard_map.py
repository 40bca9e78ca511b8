"""The dashboard's map in Chromium: the province's communes drawn from boundaries loaded with
``manage.py load_boundaries``, the legend of the rate bands, names, and a click that opens the unit."""

import datetime
import json
from io import StringIO

import pytest
import shapely
from django.core.management import call_command
from shapely.geometry import mapping

from households.models import ResidentCount, UnitLevel
from households.unit_sources import coordinates
from tests.browser.conftest import log_in
from tests.live_world import approved_review

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


def approved_review_with_a_rate(world) -> None:
    """One approved review of this year in Xã Văn Lang, and the commune's resident households, so that it has a
    rate and a band colour."""
    approved_review(world, "VL-0100")
    ResidentCount.objects.create(commune=world["commune"], year=datetime.date.today().year, households=6, people=24)


def voronoi_boundaries(province, tmp_path) -> str:
    """A GeoJSON of made-up commune boundaries: the Voronoi cells of the packages' centroids, clipped."""
    centres = {}
    for commune in province.children.filter(level=UnitLevel.COMMUNE):
        point = coordinates(
            level=commune.level, code=commune.code, name=commune.name, legacy=False, province_code=province.code
        )
        if point:
            centres[commune.code] = shapely.Point(point[1], point[0])
    points = shapely.MultiPoint(list(centres.values()))
    outline = points.convex_hull.buffer(0.05)
    cells = shapely.voronoi_polygons(points, extend_to=outline)
    features = []
    for code, centre in centres.items():
        cell = next(c for c in cells.geoms if c.contains(centre))
        features.append(
            {"type": "Feature", "properties": {"ma_xa": code}, "geometry": mapping(cell.intersection(outline))}
        )
    path = tmp_path / "communes.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(path)


def test_the_map_draws_the_communes_with_the_legend_and_opens_a_unit(page, live_world, tmp_path):
    world = live_world
    approved_review_with_a_rate(world)
    province = world["commune"].parent
    out = StringIO()
    path = voronoi_boundaries(province, tmp_path)
    call_command("load_boundaries", path, code_property="ma_xa", tree="after-reform", stdout=out)
    assert "Loaded" in out.getvalue()

    log_in(page, "can.bo.tinh")
    page.goto("/dashboard/")
    assert "Tỉnh Thái Nguyên" in page.inner_text("h1")
    page.wait_for_selector("#unit-map path.leaflet-interactive")
    communes = province.children.filter(level=UnitLevel.COMMUNE).count()
    assert page.locator("#unit-map path.leaflet-interactive").count() >= communes * 0.8
    assert page.get_attribute("#unit-map", "role") == "region"
    legend = page.locator(".map-legend li")
    assert legend.count() == 7
    assert legend.first.is_visible()
    # The map panel on a phone and on an office screen (the view, not the whole page: the table of a
    # hundred communes below it would make the picture mostly table).
    for width, height in [(390, 844), (1366, 900)]:
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        page.wait_for_selector("#unit-map path.leaflet-interactive")
        page.locator(".map-legend").scroll_into_view_if_needed()
        page.screenshot(path=f"docs/screenshots/dashboard-map-{width}.png")

    # Zoomed in on Xã Văn Lang, the names of the communes in view show.
    shapes = {
        each["pk"]: each for each in page.evaluate("() => JSON.parse(document.getElementById('map-data').textContent)")
    }
    van_lang = shapes[world["commune"].pk]
    page.evaluate("(label) => document.getElementById('unit-map').leafletMap.setView(label, 11)", van_lang["label"])
    page.wait_for_selector(".unit-label")
    assert "Văn Lang" in page.locator(".unit-label").all_inner_texts()

    # A click on the commune opens its dashboard.
    page.locator("#unit-map").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """(label) => {
          const map = document.getElementById('unit-map').leafletMap;
          const point = map.latLngToContainerPoint(label);
          const box = map.getContainer().getBoundingClientRect();
          return [box.left + point.x, box.top + point.y];
        }""",
        van_lang["label"],
    )
    with page.expect_navigation():
        page.mouse.click(x, y)
    assert f"unit={world['commune'].pk}" in page.url
    assert "Xã Văn Lang" in page.inner_text("h1")
    # The commune's own page draws the commune, not a blank map.
    page.wait_for_selector("#unit-map path.leaflet-interactive")
    assert page.locator("#unit-map path.leaflet-interactive").count() == 1
    assert not page.console_errors
