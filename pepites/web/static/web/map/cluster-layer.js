// Clusters and points drawn on one canvas (a Leaflet canvas renderer with no vector layer
// of its own): no DOM element per marker, whatever the number of initiatives.
const L = window.L;

const CLUSTER_COLOUR = "#0b5d6b";
const SELECTED_COLOUR = "#c2410c";
const POINT_RADIUS = 7;

function clusterRadius(count) {
  return Math.min(30, 13 + 4.5 * Math.log10(count));
}

function clusterLabel(count) {
  if (count >= 10000) return `${Math.round(count / 1000)}k`;
  if (count >= 1000) return `${(count / 1000).toFixed(1).replace(".", ",")}k`;
  return String(count);
}

export const ClusterLayer = L.Canvas.extend({
  options: { padding: 0.4 },

  initialize(options) {
    L.Canvas.prototype.initialize.call(this, options);
    this._items = null;
    this._colours = [];
    this._hits = [];
    this._selectedRow = -1;
  },

  setColours(colours) {
    this._colours = colours;
  },

  setItems(items) {
    this._items = items;
    this._drawItems();
  },

  setSelectedRow(row) {
    this._selectedRow = row;
    this._drawItems();
  },

  _update() {
    if (this._map._animatingZoom && this._bounds) return;
    L.Canvas.prototype._update.call(this);
    this._drawItems();
  },

  _onMouseMove(event) {
    if (!this._map || this._map.dragging.moving() || this._map._animatingZoom) return;
    const point = this._map.mouseEventToLayerPoint(event);
    this._container.style.cursor = this.hitTest(point) ? "pointer" : "";
  },

  hitTest(layerPoint, tolerance = 3) {
    // Last drawn is on top: search backwards.
    for (let k = this._hits.length - 1; k >= 0; k--) {
      const hit = this._hits[k];
      const dx = layerPoint.x - hit.x;
      const dy = layerPoint.y - hit.y;
      const r = hit.r + tolerance;
      if (dx * dx + dy * dy <= r * r) return hit;
    }
    return null;
  },

  _drawItems() {
    if (!this._map || !this._ctx || !this._bounds) return;
    const ctx = this._ctx;
    const b = this._bounds;
    ctx.clearRect(b.min.x, b.min.y, b.max.x - b.min.x, b.max.y - b.min.y);
    this._hits = [];
    const items = this._items;
    if (!items) return;
    const map = this._map;
    const points = [];
    let selected = null;
    ctx.lineWidth = 2;
    ctx.strokeStyle = "#ffffff";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.font = "700 12px system-ui, sans-serif";
    for (let k = 0; k < items.length; k += 5) {
      const p = map.latLngToLayerPoint([items[k + 1], items[k]]);
      const count = items[k + 2];
      if (count > 1) {
        const r = clusterRadius(count);
        ctx.beginPath();
        ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
        ctx.fillStyle = CLUSTER_COLOUR;
        ctx.fill();
        ctx.stroke();
        ctx.fillStyle = "#ffffff";
        ctx.fillText(clusterLabel(count), p.x, p.y + 0.5);
        this._hits.push({ x: p.x, y: p.y, r, cluster: true, key: items[k + 3], count, lat: items[k + 1], lon: items[k] });
      } else {
        points.push([p, items[k + 3], items[k + 4], items[k + 1], items[k]]);
      }
    }
    // Points above clusters; the selected one last, ringed.
    for (const [p, row, theme, lat, lon] of points) {
      if (row === this._selectedRow) {
        selected = [p, theme];
      }
      ctx.beginPath();
      ctx.arc(p.x, p.y, POINT_RADIUS, 0, 2 * Math.PI);
      ctx.fillStyle = this._colours[theme] || CLUSTER_COLOUR;
      ctx.fill();
      ctx.stroke();
      this._hits.push({ x: p.x, y: p.y, r: POINT_RADIUS, cluster: false, key: row, lat, lon });
    }
    if (selected) {
      const [p, theme] = selected;
      ctx.beginPath();
      ctx.arc(p.x, p.y, POINT_RADIUS + 4, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = SELECTED_COLOUR;
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(p.x, p.y, POINT_RADIUS, 0, 2 * Math.PI);
      ctx.fillStyle = this._colours[theme] || CLUSTER_COLOUR;
      ctx.fill();
    }
  },
});
