// The explorer's filters: the form read into the worker's filters (words and QPV asked to
// the server, communes and places resolved), applied without reloading.
import { config, M, field, fixed, form, format, showStatus, state, updateUrl } from "pepites/explorer-state";
import { fetchCards, PLACE_FIELDS, renderCount, renderList, revealResults, setBusy } from "pepites/explorer-list";
import { fitTo, map, refreshClusters } from "pepites/explorer-map";
import { FRANCE_BOUNDS } from "pepites/tiles";
import { ask } from "pepites/explorer-worker";
import { decodeIds } from "pepites/explorer-ids";

const searchCache = new Map();
const communeCache = new Map();
const aroundElement = document.querySelector("[data-results] [data-around]");


export function readFilters() {
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

// The server's answer for words and/or a QPV: {ids, quartier: {code, label} | null, message}
// (ids decoded from ids_delta). (The data file tells in, near or for *a* QPV, not which one.)
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
      const answer = await response.json();
      answer.ids = decodeIds(answer.ids_delta);
      searchCache.set(key, answer);
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

// Several communes of the same name (the four Saint-Denis): as the server does, no commune
// filter until the visitor has chosen one; the choices name their département.
function homonyms(communes) {
  const names = communes.map((p) => p.label.split(" (")[0].toLocaleLowerCase("fr"));
  return new Set(names).size !== names.length;
}

function communeChoices(message) {
  let list = form.querySelector("[data-commune-choices]");
  if (!list) {
    list = document.createElement("ul");
    list.className = "place-choices";
    list.dataset.communeChoices = "";
    message.after(list);
  }
  list.replaceChildren();
  list.hidden = true;
  return list;
}

function askCommune(message, communes) {
  message.textContent = M.commune_choose;
  const list = communeChoices(message);
  const input = field("commune");
  for (const place of communes) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary";
    button.textContent = place.label;
    button.addEventListener("click", () => {
      input.value = place.label;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
    item.append(button);
    list.append(item);
  }
  list.hidden = false;
}

async function resolveCommunes(text) {
  const message = form.querySelector("[data-commune-message]");
  if (!communeCache.has(text)) {
    const response = await fetch(`${config.placeUrl}?communes=1&q=${encodeURIComponent(text)}`);
    communeCache.set(text, await response.json());
  }
  const found = communeCache.get(text);
  const communes = found.places.filter((p) => p.kind === "commune");
  if (message) communeChoices(message);
  if (communes.length > 1 && homonyms(communes)) {
    if (message) askCommune(message, communes);
    return null;
  }
  if (message) {
    message.textContent = communes.length
      ? format(M.communes, { labels: communes.map((p) => p.label).join(", ") })
      : format(M.commune_none, { text });
  }
  return communes.map((p) => p.commune);
}

export async function workerFilters(filters) {
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
    const communes = await resolveCommunes(filters.commune);
    if (communes) {
      out.communeFilter = true;
      out.communes = communes;
    }
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

// `reveal`: a search asked for (the form sent, a place chosen): show the results after.
export async function apply({ fit = false, reveal = false } = {}) {
  const mine = ++filterSeq;
  setBusy(true);
  try {
    const filters = await workerFilters(readFilters());
    if (mine !== filterSeq) return;
    const answer = await ask("filter", { filters });
    if (mine !== filterSeq) return;
    const html = await fetchCards(answer.pageIds);
    if (mine !== filterSeq) return;
    // Count and list change together (the count is announced to screen readers).
    state.total = answer.total;
    await renderList(answer.pageIds, { html });
    renderCount();
    renderAround();
    if (fit && answer.bounds) fitTo(answer.bounds);
    refreshClusters();
    updateUrl();
    if (reveal) revealResults();
  } catch (error) {
    showStatus(M.search_failed);
    console.warn("Pépites map:", error);
  } finally {
    if (mine === filterSeq) setBusy(false);
  }
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

function choosePlace(place, { reveal = false } = {}) {
  const placeMessage = form.querySelector("[data-place-message]");
  field("lieu").value = place.label;
  field("pres").value = `${place.lat.toFixed(5)},${place.lon.toFixed(5)}`;
  const choices = form.querySelector("[data-place-choices]");
  choices.hidden = true;
  choices.replaceChildren();
  placeMessage.textContent = "";
  map.setView([place.lat, place.lon], place.zoom);
  apply({ reveal });
}

async function resolvePlace({ reveal = false } = {}) {
  const text = field("lieu").value.trim();
  const placeMessage = form.querySelector("[data-place-message]");
  clearPlace();
  if (!text) {
    placeMessage.textContent = "";
    apply({ reveal });
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
    apply({ reveal });
    return;
  }
  if (found.places.length === 1) {
    choosePlace(found.places[0], { reveal });
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
    button.addEventListener("click", () => choosePlace(place, { reveal: true }));
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

// The place field's search under way (started by its "change"), or null.
let placeResolving = null;

// The form's events (nothing without a form).
export function setupFilters() {
  if (!form) return;
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
        placeResolving = resolvePlace().finally(() => {
          placeResolving = null;
        });
      }
      return;
    }
    const communeMessage = form.querySelector("[data-commune-message]");
    if (name === "commune" && !event.target.value.trim() && communeMessage) {
      communeMessage.textContent = "";
      communeChoices(communeMessage);
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
      resolvePlace({ reveal: true });
    } else if (placeResolving) {
      // Enter in the place field: its "change" already asked; when several places answer,
      // the focus stays on the first choice, otherwise it goes to the results.
      const choices = form.querySelector("[data-place-choices]");
      placeResolving.then(() => {
        if (!choices || choices.hidden) apply({ reveal: true });
      });
    } else {
      apply({ reveal: true });
    }
  });
  setupQuartierSuggestions();
  // Empties the fields named (every one when `names` is null), then searches again:
  // "Effacer les filtres" in the form, and the links of the helpful empty result.
  const clearAndApply = (names, { reveal = false } = {}) => {
    for (const element of form.elements) {
      if (!element.name || (names && !names.includes(element.name))) continue;
      if (element.type === "checkbox") element.checked = false;
      else element.value = "";
    }
    placeText = lieuText();
    clearPlace();
    for (const message of form.querySelectorAll(".field-message")) message.textContent = "";
    map.fitBounds(FRANCE_BOUNDS);
    apply({ reveal });
  };
  for (const link of document.querySelectorAll("[data-reset], [data-clear-filters]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      clearAndApply(null, { reveal: link.hasAttribute("data-clear-filters") });
    });
  }
  document.querySelector("[data-widen-link]")?.addEventListener("click", (event) => {
    event.preventDefault();
    clearAndApply(PLACE_FIELDS, { reveal: true });
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

