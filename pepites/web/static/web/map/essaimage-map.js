// The small map of an initiative's reproductions, on its page: the initiative, each
// reproduction, and a line between them. The list beside it says the same as text.
const element = document.querySelector("[data-essaimage-map]");

async function start() {
  const L = window.L;
  const data = JSON.parse(document.getElementById("essaimage-points").textContent);
  const map = L.map(element, { zoomControl: false, scrollWheelZoom: false, preferCanvas: true });
  element.setAttribute("role", "region");
  element.setAttribute("aria-label", element.closest("section").querySelector("strong").textContent);
  // Imported late: the tiles module reads Leaflet, a deferred script placed after this one.
  const { addTiles } = await import("pepites/tiles");
  addTiles(map);
  const from = [data.source.lat, data.source.lon];
  const all = [from];
  for (const point of data.points) {
    const to = [point.lat, point.lon];
    all.push(to);
    L.polyline([from, to], { color: "#7a3e9d", weight: 2, dashArray: "4 4", interactive: false }).addTo(map);
    L.circleMarker(to, { radius: 6, color: "#ffffff", weight: 2, fillColor: "#7a3e9d", fillOpacity: 1 })
      .bindTooltip(point.label)
      .addTo(map);
  }
  L.circleMarker(from, { radius: 8, color: "#ffffff", weight: 2, fillColor: "#3b1f4d", fillOpacity: 1 })
    .bindTooltip(data.source.label)
    .addTo(map);
  map.fitBounds(L.latLngBounds(all), { padding: [24, 24], maxZoom: 11 });
}

// Leaflet is a deferred script placed after this one: it has run once the page is parsed.
if (element) {
  if (window.L) start();
  else document.addEventListener("DOMContentLoaded", start);
}
