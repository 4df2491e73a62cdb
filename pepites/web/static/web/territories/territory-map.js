/* Maps of the territories pages: a QPV outline with its initiatives, or the QPV of a
   territory coloured by whether they have initiatives. The data comes from json_script
   elements; the page's lists and tables say the same without the map. */
(function () {
  "use strict";
  const dataElement = document.getElementById("territory-map-data");
  const configElement = document.getElementById("map-config");
  const container = document.getElementById("territory-map");
  if (!dataElement || !configElement || !container || typeof L === "undefined") {
    return;
  }
  const data = JSON.parse(dataElement.textContent);
  const config = JSON.parse(configElement.textContent);
  const colours = { dans: "#0b5d6b", proximite: "#7a4a00", pour: "#5b2a86", empty: "#b42318" };

  const map = L.map(container, {
    scrollWheelZoom: false,
    zoomControl: false,
    attributionControl: true,
  });
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
  map.attributionControl.setPrefix(false);
  const tiles = config.tiles;
  L.tileLayer(tiles.url, {
    attribution: tiles.attribution,
    maxZoom: tiles.max_zoom,
    subdomains: "abc",
  }).addTo(map);

  function escapeText(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function popup(title, url) {
    return url ? '<a href="' + encodeURI(url) + '">' + escapeText(title) + "</a>" : escapeText(title);
  }

  // Layers are built first and added once the view is set: Leaflet's vector renderer
  // needs a view before drawing.
  const layers = [];
  let bounds = null;
  if (data.kind === "qpv") {
    const outline = L.geoJSON(data.outline, {
      style: { color: "#07414b", weight: 3, fillColor: "#0b5d6b", fillOpacity: 0.12 },
    });
    layers.push(outline);
    bounds = outline.getBounds();
    data.markers.forEach(function (marker) {
      const point = L.circleMarker([marker.lat, marker.lon], {
        radius: 8,
        color: "#ffffff",
        weight: 2,
        fillColor: colours[marker.relation] || colours.dans,
        fillOpacity: 1,
      }).bindPopup(popup(marker.title, marker.url));
      layers.push(point);
      bounds.extend(point.getLatLng());
    });
  } else {
    const renderer = L.canvas();
    // The gaps dashboard's points: [code, name, lat, lon, total], every QPV of the report.
    data.points.forEach(function (row) {
      const qpv = { code: row[0], name: row[1], lat: row[2], lon: row[3], total: row[4] };
      const url = data.url.replace("QPVCODE", qpv.code);
      const point = L.circleMarker([qpv.lat, qpv.lon], {
        renderer: renderer,
        radius: qpv.total ? 6 : 5,
        color: "#ffffff",
        weight: 1,
        fillColor: qpv.total ? colours.dans : colours.empty,
        fillOpacity: 0.9,
      }).bindPopup(
        popup(qpv.name + " (" + qpv.code + ") — " + qpv.total + " initiative(s)", url)
      );
      layers.push(point);
      bounds = bounds ? bounds.extend(point.getLatLng()) : L.latLngBounds([point.getLatLng()]);
    });
  }
  if (bounds && bounds.isValid()) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  } else {
    map.setView([46.6, 2.4], 5);
  }
  layers.forEach(function (layer) {
    layer.addTo(map);
  });
})();
