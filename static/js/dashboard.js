// Dashboard: the trend chart (Chart.js) and the map of units coloured by poverty rate (Leaflet, no tiles:
// provincial offices are often offline, so units are drawn as circles at their centroids).
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

  const mapElement = document.getElementById("unit-map");
  if (mapElement && window.L && points.length) {
    const map = window.L.map(mapElement, { attributionControl: false });
    const colour = (rate) =>
      rate === null ? "#999" : rate > 40 ? "#67000d" : rate > 25 ? "#a50f15" : rate > 20 ? "#de2d26" : rate > 10 ? "#fb6a4a" : rate > 2 ? "#fcae91" : "#fee5d9";
    const markers = points.map((point) =>
      window.L.circleMarker([point.lat, point.lon], {
        radius: 12,
        color: "#333",
        weight: 1,
        fillColor: colour(point.poor_rate),
        fillOpacity: 0.85,
      })
        .bindTooltip(`${point.name}: ${point.poor_rate === null ? "–" : number.format(point.poor_rate) + "%"}`)
        .on("click", () => {
          const params = new URLSearchParams(window.location.search);
          params.set("unit", point.pk);
          window.location.search = params.toString();
        })
        .addTo(map)
    );
    map.fitBounds(window.L.featureGroup(markers).getBounds().pad(0.2));
  }
})();
