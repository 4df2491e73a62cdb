// The lines of an initiative to its reproductions ("inspirée de"), on the map page when its
// address names one (?essaimage=slug, from the initiative's page). A small JSON apart from
// the map's data file; the list of reproductions is also on the initiative's page, as text.
import { fitTo, map } from "pepites/explorer-map";

const L = window.L;
const holder = document.querySelector("[data-essaimage-lines]");

function located(point) {
  return point && Number.isFinite(point.latitude) && Number.isFinite(point.longitude);
}

async function draw() {
  if (!holder) return;
  const response = await fetch(holder.dataset.essaimageLines);
  if (!response.ok) return;
  const data = await response.json();
  const status = holder.querySelector("[data-essaimage-status]");
  const source = data.source;
  const targets = data.reproductions.filter(located);
  status.textContent = holder.dataset.message
    .replace("%(title)s", source.title)
    .replace("%(count)s", String(data.reproductions.length));
  if (!located(source) || !targets.length) return;
  const group = L.featureGroup();
  const from = [source.latitude, source.longitude];
  for (const target of targets) {
    const to = [target.latitude, target.longitude];
    L.polyline([from, to], { color: "#7a3e9d", weight: 3, dashArray: "6 6", interactive: false }).addTo(group);
    L.circleMarker(to, { radius: 7, color: "#ffffff", weight: 2, fillColor: "#7a3e9d", fillOpacity: 1 })
      .bindTooltip(`${target.title} (${target.commune})`)
      .addTo(group);
  }
  L.circleMarker(from, { radius: 9, color: "#ffffff", weight: 2, fillColor: "#3b1f4d", fillOpacity: 1 })
    .bindTooltip(`${source.title} (${source.commune})`)
    .addTo(group);
  group.addTo(map);
  mapElementLines(targets.length);
  const bounds = group.getBounds();
  fitTo([
    [bounds.getSouth(), bounds.getWest()],
    [bounds.getNorth(), bounds.getEast()],
  ]);
}

function mapElementLines(count) {
  document.querySelector("[data-map]").dataset.essaimageLines = String(count);
}

draw().catch((error) => console.warn("Pépites essaimage:", error));

// The links "subscribe to / feed of this search" follow the filters changed without reload
// (the address bar holds them; the server keeps only the search's own keys).
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-follow-search]");
  if (link) link.href = link.dataset.followSearch + window.location.search;
});
