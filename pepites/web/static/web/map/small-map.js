// The small map of an initiative page: one point, drawn on a canvas, in its theme's colour.
import { addTiles } from "pepites/tiles";

const L = window.L;
const element = document.querySelector("[data-small-map]");
const point = JSON.parse(document.getElementById("initiative-point").textContent);
const map = L.map(element, { zoomControl: false, scrollWheelZoom: false, preferCanvas: true });
element.setAttribute("role", "region");
element.setAttribute("aria-label", point.label);
L.control.zoom({ zoomInTitle: "+", zoomOutTitle: "−" }).addTo(map);
map.setView([point.lat, point.lon], 14);
addTiles(map);
L.circleMarker([point.lat, point.lon], {
  radius: 9,
  color: "#ffffff",
  weight: 2,
  fillColor: point.colour,
  fillOpacity: 1,
  interactive: false,
}).addTo(map);
