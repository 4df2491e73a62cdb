// The ids of the map's search (/carte/recherche), sent as the first id then `previous - next`
// for each following one (docs/format-carte.md): small numbers once gzipped.
export function decodeIds(deltas) {
  const ids = new Array(deltas.length);
  let id = 0;
  for (let k = 0; k < deltas.length; k++) {
    id = k === 0 ? deltas[0] : id - deltas[k];
    ids[k] = id;
  }
  return ids;
}
