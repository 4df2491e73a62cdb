// On a phone the explorer shows the list or the map, not both one under the other: a
// toggle above them (hidden on wide screens by the style sheet, where both are side by side).
const body = document.querySelector(".explorer__body");
const toggle = document.querySelector("[data-view-toggle]");
const listeners = [];

export function onViewChange(callback) {
  listeners.push(callback);
}

export function setView(name) {
  if (!toggle || !body) return;
  body.dataset.view = name;
  for (const button of toggle.querySelectorAll("button[data-view]")) {
    button.setAttribute("aria-pressed", String(button.dataset.view === name));
  }
  for (const callback of listeners) callback(name);
}

if (toggle && body) {
  toggle.hidden = false;
  for (const button of toggle.querySelectorAll("button[data-view]")) {
    button.addEventListener("click", () => setView(button.dataset.view));
  }
  setView("list");
}
