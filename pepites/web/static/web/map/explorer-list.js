// The explorer's list: the cards of the current page of results, the count (announced to
// screen readers), "more" and the selected card.
import { config, M, field, form, format, mapElement, number, state } from "pepites/explorer-state";
import { setView } from "pepites/explorer-view";
import { ask } from "pepites/explorer-worker";

export const results = document.querySelector("[data-results]");
const list = results.querySelector("[data-list]");
const countElement = results.querySelector("#compte");
const moreButton = results.querySelector("[data-more]");
const pagination = results.querySelector("[data-pagination]");
const busyElement = results.querySelector("[data-busy]");
const emptyElement = results.querySelector("[data-empty]");
const jump = document.querySelector("[data-results-jump]");
const openData = document.querySelector("[data-open-data]");
export const PLACE_FIELDS = ["lieu", "pres", "commune", "quartier", "region", "departement"];

state.total = config.total;
let shown = list.children.length;

export async function fetchCards(ids) {
  if (!ids.length) return "";
  // With a place, the cards say how far each initiative is.
  const pres = field("pres") && field("lieu") && field("lieu").value ? field("pres").value : "";
  const around = pres ? `&pres=${encodeURIComponent(pres)}` : "";
  const response = await fetch(`${config.cardsUrl}?ids=${ids.join(",")}${around}`);
  if (!response.ok) throw new Error(`cards: HTTP ${response.status}`);
  return response.text();
}

const plural = (n, none, one, many) => (n === 0 ? none : format(n === 1 ? one : many, { n: number(n) }));

export function renderCount() {
  const total = state.total;
  countElement.textContent = plural(total, M.count_none, M.count_one, M.count_many);
  if (jump) jump.textContent = plural(total, M.jump_none, M.jump_one, M.jump_many);
  // Nothing found: what to try next, and no downloads of nothing.
  if (openData) openData.hidden = total === 0;
  if (emptyElement) {
    emptyElement.hidden = total !== 0;
    const widen = emptyElement.querySelector("[data-widen-place]");
    const placed = form && PLACE_FIELDS.some((name) => form.elements.namedItem(name)?.value);
    if (widen) widen.hidden = !placed;
  }
}

// A search under way: said to assistive technologies (aria-busy) and shown (web/pepites.css).
export function setBusy(busy) {
  for (const element of [results, mapElement]) {
    if (busy) element.setAttribute("aria-busy", "true");
    else element.removeAttribute("aria-busy");
  }
  if (busyElement) busyElement.hidden = !busy;
}

// After a search: the filters fold, and focus and view move to the count (read out).
export function revealResults() {
  const more = form && form.querySelector("details.filters__more");
  if (more) more.open = false;
  setView("list");
  countElement.focus({ preventScroll: true });
  countElement.scrollIntoView({ block: "start" });
}

jump?.addEventListener("click", (event) => {
  event.preventDefault();
  revealResults();
});

export function renderMore() {
  if (pagination) pagination.hidden = true;
  if (shown < state.total) {
    moreButton.textContent = format(M.more, { n: number(Math.min(config.pageSize, state.total - shown)) });
    moreButton.hidden = false;
  } else {
    moreButton.hidden = true;
  }
}

export function markSelected() {
  for (const card of list.querySelectorAll(".initiative-card.is-selected")) {
    card.classList.remove("is-selected");
  }
  if (state.selectedId) {
    const card = list.querySelector(`[data-id="${state.selectedId}"]`);
    if (card) card.classList.add("is-selected");
  }
}

export async function renderList(ids, { append = false, html = null } = {}) {
  if (html === null) html = await fetchCards(ids);
  if (append) list.insertAdjacentHTML("beforeend", html);
  else list.innerHTML = html;
  shown = list.children.length;
  renderMore();
  markSelected();
}

// The ids of the cards the server rendered with the page.
export const serverIds = () => Array.from(list.children, (card) => Number(card.dataset.id));

moreButton.addEventListener("click", async () => {
  const before = shown;
  const answer = await ask("page", { offset: shown, limit: config.pageSize });
  await renderList(answer.ids, { append: true });
  const first = list.children[before];
  const link = first && first.querySelector("a");
  if (link) link.focus(); // keyboard users continue where the new cards begin
});
