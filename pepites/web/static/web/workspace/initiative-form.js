// The initiative forms: commune suggestions, address geocoding with a marker to adjust,
// and a small Markdown toolbar with a preview. Every part is optional: without script the
// form still works (commune typed with its code, coordinates typed by hand).
(function () {
  "use strict";

  function debounce(fn, ms) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  function csrfToken(form) {
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Commune suggestions (a datalist filled from the COG) ---------------------------
  document.querySelectorAll("[data-commune-input]").forEach((input) => {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    const suggest = debounce(async () => {
      const text = input.value.trim();
      if (text.length < 2 || /\(\w{5}\)$/.test(text)) return;
      try {
        const response = await fetch("/communes/suggestions?q=" + encodeURIComponent(text));
        if (!response.ok) return;
        const data = await response.json();
        list.replaceChildren(
          ...data.communes.map((c) => {
            const option = document.createElement("option");
            option.value = c.label;
            option.textContent = c.departement;
            return option;
          })
        );
      } catch (error) {
        /* suggestions are a convenience: typing the code still works */
      }
    }, 200);
    input.addEventListener("input", suggest);
  });

  // --- Location: map with a draggable marker, geocoding of the address ---------------
  const section = document.querySelector("[data-location]");
  if (section) {
    const form = section.closest("form");
    const lat = form.querySelector("input[name=latitude]");
    const lon = form.querySelector("input[name=longitude]");
    const status = form.querySelector("input[name=location_status]");
    const address = form.querySelector("input[name=address]");
    const commune = form.querySelector("input[name=commune]");
    const message = section.querySelector("[data-geocode-message]");
    const button = section.querySelector("[data-geocode]");
    const mapElement = section.querySelector("[data-location-map]");
    const configElement = document.getElementById("map-config");
    const warning = section.querySelector("[data-location-warning]");
    let map = null;
    let marker = null;
    let outlineLayer = null;

    function communeCode() {
      return (commune && (commune.value.match(/\((\w{5})\)\s*$/) || [])[1]) || "";
    }

    // The chosen commune: where the map opens, its outline, and whether the point is in it.
    async function communePlace(withPoint) {
      const code = communeCode();
      if (!code || !mapElement || !mapElement.dataset.communeUrl) return null;
      const params = new URLSearchParams({ code });
      const a = parseFloat(lat.value);
      const o = parseFloat(lon.value);
      if (withPoint && !Number.isNaN(a) && !Number.isNaN(o)) {
        params.set("lat", a);
        params.set("lon", o);
      }
      try {
        const response = await fetch(mapElement.dataset.communeUrl + "?" + params);
        return response.ok ? await response.json() : null;
      } catch (error) {
        return null; // the check is a help: saving still works
      }
    }

    function drawOutline(place) {
      if (!map) return;
      if (outlineLayer) outlineLayer.remove();
      outlineLayer = place && place.outline
        ? window.L.geoJSON(place.outline, { style: { color: "#5b2a86", weight: 2, fill: false }, interactive: false }).addTo(map)
        : null;
    }

    async function checkPoint() {
      if (!warning) return;
      const place = await communePlace(true);
      drawOutline(place);
      warning.textContent = place && place.check && place.check.outside ? place.check.message : "";
    }

    async function openOnCommune() {
      const place = await communePlace(false);
      if (!place || !map) return;
      drawOutline(place);
      if (outlineLayer) map.fitBounds(outlineLayer.getBounds(), { maxZoom: 15 });
      else if (place.lat != null) map.setView([place.lat, place.lon], place.zoom || 12);
    }

    function setPoint(latitude, longitude, how) {
      lat.value = latitude.toFixed(6);
      lon.value = longitude.toFixed(6);
      if (status) status.value = how;
      moveMarker(latitude, longitude);
      checkPoint();
    }

    // Leaflet guesses its marker image from its stylesheet's URL, which hashed static
    // names defeat (a broken image): the server gives the three images' real addresses.
    function markerIcon() {
      const data = mapElement.dataset;
      if (!data.icon) return new window.L.Icon.Default();
      return window.L.icon({
        iconUrl: data.icon,
        iconRetinaUrl: data.icon2x,
        shadowUrl: data.iconShadow,
        iconSize: [25, 41],
        iconAnchor: [12, 41],
        popupAnchor: [1, -34],
        tooltipAnchor: [16, -28],
        shadowSize: [41, 41],
      });
    }

    function moveMarker(latitude, longitude) {
      if (map) {
        const point = [latitude, longitude];
        if (!marker) {
          marker = window.L.marker(point, {
            draggable: true,
            keyboard: true,
            title: "Point de l'initiative",
            icon: markerIcon(),
          }).addTo(map);
          marker.on("dragend", () => {
            const p = marker.getLatLng();
            setPoint(p.lat, p.lng, "manual");
          });
        } else {
          marker.setLatLng(point);
        }
        map.setView(point, Math.max(map.getZoom(), 16));
      }
    }

    if (window.L && mapElement && configElement) {
      const config = JSON.parse(configElement.textContent);
      mapElement.hidden = false;
      section.querySelector("[data-map-hint]").hidden = false;
      map = window.L.map(mapElement, { scrollWheelZoom: false }).setView([46.6, 2.4], 5);
      mapElement.leafletMap = map; // for the browser tests
      window.L.tileLayer(config.tiles.url, {
        attribution: config.tiles.attribution,
        maxZoom: config.tiles.max_zoom,
      }).addTo(map);
      map.on("click", (event) => setPoint(event.latlng.lat, event.latlng.lng, "manual"));
      const la = parseFloat(lat.value);
      const lo = parseFloat(lon.value);
      if (!Number.isNaN(la) && !Number.isNaN(lo)) {
        setPoint(la, lo, status ? status.value : "");
      } else {
        openOnCommune();
      }
      if (commune) {
        commune.addEventListener("change", () => {
          if (Number.isNaN(parseFloat(lat.value))) openOnCommune();
          else checkPoint();
        });
      }
      // While typing, not on "change": a change event fired by the click on "Enregistrer"
      // would move the map under the pointer and the click would be lost.
      const follow = debounce(() => {
        const a = parseFloat(lat.value);
        const o = parseFloat(lon.value);
        if (!Number.isNaN(a) && !Number.isNaN(o) && Math.abs(a) <= 90 && Math.abs(o) <= 180) {
          moveMarker(a, o);
          if (status) status.value = "manual";
          checkPoint();
        }
      }, 300);
      [lat, lon].forEach((input) => input.addEventListener("input", follow));
    }

    if (button && address) {
      button.hidden = false;
      button.addEventListener("click", async () => {
        const code = communeCode();
        const query = [address.value, commune ? commune.value.replace(/\s*\(\w{5}\)\s*$/, "") : ""]
          .filter(Boolean)
          .join(", ");
        message.textContent = "Recherche de l'adresse…";
        try {
          const response = await fetch(
            "/espace/outils/geocodage?adresse=" + encodeURIComponent(query) + "&commune=" + encodeURIComponent(code)
          );
          const data = await response.json();
          if (data.latitude != null && data.longitude != null) {
            setPoint(data.latitude, data.longitude, data.status);
            message.textContent = (data.label ? data.label + " — " : "") + (data.message || "Adresse trouvée.");
          } else {
            message.textContent = data.message || "Adresse introuvable : placez le point sur la carte.";
          }
        } catch (error) {
          message.textContent = "Géocodeur injoignable : placez le point sur la carte ou saisissez les coordonnées.";
        }
      });
    }
  }

  // --- Markdown: toolbar and preview -------------------------------------------------
  const WRAPS = {
    bold: ["**", "**", "Gras"],
    italic: ["*", "*", "Italique"],
    list: ["\n- ", "", "Liste"],
    link: ["[", "](https://)", "Lien"],
  };
  document.querySelectorAll("textarea[data-markdown]").forEach((textarea) => {
    const bar = document.createElement("div");
    bar.className = "md-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Mise en forme de « " + (textarea.labels[0] ? textarea.labels[0].textContent.trim() : "texte") + " »");
    Object.entries(WRAPS).forEach(([name, [before, after, label]]) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "button button--small button--secondary";
      b.textContent = label;
      b.addEventListener("click", () => {
        const { selectionStart: start, selectionEnd: end, value } = textarea;
        const selected = value.slice(start, end) || (name === "link" ? "texte du lien" : "texte");
        textarea.setRangeText(before + selected + after, start, end, "end");
        textarea.focus();
      });
      bar.append(b);
    });
    const preview = document.createElement("div");
    preview.className = "md-preview";
    preview.hidden = true;
    preview.setAttribute("aria-live", "polite");
    const show = document.createElement("button");
    show.type = "button";
    show.className = "button button--small button--secondary";
    show.textContent = "Aperçu";
    show.setAttribute("aria-expanded", "false");
    show.addEventListener("click", async () => {
      if (!preview.hidden) {
        preview.hidden = true;
        show.setAttribute("aria-expanded", "false");
        return;
      }
      const body = new FormData();
      body.append("text", textarea.value);
      try {
        const response = await fetch("/espace/outils/apercu", {
          method: "POST",
          body,
          headers: { "X-CSRFToken": csrfToken(textarea.form) },
        });
        // The server sanitised this HTML with its allow-list (pepites/core/richtext.py).
        preview.innerHTML = response.ok ? await response.text() : "<p>Aperçu indisponible.</p>";
      } catch (error) {
        preview.textContent = "Aperçu indisponible.";
      }
      preview.hidden = false;
      show.setAttribute("aria-expanded", "true");
    });
    bar.append(show);
    textarea.before(bar);
    textarea.after(preview);
  });
})();
