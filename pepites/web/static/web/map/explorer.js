// The map page (home, a theme, a centre): map, list and counts follow the filters without
// reloading, and the address bar keeps filters, map position and selected initiative, so
// that a copied link restores the same view. Without JavaScript the form and the server's
// list work alone; this script only improves them.
import { ClusterLayer } from "pepites/cluster-layer";
import { addTiles, FRANCE_BOUNDS } from "pepites/tiles";

performance.mark("pepites:script");
const L = window.L;
const config = JSON.parse(document.getElementById("map-page").textContent);
const M = config.messages;
const fixed = config.fixed || {};
const form = document.getElementById("filtres");
const mapElement = document.querySelector("[data-map]");
const statusElement = document.querySelector("[data-map-status]");
const results = document.querySelector("[data-results]");
const list = results.querySelector("[data-list]");
const countElement = results.querySelector("#compte");
const aroundElement = results.querySelector("[data-around]");
const moreButton = results.querySelector("[data-more]");
const pagination = results.querySelector("[data-pagination]");

let ready = false; // the worker has the data: the address bar may be rewritten
const format = (template, values) => template.replace(/%\((\w+)\)s/g, (_m, key) => values[key]);
const number = (n) => n.toLocaleString("fr-FR");

function showStatus(text) {
  if (statusElement) statusElement.textContent = text;
}

// --- The worker ----------------------------------------------------------------------------

// Started by the page's <head> (web/includes/map_head.html) so that the data file loads
// while the page does; made here when that script did not run.
const worker = window.pepitesMapWorker || new Worker(config.workerUrl, { type: "module" });
const pending = new Map();
let seq = 0;
worker.onmessage = (event) => {
  const waiting = pending.get(event.data.seq);
  if (!waiting) return;
  pending.delete(event.data.seq);
  if (event.data.ok) waiting.resolve(event.data);
  else waiting.reject(new Error(event.data.error));
};
worker.onerror = () => {
  mapElement.dataset.state = "failed";
  showStatus(M.map_failed);
};

function ask(type, payload = {}) {
  seq += 1;
  const id = seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ type, seq: id, ...payload });
  });
}


// --- The address bar -----------------------------------------------------------------------

const startUrl = new URL(window.location.href);

function parseView(text) {
  const parts = (text || "").split("/").map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  const [zoom, lat, lon] = parts;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { zoom: Math.max(2, Math.min(19, Math.round(zoom))), lat, lon };
}

const initialView = parseView(startUrl.searchParams.get("carte"));
let selectedId = Number.parseInt(startUrl.searchParams.get("fiche"), 10) || null;

function updateUrl() {
  if (!ready) return;
  const params = new URLSearchParams();
  if (form) {
    for (const [key, value] of new FormData(form)) {
      if (value !== "") params.append(key, value);
    }
  }
  const centre = map.getCenter();
  params.set("carte", `${map.getZoom()}/${centre.lat.toFixed(5)}/${centre.lng.toFixed(5)}`);
  if (selectedId) params.set("fiche", String(selectedId));
  window.history.replaceState(null, "", `${window.location.pathname}?${params}`);
}

// --- The map -------------------------------------------------------------------------------

const map = L.map(mapElement, { zoomControl: false, minZoom: 2, worldCopyJump: false });
mapElement.setAttribute("role", "region");
mapElement.setAttribute("aria-label", M.map_label);
L.control.zoom({ zoomInTitle: M.zoom_in, zoomOutTitle: M.zoom_out }).addTo(map);
if (initialView) map.setView([initialView.lat, initialView.lon], initialView.zoom);
else map.fitBounds(FRANCE_BOUNDS);
addTiles(map, () => showStatus(M.tiles_failed));
const layer = new ClusterLayer();
layer.addTo(map);

let clusterSeq = 0;

async function refreshClusters() {
  if (!ready) return;
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

// --- The list ------------------------------------------------------------------------------

let total = config.total;
let shown = list.children.length;

async function fetchCards(ids) {
  if (!ids.length) return "";
  // With a place, the cards say how far each initiative is.
  const pres = field("pres") && field("lieu") && field("lieu").value ? field("pres").value : "";
  const around = pres ? `&pres=${encodeURIComponent(pres)}` : "";
  const response = await fetch(`${config.cardsUrl}?ids=${ids.join(",")}${around}`);
  if (!response.ok) throw new Error(`cards: HTTP ${response.status}`);
  return response.text();
}

function renderCount() {
  countElement.textContent =
    total === 0 ? M.count_none : format(total === 1 ? M.count_one : M.count_many, { n: number(total) });
}

function renderMore() {
  if (pagination) pagination.hidden = true;
  if (shown < total) {
    moreButton.textContent = format(M.more, { n: number(Math.min(config.pageSize, total - shown)) });
    moreButton.hidden = false;
  } else {
    moreButton.hidden = true;
  }
}

function markSelected() {
  for (const card of list.querySelectorAll(".initiative-card.is-selected")) {
    card.classList.remove("is-selected");
  }
  if (selectedId) {
    const card = list.querySelector(`[data-id="${selectedId}"]`);
    if (card) card.classList.add("is-selected");
  }
}

async function renderList(ids, { append = false, html = null } = {}) {
  if (html === null) html = await fetchCards(ids);
  if (append) list.insertAdjacentHTML("beforeend", html);
  else list.innerHTML = html;
  shown = list.children.length;
  renderMore();
  markSelected();
}

moreButton.addEventListener("click", async () => {
  const before = shown;
  const answer = await ask("page", { offset: shown, limit: config.pageSize });
  await renderList(answer.ids, { append: true });
  const first = list.children[before];
  const link = first && first.querySelector("a");
  if (link) link.focus(); // keyboard users continue where the new cards begin
});

// --- Filters -------------------------------------------------------------------------------

const searchCache = new Map();
const communeCache = new Map();

function field(name) {
  return form ? form.elements.namedItem(name) : null;
}

function readFilters() {
  if (!form) return { themes: fixed.themes || [], centre: fixed.centre || "" };
  const data = new FormData(form);
  const pres = (data.get("pres") || "").split(",").map(Number);
  return {
    themes: data.getAll("thematique"),
    region: data.get("region") || "",
    departement: data.get("departement") || "",
    centre: data.get("centre") || "",
    // `qpv=on`: the older spelling of relation "dans" (an embedding site's preset).
    relation: data.get("relation") || (data.get("qpv") === "on" ? "dans" : ""),
    quartier: (data.get("quartier") || "").trim(),
    q: (data.get("q") || "").trim(),
    commune: (data.get("commune") || "").trim(),
    near: pres.length === 2 && pres.every(Number.isFinite) ? pres : null,
    radius: Number(data.get("rayon")) || 0,
  };
}

// The server's answer for words and/or a QPV: {ids, quartier: {code, label} | null, message}.
// (The data file tells in, near or for *a* QPV, not which one.)
async function search(filters) {
  const params = new URLSearchParams({ q: filters.q });
  if (filters.quartier) {
    params.set("quartier", filters.quartier);
    params.set("relation", filters.relation);
    params.set("region", filters.region); // they narrow a name typed
    params.set("departement", filters.departement);
  }
  const key = params.toString();
  if (!searchCache.has(key)) {
    try {
      const response = await fetch(`${config.searchUrl}?${key}`);
      if (!response.ok) throw new Error(`search: HTTP ${response.status}`);
      searchCache.set(key, await response.json());
    } catch (_error) {
      showStatus(M.search_failed);
      return { ids: [], quartier: null, message: "" };
    }
  }
  return searchCache.get(key);
}

function showQuartier(answer) {
  const message = form && form.querySelector("[data-quartier-message]");
  if (!message) return;
  message.textContent = answer.quartier ? format(M.quartier, { label: answer.quartier.label }) : answer.message;
}

async function resolveCommunes(text) {
  const message = form.querySelector("[data-commune-message]");
  if (!communeCache.has(text)) {
    const response = await fetch(`${config.placeUrl}?communes=1&q=${encodeURIComponent(text)}`);
    communeCache.set(text, await response.json());
  }
  const found = communeCache.get(text);
  const communes = found.places.filter((p) => p.kind === "commune");
  if (message) {
    message.textContent = communes.length
      ? format(M.communes, { labels: communes.map((p) => p.label).join(", ") })
      : format(M.commune_none, { text });
  }
  return communes.map((p) => p.commune);
}

async function workerFilters(filters) {
  const out = {
    themes: filters.themes,
    region: filters.region,
    departement: filters.departement,
    centre: filters.centre,
    relation: filters.relation,
    near: filters.near,
    radius: filters.radius,
  };
  if (filters.q || filters.quartier) {
    const answer = await search(filters);
    if (filters.quartier) showQuartier(answer);
    // With a QPV the server applied the relation to that QPV; an unknown one is ignored.
    if (answer.quartier) out.relation = "";
    if (filters.q || answer.quartier) out.ids = answer.ids;
  }
  if (filters.commune) {
    out.communeFilter = true;
    out.communes = await resolveCommunes(filters.commune);
  }
  return out;
}

function renderAround() {
  const lieu = field("lieu");
  const pres = field("pres");
  if (!aroundElement) return;
  if (pres && pres.value && lieu && lieu.value) {
    aroundElement.textContent = format(M.place_around, { label: lieu.value });
    aroundElement.hidden = false;
  } else {
    aroundElement.hidden = true;
  }
}

let filterSeq = 0;

async function apply({ fit = false } = {}) {
  const mine = ++filterSeq;
  const filters = await workerFilters(readFilters());
  if (mine !== filterSeq) return;
  const answer = await ask("filter", { filters });
  if (mine !== filterSeq) return;
  const html = await fetchCards(answer.pageIds);
  if (mine !== filterSeq) return;
  // Count and list change together (the count is announced to screen readers).
  total = answer.total;
  await renderList(answer.pageIds, { html });
  renderCount();
  renderAround();
  if (fit && answer.bounds) fitTo(answer.bounds);
  refreshClusters();
  updateUrl();
}

function fitTo(bounds) {
  const [[s, w], [n, e]] = bounds;
  if (s === n && w === e) map.setView([s, w], 13);
  else map.fitBounds(bounds, { maxZoom: 12, padding: [48, 48] });
}

const TERRITORY_FIELDS = new Set(["region", "departement", "commune", "centre", "quartier"]);

function clearPlace() {
  if (field("pres")) field("pres").value = "";
  const choices = form.querySelector("[data-place-choices]");
  if (choices) {
    choices.hidden = true;
    choices.replaceChildren();
  }
}

function choosePlace(place) {
  const placeMessage = form.querySelector("[data-place-message]");
  field("lieu").value = place.label;
  field("pres").value = `${place.lat.toFixed(5)},${place.lon.toFixed(5)}`;
  const choices = form.querySelector("[data-place-choices]");
  choices.hidden = true;
  choices.replaceChildren();
  placeMessage.textContent = "";
  map.setView([place.lat, place.lon], place.zoom);
  apply();
}

async function resolvePlace() {
  const text = field("lieu").value.trim();
  const placeMessage = form.querySelector("[data-place-message]");
  clearPlace();
  if (!text) {
    placeMessage.textContent = "";
    apply();
    return;
  }
  let found;
  try {
    const response = await fetch(`${config.placeUrl}?q=${encodeURIComponent(text)}`);
    found = await response.json();
  } catch (_error) {
    placeMessage.textContent = M.search_failed;
    return;
  }
  if (!found.places.length) {
    placeMessage.textContent = found.message || M.place_none;
    apply();
    return;
  }
  if (found.places.length === 1) {
    choosePlace(found.places[0]);
    return;
  }
  placeMessage.textContent = M.place_choose;
  const choices = form.querySelector("[data-place-choices]");
  for (const place of found.places) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary";
    button.textContent = place.label;
    button.addEventListener("click", () => choosePlace(place));
    item.append(button);
    choices.append(item);
  }
  choices.hidden = false;
  choices.querySelector("button").focus();
}

function debounce(fn, delay) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), delay);
  };
}

// The QPV field's datalist: the server rendered those of the territory chosen; as one types,
// those of the whole list that match (a datalist of all ~1,600 would weigh on every page).
function setupQuartierSuggestions() {
  const input = field("quartier");
  const list = input && input.list;
  if (!list || !config.qpvSuggestionsUrl) return;
  const chosen = /\(Q[NPD][0-9A-Z]{6}\)$/i;
  const suggest = debounce(async () => {
    const text = input.value.trim();
    if (text.length < 2 || chosen.test(text)) return;
    const params = new URLSearchParams({
      q: text,
      region: field("region") ? field("region").value : "",
      departement: field("departement") ? field("departement").value : "",
    });
    try {
      const response = await fetch(`${config.qpvSuggestionsUrl}?${params}`);
      if (!response.ok) return;
      const found = await response.json();
      list.replaceChildren(
        ...found.quartiers.map((q) => {
          const option = document.createElement("option");
          option.value = q.label;
          return option;
        }),
      );
    } catch (_error) {
      /* suggestions are a convenience: a name or a code typed still works */
    }
  }, 200);
  input.addEventListener("input", () => {
    // A suggestion chosen (it ends with the code): filter at once, not on leaving the field.
    if (chosen.test(input.value.trim())) apply({ fit: true });
    else suggest();
  });
}

// Every control below is optional: the embeddable map (web/embed/) has fewer of them.
const lieuText = () => (field("lieu") ? field("lieu").value.trim() : "");

if (form) {
  const onWords = debounce(() => apply(), 350);
  let placeText = lieuText();
  form.addEventListener("input", (event) => {
    if (event.target.name === "q") onWords();
  });
  form.addEventListener("change", (event) => {
    const name = event.target.name;
    if (name === "q" || name === "pres") return;
    if (name === "lieu") {
      if (lieuText() !== placeText) {
        placeText = lieuText();
        resolvePlace();
      }
      return;
    }
    const communeMessage = form.querySelector("[data-commune-message]");
    if (name === "commune" && !event.target.value.trim() && communeMessage) {
      communeMessage.textContent = "";
    }
    const quartierMessage = form.querySelector("[data-quartier-message]");
    if (name === "quartier" && !event.target.value.trim() && quartierMessage) {
      quartierMessage.textContent = "";
    }
    apply({ fit: TERRITORY_FIELDS.has(name) });
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (lieuText() !== placeText) {
      placeText = lieuText();
      resolvePlace();
    } else {
      apply();
    }
  });
  setupQuartierSuggestions();
  const reset = form.querySelector("[data-reset]");
  reset?.addEventListener("click", (event) => {
    event.preventDefault();
    for (const element of form.elements) {
      if (element.type === "checkbox") element.checked = false;
      else if (element.tagName === "SELECT") element.value = "";
      else if (element.name) element.value = "";
    }
    placeText = "";
    clearPlace();
    for (const message of form.querySelectorAll(".field-message")) message.textContent = "";
    map.fitBounds(FRANCE_BOUNDS);
    apply();
  });
  const geolocate = form.querySelector("[data-geolocate]");
  if (geolocate && navigator.geolocation) {
    geolocate.hidden = false;
    geolocate.addEventListener("click", () => {
      const placeMessage = form.querySelector("[data-place-message]");
      placeMessage.textContent = M.geo_waiting;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          placeText = M.place_me;
          choosePlace({
            label: M.place_me,
            lat: position.coords.latitude,
            lon: position.coords.longitude,
            zoom: 13,
          });
        },
        () => {
          placeMessage.textContent = M.geo_denied;
        },
        { timeout: 10000, maximumAge: 60000 },
      );
    });
  }
  const copy = form.querySelector("[data-copy-link]");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      updateUrl();
      await navigator.clipboard.writeText(window.location.href);
      form.querySelector("[data-copy-message]").textContent = M.link_copied;
    });
  }
}

// --- The selected initiative ---------------------------------------------------------------

let popup = null;

function frenchPopupButton() {
  const close = mapElement.querySelector(".leaflet-popup-close-button");
  if (close) {
    close.setAttribute("aria-label", M.close);
    close.setAttribute("title", M.close);
  }
}

async function select(id, { pan = true, autoPan = true } = {}) {
  const where = await ask("locate", { initiativeId: id });
  if (!where.found) {
    selectedId = null;
    updateUrl();
    return;
  }
  selectedId = id;
  layer.setSelectedRow(where.row);
  markSelected();
  updateUrl();
  if (where.lat === null) {
    showStatus(M.no_position);
    return;
  }
  if (pan) map.setView([where.lat, where.lon], Math.max(map.getZoom(), 15));
  const html = await fetchCards([id]);
  popup = L.popup({ maxWidth: 320, autoPan, autoPanPadding: [24, 24] })
    .setLatLng([where.lat, where.lon])
    .setContent(`<ul class="plain-list map-popup">${html}</ul>`);
  popup.on("remove", () => {
    if (selectedId === id) {
      selectedId = null;
      layer.setSelectedRow(-1);
      markSelected();
      updateUrl();
    }
  });
  popup.openOn(map);
  frenchPopupButton();
}

// --- Start ---------------------------------------------------------------------------------

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
  layer.setColours(answer.themes.map((slug) => colours[slug]));
  ready = true;
  showStatus("");
  total = answer.total;
  renderCount();
  const serverIds = Array.from(list.children, (card) => Number(card.dataset.id));
  if (serverIds.join(",") !== answer.pageIds.join(",")) await renderList(answer.pageIds);
  else renderMore();
  if (!initialView) {
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
  if (selectedId) await select(selectedId, { pan: !initialView, autoPan: !initialView });
  updateUrl();
}

start().catch((error) => {
  mapElement.dataset.state = "failed";
  showStatus(M.map_failed);
  console.warn("Pépites map:", error);
});
