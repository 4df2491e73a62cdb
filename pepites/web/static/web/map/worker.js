// The map's Web Worker: decodes the data file (see pepites/initiatives/mapdata.py), then
// filters, orders and clusters the initiatives off the main thread. Messages in:
//   init {dataUrl, superclusterUrl, filters}  filter {filters}  clusters {bbox, zoom}
//   page {offset, limit}  expand {clusterId}  locate {initiativeId}
// Each message carries a `seq`; the answer repeats it, so the page can drop stale answers.

let data = null; // {header, ids, lat, lon, theme, themes, centre, commune, flags, programmes, labels, rowOfId}
let features = null; // one small GeoJSON-like object per row with a position
let current = null; // {order: Int32Array of rows, index: Supercluster, located: number}
let SuperclusterClass = null;

const WIDTHS = { int32: 4, uint32: 4, uint8: 1, uint16: 2 };
const KM_PER_DEGREE = 111.32; // the radius "Autour d'un lieu", as the server measures it
const FORMAT = 3; // mapdata.FORMAT: the flags below; programmes and labels masks since 3
const FLAG_IN_QPV = 1;
// The map's "relation" filter: the bit of the flags column that answers each value.
const RELATION_FLAGS = { dans: FLAG_IN_QPV, proximite: 2, pour: 8, hors: 16 };
// extent 256: the radius is in screen pixels of 256-pixel tiles (Leaflet's). Clusters up
// to zoom 12 (a city); closer, every initiative is its own point. Each level costs a pass
// over the points when the index is built, at start and at each change of filters.
// nodeSize 256: a third faster to build than the default 64, for about the same queries.
const CLUSTER_OPTIONS = { radius: 60, maxZoom: 12, minPoints: 2, extent: 256, nodeSize: 256 };

function decodeColumn(bytes, offset, count, kind) {
  const width = WIDTHS[kind];
  const planes = bytes.subarray(offset, offset + count * width);
  if (width === 1) return planes.slice();
  if (width === 2) {
    const out = new Uint16Array(count);
    for (let i = 0; i < count; i++) out[i] = planes[i] | (planes[count + i] << 8);
    return out;
  }
  const out = kind === "uint32" ? new Uint32Array(count) : new Int32Array(count);
  const c2 = 2 * count;
  const c3 = 3 * count;
  for (let i = 0; i < count; i++) {
    out[i] =
      planes[i] | (planes[count + i] << 8) | (planes[c2 + i] << 16) | (planes[c3 + i] << 24);
  }
  return out;
}

export function decode(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== "PMD1") throw new Error("Unknown map data format: " + magic);
  const headerLength = new DataView(buffer).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  if (header.format !== FORMAT) throw new Error("Unknown map data format: " + header.format);
  const count = header.count;
  const columns = {};
  let offset = 8 + headerLength;
  for (const [name, kind] of header.columns) {
    columns[name] = decodeColumn(bytes, offset, count, kind);
    const size = count * WIDTHS[kind];
    offset += size + ((4 - (size % 4)) % 4);
  }
  const ids = new Int32Array(count);
  let previous = 0;
  let maxId = 0;
  for (let i = 0; i < count; i++) {
    const z = columns.id[i] >>> 0;
    previous += (z >>> 1) ^ -(z & 1);
    ids[i] = previous;
    if (previous > maxId) maxId = previous;
  }
  // Row of an id: a typed array when the ids are dense enough (much faster to build).
  let rowOfId;
  if (maxId <= 4 * count + 1024) {
    const rows = new Int32Array(maxId + 1).fill(-1);
    for (let i = 0; i < count; i++) rows[ids[i]] = i;
    rowOfId = { get: (id) => (id >= 0 && id <= maxId && rows[id] >= 0 ? rows[id] : undefined) };
  } else {
    rowOfId = new Map();
    for (let i = 0; i < count; i++) rowOfId.set(ids[i], i);
  }
  const communes = [];
  for (let k = 0; k < header.communes.length; k += 5) communes.push(header.communes.slice(k, k + 5));
  return { header, ...columns, ids, rowOfId, communeCodes: communes };
}

function buildFeatures() {
  const { lat, lon, header } = data;
  const scale = header.scale;
  const none = header.noPosition;
  features = [];
  for (let i = 0; i < data.header.count; i++) {
    if (lat[i] === none) continue;
    features.push({ geometry: { coordinates: [lon[i] / scale, lat[i] / scale] }, row: i });
  }
}

// --- Filters -------------------------------------------------------------------------------

function compile(filters) {
  const { header } = data;
  const test = [];
  const themes = filters.themes || [];
  if (themes.length) {
    let mask = 0;
    for (const slug of themes) {
      const bit = header.themes.indexOf(slug);
      if (bit >= 0) mask |= 1 << bit;
    }
    test.push((i) => (data.themes[i] & mask) !== 0);
  }
  // Programmes and labels: 32-bit masks (format 3), one or another of those chosen.
  for (const [name, column] of [["programmes", "programmes"], ["labels", "labels"]]) {
    const wanted = filters[name] || [];
    if (!wanted.length) continue;
    let mask = 0;
    for (const slug of wanted) {
      const bit = header[name].indexOf(slug);
      if (bit >= 0) mask = (mask | (1 << bit)) >>> 0;
    }
    if (mask === 0) return () => false; // only unknown values: nothing, as on the server
    test.push((i) => (data[column][i] & mask) !== 0);
  }
  if (filters.region || filters.departement) {
    const departementOk = header.departements.map(
      (code, index) =>
        (!filters.region || header.regions[index] === filters.region) &&
        (!filters.departement || code === filters.departement),
    );
    const allowed = Uint8Array.from(header.commune_departements, (d) => (departementOk[d] ? 1 : 0));
    test.push((i) => allowed[data.commune[i]] === 1);
  }
  const communes = filters.communes || [];
  if (filters.communeFilter) {
    const wanted = new Set(communes);
    const allowed = new Uint8Array(data.communeCodes.length);
    data.communeCodes.forEach((code, index) => {
      const parent = header.commune_parents[code];
      allowed[index] = wanted.has(code) || (parent && wanted.has(parent)) ? 1 : 0;
    });
    test.push((i) => allowed[data.commune[i]] === 1);
  }
  if (filters.centre) {
    const index = header.centres.indexOf(filters.centre) + 1;
    test.push((i) => data.centre[i] === index); // an unknown centre (0) matches nothing
    if (index === 0) return () => false;
  }
  // `qpv`: the older spelling of relation "dans" (links made before the relation filter).
  const relation = filters.relation || (filters.qpv ? "dans" : "");
  if (relation) {
    const bit = RELATION_FLAGS[relation];
    if (!bit) return () => false; // an unknown relation matches nothing, as on the server
    test.push((i) => (data.flags[i] & bit) !== 0);
  }
  if (test.length === 0) return () => true;
  return (i) => {
    for (const t of test) if (!t(i)) return false;
    return true;
  };
}

function applyFilters(filters) {
  const keep = compile(filters);
  const count = data.header.count;
  let order;
  if (Array.isArray(filters.ids)) {
    // Text search: the search module's ranking, restricted to the other filters.
    const rows = [];
    for (const id of filters.ids) {
      const row = data.rowOfId.get(id);
      if (row !== undefined && keep(row)) rows.push(row);
    }
    order = Int32Array.from(rows);
  } else {
    const rows = new Int32Array(count);
    let n = 0;
    for (let i = 0; i < count; i++) if (keep(i)) rows[n++] = i;
    order = rows.slice(0, n);
  }
  if (filters.near) order = byDistance(order, filters.near, filters.radius);

  const inSet = new Uint8Array(count);
  for (const row of order) inSet[row] = 1;
  const points = order.length === count ? features : features.filter((f) => inSet[f.row]);
  const index = new SuperclusterClass(CLUSTER_OPTIONS);
  index.load(points);
  current = { order, index, located: points.length, inSet };
  return summary(order, points);
}

// Nearest first; with a radius (km), only the rows within it (the server's formula).
function byDistance(order, [latitude, longitude], radiusKm) {
  const { lat, lon, header } = data;
  const scale = header.scale;
  const k = Math.cos((latitude * Math.PI) / 180);
  const distances = new Float64Array(order.length);
  order.forEach((row, j) => {
    if (lat[row] === header.noPosition) {
      distances[j] = Infinity;
    } else {
      const dy = lat[row] / scale - latitude;
      const dx = (lon[row] / scale - longitude) * k;
      distances[j] = dy * dy + dx * dx;
    }
  });
  const limit = radiusKm > 0 ? (radiusKm / KM_PER_DEGREE) ** 2 : Infinity;
  const positions = Array.from(order.keys()).filter((j) => distances[j] <= limit);
  positions.sort((a, b) => distances[a] - distances[b] || a - b); // ties keep the list order
  return Int32Array.from(positions, (j) => order[j]);
}

function summary(order, points) {
  let minLat = 90;
  let maxLat = -90;
  let minLon = 180;
  let maxLon = -180;
  for (const f of points) {
    const [x, y] = f.geometry.coordinates;
    if (y < minLat) minLat = y;
    if (y > maxLat) maxLat = y;
    if (x < minLon) minLon = x;
    if (x > maxLon) maxLon = x;
  }
  return {
    total: order.length,
    located: points.length,
    bounds: points.length ? [[minLat, minLon], [maxLat, maxLon]] : null,
    pageIds: pageIds(0, 0),
  };
}

function pageIds(offset, limit) {
  const size = limit || pageSize;
  return Array.from(current.order.subarray(offset, offset + size), (row) => data.ids[row]);
}

// --- Clusters ------------------------------------------------------------------------------

// Five numbers an item: longitude, latitude, count, key (cluster id or row), theme (-1: cluster).
function clusters(bbox, zoom) {
  const found = current.index.getClusters(bbox, Math.round(zoom));
  const packed = new Float64Array(found.length * 5);
  found.forEach((item, k) => {
    const [x, y] = item.geometry.coordinates;
    const o = k * 5;
    packed[o] = x;
    packed[o + 1] = y;
    if (item.properties && item.properties.cluster) {
      packed[o + 2] = item.properties.point_count;
      packed[o + 3] = item.properties.cluster_id;
      packed[o + 4] = -1;
    } else {
      packed[o + 2] = 1;
      packed[o + 3] = item.row;
      packed[o + 4] = data.theme[item.row];
    }
  });
  return packed;
}

function locate(initiativeId) {
  const row = data.rowOfId.get(initiativeId);
  if (row === undefined) return { found: false };
  const { lat, lon, header } = data;
  const located = lat[row] !== header.noPosition;
  return {
    found: true,
    row,
    id: initiativeId,
    inFilter: current ? current.inSet[row] === 1 : true,
    lat: located ? lat[row] / header.scale : null,
    lon: located ? lon[row] / header.scale : null,
    theme: data.theme[row],
  };
}

// --- Messages ------------------------------------------------------------------------------

let pageSize = 20;

// The page's <head> starts the worker with `prefetch` while the rest of the page loads:
// data file, clustering library, decoding, and the index of the filters the server
// rendered the list with. `init` (from the page's script) reuses that index when its
// filters are the same.
let prefetched = null;

function filterKey(filters) {
  const f = filters || {};
  return JSON.stringify([
    [...(f.themes || [])].sort(),
    f.region || "",
    f.departement || "",
    f.centre || "",
    f.relation || (f.qpv ? "dans" : ""),
    Boolean(f.communeFilter),
    [...(f.communes || [])].sort(),
    f.near ? f.near.map((x) => Number(x).toFixed(5)) : null,
    f.near && f.radius > 0 ? Number(f.radius) : 0,
    Array.isArray(f.ids) ? f.ids : null,
  ]);
}

function prefetch(message) {
  pageSize = message.pageSize || pageSize;
  const timings = {};
  const promise = (async () => {
    let started = performance.now();
    const fromPage = message.dataFromPage ? pageData().promise : Promise.resolve(null);
    const [buffer] = await Promise.all([
      fromPage.then((received) => received || fetchData(message.dataUrl)),
      loadSupercluster(message.superclusterUrl),
    ]);
    timings.load = performance.now() - started;
    SuperclusterClass = self.Supercluster;
    started = performance.now();
    data = decode(buffer);
    buildFeatures();
    timings.decode = performance.now() - started;
    if (!message.filters) return null;
    started = performance.now();
    const result = applyFilters(message.filters);
    timings.index = performance.now() - started;
    return result;
  })();
  prefetched = { key: message.filters ? filterKey(message.filters) : null, promise, timings };
  return promise.then(() => ({}));
}

async function init(message) {
  if (!prefetched) prefetch(message);
  const early = await prefetched.promise;
  const filters = message.filters || {};
  let result = early;
  if (!early || prefetched.key !== filterKey(filters)) {
    const started = performance.now();
    result = applyFilters(filters);
    prefetched.timings.index = performance.now() - started;
  }
  return {
    themes: data.header.themes,
    version: data.header.version,
    timings: prefetched.timings,
    ...result,
    pageIds: pageIds(0, 0),
  };
}

// The data file as fetched by the page's <head> (null: fetch it here).
let pageDataPromise = null;

function pageData() {
  if (!pageDataPromise) {
    let resolve;
    const promise = new Promise((done) => {
      resolve = done;
    });
    pageDataPromise = { promise, resolve };
  }
  return pageDataPromise;
}

let superclusterLoading = null;

function loadSupercluster(url) {
  // A UMD build: importing it defines self.Supercluster.
  if (!superclusterLoading) superclusterLoading = import(url);
  return superclusterLoading;
}

async function fetchData(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`map data: HTTP ${response.status}`);
  return response.arrayBuffer();
}

const handlers = {
  prefetch,
  data: (m) => {
    pageData().resolve(m.buffer);
    return {};
  },
  init,
  filter: (m) => applyFilters(m.filters || {}),
  clusters: (m) => ({ items: clusters(m.bbox, m.zoom) }),
  page: (m) => ({ ids: pageIds(m.offset, m.limit), total: current.order.length }),
  expand: (m) => ({ zoom: current.index.getClusterExpansionZoom(m.clusterId) }),
  locate: (m) => locate(m.initiativeId),
  row: (m) => ({ id: data.ids[m.row] }),
};

self.onmessage = async (event) => {
  const message = event.data;
  try {
    const result = await handlers[message.type](message);
    const transfer = result && result.items ? [result.items.buffer] : [];
    self.postMessage({ seq: message.seq, ok: true, ...result }, transfer);
  } catch (error) {
    self.postMessage({ seq: message.seq, ok: false, error: String(error && error.message) });
  }
};
