// Dashboard: the trend chart (Chart.js) and the map of units coloured by poverty rate (Leaflet, no tiles:
// provincial offices are often offline, so units are drawn from their loaded boundaries or as circles).
(function () {
  "use strict";
  const lang = document.documentElement.lang || "vi";
  const trend = JSON.parse(document.getElementById("trend-data").textContent);
  const points = JSON.parse(document.getElementById("map-data").textContent);
  const label = lang.startsWith("vi")
    ? { poor: "Tỷ lệ hộ nghèo (%)", near: "Tỷ lệ hộ cận nghèo (%)", target: "Mục tiêu tỷ lệ hộ nghèo (%)", partial: "chưa đủ" }
    : { poor: "Poor households (%)", near: "Near-poor households (%)", target: "Target poverty rate (%)", partial: "partial" };
  // The trend holds every year from the first to the last (a year without figures is a gap in the line);
  // a partial year (not every commune reported) is drawn hollow and named so on the axis.
  const hollow = (colour) => trend.map((row) => (row.partial ? "#fff" : colour));
  const number = new Intl.NumberFormat(lang.startsWith("vi") ? "vi-VN" : "en-GB", { maximumFractionDigits: 2 });

  const canvas = document.getElementById("trend-chart");
  if (canvas && window.Chart) {
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: trend.map((row) => (row.partial ? `${row.year} (${label.partial})` : String(row.year))),
        datasets: [
          { label: label.poor, data: trend.map((row) => row.poor_rate), borderColor: "#b3261e", backgroundColor: "#b3261e", pointBackgroundColor: hollow("#b3261e"), pointRadius: 4 },
          { label: label.near, data: trend.map((row) => row.near_poor_rate), borderColor: "#e8a33d", backgroundColor: "#e8a33d", pointBackgroundColor: hollow("#e8a33d"), pointRadius: 4 },
        ].concat(
          trend.some((row) => row.target_rate !== null)
            ? [{ label: label.target, data: trend.map((row) => row.target_rate), borderColor: "#1d4ed8", backgroundColor: "#1d4ed8", borderDash: [6, 4], spanGaps: true }]
            : []
        ),
      },
      options: {
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { callback: (value) => number.format(value) } } },
        plugins: { tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${number.format(ctx.parsed.y)}` } } },
      },
    });
  }

  // The map: each unit by its boundary when the province loaded them (manage.py load_boundaries), else a
  // circle at its centroid; coloured by the server's rate bands (the legend beside it), named, and a click
  // opens the unit's own dashboard. The table of units below the map says the same in text.
  const mapElement = document.getElementById("unit-map");
  if (mapElement && window.L && points.length) {
    const map = window.L.map(mapElement, { attributionControl: false, zoomControl: false, maxZoom: 14, zoomSnap: 0.25 });
    window.L.control
      .zoom({ zoomInTitle: mapElement.dataset.zoomIn || "Zoom in", zoomOutTitle: mapElement.dataset.zoomOut || "Zoom out" })
      .addTo(map);
    const rate = (point) => (point.poor_rate === null ? "–" : number.format(point.poor_rate) + "%");
    const style = (point) => ({ color: "#333", weight: 1, fillColor: point.colour, fillOpacity: 0.85 });
    const labels = [];
    const layers = points.map((point) => {
      const layer = point.boundary
        ? window.L.geoJSON(point.boundary, { style: () => style(point) })
        : window.L.circleMarker([point.lat, point.lon], { radius: 12, ...style(point) });
      layer.bindTooltip(`${point.name}: ${rate(point)}`, { sticky: true });
      if (point.href) {
        layer.on("click", () => {
          window.location.href = point.href;
        });
      }
      layer.addTo(map);
      if (point.label) {
        labels.push(
          window.L.tooltip({ permanent: true, direction: "center", className: "unit-label", interactive: false })
            .setLatLng(point.label)
            .setContent(point.short_name)
        );
      }
      return layer;
    });
    // Names stay on the map while they can be read: when at most MAX_LABELS units are in view (zooming into a
    // province of a hundred communes shows the names of those in view).
    const MAX_LABELS = 30;
    const showLabels = () => {
      const bounds = map.getBounds();
      const inView = labels.filter((label) => bounds.contains(label.getLatLng()));
      labels.forEach((label) => {
        const wanted = inView.length <= MAX_LABELS && inView.includes(label);
        if (wanted && !map.hasLayer(label)) label.addTo(map);
        if (!wanted && map.hasLayer(label)) map.removeLayer(label);
      });
    };
    map.on("moveend", showLabels);
    map.fitBounds(window.L.featureGroup(layers).getBounds().pad(0.1), { maxZoom: 12 });
    showLabels();
    mapElement.leafletMap = map; // for the browser tests, which click a unit at its label point
  }
})();
