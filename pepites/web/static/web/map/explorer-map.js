// The explorer's map: clusters drawn from the worker's index, and the selected initiative's
// popup.
import { ClusterLayer } from "pepites/cluster-layer";
import { M, mapElement, showStatus, state, updateUrl } from "pepites/explorer-state";
import { fetchCards, markSelected } from "pepites/explorer-list";
import { addTiles, FRANCE_BOUNDS } from "pepites/tiles";
import { onViewChange } from "pepites/explorer-view";
import { ask } from "pepites/explorer-worker";

const L = window.L;

export const map = L.map(mapElement, { zoomControl: false, minZoom: 2, worldCopyJump: false });
state.map = map;
mapElement.setAttribute("role", "region");
mapElement.setAttribute("aria-label", M.map_label);
L.control.zoom({ zoomInTitle: M.zoom_in, zoomOutTitle: M.zoom_out }).addTo(map);
if (state.initialView) map.setView([state.initialView.lat, state.initialView.lon], state.initialView.zoom);
else map.fitBounds(FRANCE_BOUNDS);
// Its own live region: the notice stays when the map's other messages change.
const tilesNotice = document.createElement("p");
tilesNotice.className = "map-status";
tilesNotice.setAttribute("role", "status");
tilesNotice.dataset.tilesStatus = "";
mapElement.after(tilesNotice);
addTiles(map, (failed) => {
  tilesNotice.textContent = failed ? M.tiles_failed : "";
});
const layer = new ClusterLayer();
layer.addTo(map);
onViewChange((name) => {
  if (name === "map") map.invalidateSize();
});

let clusterSeq = 0;

export async function refreshClusters() {
  if (!state.ready) return;
  const b = map.getBounds().pad(0.4);
  const bbox = [
    Math.max(-180, b.getWest()),
    Math.max(-85, b.getSouth()),
    Math.min(180, b.getEast()),
    Math.min(85, b.getNorth()),
  ];
  const mine = ++clusterSeq;
  const answer = await ask("clusters", { bbox, zoom: map.getZoom() });
  if (mine !== clusterSeq) return;
  layer.setItems(answer.items);
  mapElement.dataset.items = String(answer.items.length / 5);
  if (mapElement.dataset.state !== "ready") {
    mapElement.dataset.state = "ready";
    performance.mark("pepites:markers");
  }
}

export function setColours(colours) {
  layer.setColours(colours);
}

export function fitTo(bounds) {
  const [[s, w], [n, e]] = bounds;
  if (s === n && w === e) map.setView([s, w], 13);
  else map.fitBounds(bounds, { maxZoom: 12, padding: [48, 48] });
}

map.on("moveend", () => {
  refreshClusters();
  updateUrl();
});

map.on("click", async (event) => {
  const hit = layer.hitTest(event.layerPoint);
  if (!hit) return;
  if (hit.cluster) {
    const { zoom } = await ask("expand", { clusterId: hit.key });
    map.setView([hit.lat, hit.lon], Math.min(zoom, map.getMaxZoom()));
  } else {
    const { id } = await ask("row", { row: hit.key });
    select(id, { pan: false });
  }
});

// --- The selected initiative ---------------------------------------------------------------

function frenchPopupButton() {
  const close = mapElement.querySelector(".leaflet-popup-close-button");
  if (close) {
    close.setAttribute("aria-label", M.close);
    close.setAttribute("title", M.close);
  }
}

export async function select(id, { pan = true, autoPan = true } = {}) {
  const where = await ask("locate", { initiativeId: id });
  if (!where.found) {
    state.selectedId = null;
    updateUrl();
    return;
  }
  state.selectedId = id;
  layer.setSelectedRow(where.row);
  markSelected();
  updateUrl();
  if (where.lat === null) {
    showStatus(M.no_position);
    return;
  }
  if (pan) map.setView([where.lat, where.lon], Math.max(map.getZoom(), 15));
  const html = await fetchCards([id]);
  const popup = L.popup({ maxWidth: 320, autoPan, autoPanPadding: [24, 24] })
    .setLatLng([where.lat, where.lon])
    .setContent(`<ul class="plain-list map-popup">${html}</ul>`);
  popup.on("remove", () => {
    if (state.selectedId === id) {
      state.selectedId = null;
      layer.setSelectedRow(-1);
      markSelected();
      updateUrl();
    }
  });
  popup.openOn(map);
  frenchPopupButton();
}
