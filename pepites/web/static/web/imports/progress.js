// The import's progress: polls the job's small JSON answer and reloads the page when the
// work is over (without JavaScript, the page refreshes itself every few seconds).
const box = document.querySelector("[data-import-progress]");
if (box) {
  const bar = box.querySelector("[data-bar]");
  const stage = box.querySelector("[data-stage]");
  const count = box.querySelector("[data-count]");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const progress = await response.json();
        if (!["checking", "writing", "waiting"].includes(progress.state)) {
          window.location.reload();
          return;
        }
        bar.value = progress.percent;
        bar.textContent = `${progress.percent} %`;
        stage.textContent = progress.stage_label;
        count.textContent = progress.total ? `${progress.done.toLocaleString("fr-FR")} / ${progress.total.toLocaleString("fr-FR")}` : "";
      }
    } catch (_error) {
      // a lost answer: the next poll tries again
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 500);
}
