// The map background chosen by the MAP_TILES setting (json_script "map-config"). Markers,
// list and filters do not depend on it: when tiles cannot load, the page says so once.
const L = window.L;

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
  layer.on("tileload", () => {
    loaded += 1;
  });
  layer.on("tileerror", () => {
    failed += 1;
    if (!reported && loaded === 0 && failed >= 4) {
      reported = true;
      if (onFailure) onFailure();
    }
  });
  layer.addTo(map);
  return layer;
}

// Metropolitan France, the default view when nothing else says where to look.
export const FRANCE_BOUNDS = [
  [41.3, -5.2],
  [51.1, 9.6],
];
