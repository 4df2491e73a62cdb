// The explorer's shared state and its address bar: the page's configuration, what is
// selected and shown, and the URL that restores the same view when a link is shared.
performance.mark("pepites:script"); // the first of the explorer's modules to run

export const config = JSON.parse(document.getElementById("map-page").textContent);
export const M = config.messages;
export const fixed = config.fixed || {};
export const form = document.getElementById("filtres");
export const mapElement = document.querySelector("[data-map]");
const statusElement = document.querySelector("[data-map-status]");

const startUrl = new URL(window.location.href);

export function parseView(text) {
  const parts = (text || "").split("/").map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  const [zoom, lat, lon] = parts;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { zoom: Math.max(2, Math.min(19, Math.round(zoom))), lat, lon };
}

export const state = {
  ready: false, // the worker has the data: the address bar may be rewritten
  map: null, // the Leaflet map (explorer-map.js)
  initialView: parseView(startUrl.searchParams.get("carte")),
  selectedId: Number.parseInt(startUrl.searchParams.get("fiche"), 10) || null,
};

export const format = (template, values) => template.replace(/%\((\w+)\)s/g, (_m, key) => values[key]);
export const number = (n) => n.toLocaleString("fr-FR");

export function showStatus(text) {
  if (statusElement) statusElement.textContent = text;
}

export function field(name) {
  return form ? form.elements.namedItem(name) : null;
}

export function updateUrl() {
  if (!state.ready) return;
  const params = new URLSearchParams();
  if (form) {
    for (const [key, value] of new FormData(form)) {
      if (value !== "") params.append(key, value);
    }
  }
  const centre = state.map.getCenter();
  params.set("carte", `${state.map.getZoom()}/${centre.lat.toFixed(5)}/${centre.lng.toFixed(5)}`);
  if (state.selectedId) params.set("fiche", String(state.selectedId));
  window.history.replaceState(null, "", `${window.location.pathname}?${params}`);
}
