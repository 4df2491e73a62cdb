// The network map: a point per département in the colour of the centre covering it. The
// centre cards below carry the same information as text.
import { addTiles, FRANCE_BOUNDS } from "pepites/tiles";

const L = window.L;
const element = document.querySelector("[data-network-map]");
const data = JSON.parse(document.getElementById("network-map").textContent);
const map = L.map(element, { preferCanvas: true, minZoom: 2 });
element.setAttribute("role", "region");
element.setAttribute("aria-label", data.label);
map.fitBounds(FRANCE_BOUNDS);
addTiles(map);

function escape(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span.innerHTML;
}

for (const point of data.points) {
  const marker = L.circleMarker([point.lat, point.lon], {
    radius: 9,
    color: "#ffffff",
    weight: 2,
    fillColor: point.colour,
    fillOpacity: 1,
  }).addTo(map);
  const centres = point.centres.length
    ? point.centres.map((c) => `<a href="${encodeURI(c.url)}">${escape(c.name)}</a>`).join("<br>")
    : escape(data.national);
  marker.bindPopup(`<p><strong>${escape(point.name)} (${escape(point.code)})</strong><br>${centres}</p>`);
}
