// Decodes a map data file with the browser's own decoder (pepites/web/static/web/map/worker.js)
// and prints its records as JSON: used by test_mapdata_golden.py.
import { readFileSync } from "node:fs";

globalThis.self = globalThis; // the worker sets self.onmessage when it loads
const { decode } = await import(process.argv[2]);
const bytes = readFileSync(process.argv[3]);
const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const data = decode(buffer);
const { header } = data;
const records = [];
for (let i = 0; i < header.count; i++) {
  const located = data.lat[i] !== header.noPosition;
  records.push({
    id: data.ids[i],
    lat: located ? data.lat[i] / header.scale : null,
    lon: located ? data.lon[i] / header.scale : null,
    theme: header.themes[data.theme[i]] ?? null,
    themes: header.themes.filter((_slug, bit) => data.themes[i] & (1 << bit)),
    centre: data.centre[i] === 0 ? null : header.centres[data.centre[i] - 1],
    commune: data.communeCodes[data.commune[i]],
    departement: header.departements[header.commune_departements[data.commune[i]]],
    flags: data.flags[i],
    programmes: header.programmes.filter((_slug, bit) => (data.programmes[i] >>> bit) & 1),
    labels: header.labels.filter((_slug, bit) => (data.labels[i] >>> bit) & 1),
  });
}
process.stdout.write(JSON.stringify({ version: header.version, records }));
