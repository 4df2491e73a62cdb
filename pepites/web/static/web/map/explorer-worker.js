// The explorer's client of the map worker (worker.js): one promise per question, answers
// matched by their `seq`.
import { config, M, mapElement, showStatus } from "pepites/explorer-state";

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

export function ask(type, payload = {}) {
  seq += 1;
  const id = seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ type, seq: id, ...payload });
  });
}
