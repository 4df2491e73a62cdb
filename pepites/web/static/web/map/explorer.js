// The map page (home, a theme, a centre): map, list and counts follow the filters without
// reloading, and the address bar keeps filters, map position and selected initiative, so
// that a copied link restores the same view. Without JavaScript the form and the server's
// list work alone; this script only improves them. Its parts, by concern:
//   explorer-state.js    configuration, shared state and the address bar
//   explorer-worker.js   the client of the map worker (worker.js)
//   explorer-list.js     the list, the count and "more"
//   explorer-map.js      the map, its clusters and the selected initiative
//   explorer-filters.js  the form read, resolved and applied
//   explorer-ids.js      the compact id lists of the search (docs/format-carte.md)
import { config, fixed, M, mapElement, showStatus, state, updateUrl } from "pepites/explorer-state";
import { ask } from "pepites/explorer-worker";
import { renderCount, renderList, renderMore, serverIds } from "pepites/explorer-list";
import { fitTo, map, refreshClusters, select, setColours } from "pepites/explorer-map";
import { readFilters, setupFilters, workerFilters } from "pepites/explorer-filters";

setupFilters();

async function start() {
  showStatus(M.loading);
  const filters = readFilters();
  const answer = await ask("init", {
    dataUrl: config.dataUrl,
    superclusterUrl: config.superclusterUrl,
    pageSize: config.pageSize,
    filters: await workerFilters(filters),
  });
  performance.mark("pepites:indexed");
  mapElement.dataset.timings = JSON.stringify(answer.timings);
  const colours = Object.fromEntries(config.themes.map((t) => [t.slug, t.colour]));
  setColours(answer.themes.map((slug) => colours[slug]));
  state.ready = true;
  showStatus("");
  state.total = answer.total;
  renderCount();
  if (serverIds().join(",") !== answer.pageIds.join(",")) await renderList(answer.pageIds);
  else renderMore();
  if (!state.initialView) {
    if (filters.near) map.setView([filters.near[0], filters.near[1]], 12);
    else if (
      answer.bounds &&
      (fixed.centre || filters.region || filters.departement || filters.commune || filters.centre || filters.quartier)
    ) {
      fitTo(answer.bounds);
    }
  }
  await refreshClusters();
  // A shared link's view is kept as it was: no panning to show the popup.
  if (state.selectedId) await select(state.selectedId, { pan: !state.initialView, autoPan: !state.initialView });
  updateUrl();
}

start().catch((error) => {
  mapElement.dataset.state = "failed";
  showStatus(M.map_failed);
  console.warn("Pépites map:", error);
});
