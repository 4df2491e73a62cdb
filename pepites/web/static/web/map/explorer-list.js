// The explorer's list: the cards of the current page of results, the count (announced to
// screen readers), "more" and the selected card.
import { config, M, format, number, state } from "pepites/explorer-state";
import { ask } from "pepites/explorer-worker";

export const results = document.querySelector("[data-results]");
const list = results.querySelector("[data-list]");
const countElement = results.querySelector("#compte");
const moreButton = results.querySelector("[data-more]");
const pagination = results.querySelector("[data-pagination]");

state.total = config.total;
let shown = list.children.length;

export async function fetchCards(ids) {
  if (!ids.length) return "";
  const response = await fetch(`${config.cardsUrl}?ids=${ids.join(",")}`);
  if (!response.ok) throw new Error(`cards: HTTP ${response.status}`);
  return response.text();
}

export function renderCount() {
  const total = state.total;
  countElement.textContent =
    total === 0 ? M.count_none : format(total === 1 ? M.count_one : M.count_many, { n: number(total) });
}

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
