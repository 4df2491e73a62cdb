// The map background chosen by the MAP_TILES setting (json_script "map-config"). Markers,
// list and filters do not depend on it: when tiles cannot load, the page says so once.
const L = window.L;

// After this long without a single tile, the background is said to be unavailable (a
// service that hangs never sends an error).
export const TILES_TIMEOUT_MS = 6000;

// `onFailure(failed)`: called with true when tiles fail or hang, then with false as soon
// as one loads (the notice stays until then).
export function addTiles(map, onFailure) {
  const element = document.getElementById("map-config");
  if (!element) return null;
  const { tiles } = JSON.parse(element.textContent);
  const layer = L.tileLayer(tiles.url, {
    attribution: tiles.attribution,
    maxZoom: tiles.max_zoom || 19,
    subdomains: "abc",
    crossOrigin: false,
  });
  let loaded = 0;
  let failed = 0;
  let reported = false;
  const report = (value) => {
    if (reported === value) return;
    reported = value;
    if (onFailure) onFailure(value);
  };
  const timer = setTimeout(() => {
    if (loaded === 0) report(true);
  }, TILES_TIMEOUT_MS);
  layer.on("tileload", () => {
    loaded += 1;
    clearTimeout(timer);
    report(false);
  });
  layer.on("tileerror", () => {
    failed += 1;
    if (loaded === 0 && failed >= 4) report(true);
  });
  layer.addTo(map);
  return layer;
}

// Metropolitan France, the default view when nothing else says where to look.
export const FRANCE_BOUNDS = [
  [41.3, -5.2],
  [51.1, 9.6],
];
