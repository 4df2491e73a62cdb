// The embed code is selected in one click, ready to copy (no inline handler: see the CSP).
for (const field of document.querySelectorAll("[data-select-on-click]")) {
  field.addEventListener("click", () => field.select());
}
