/*
 * The map of the streets and sensors (the sensors' map page and a Project's
 * page), drawn with Leaflet on the portal's own GeoJSON: no tile server.
 *
 * The container ([data-map]) is hidden in the HTML and shown here, so without
 * JavaScript the page is the list under it. Every word comes from the
 * container's data-label-* attributes, translated in the template.
 * Sensors are 44x44 px touch targets; near ones are grouped (markercluster)
 * until the closest zoom (19, 0.2 m a pixel), where the reference data keeps
 * them 15 m (75 px) apart.
 * A filter form ([data-map-filter]) hides the types it does not tick, on the
 * map and in the list ([data-kind] items).
 */
(function () {
  "use strict";
  var frame = document.querySelector("[data-map]");
  if (!frame || !window.L || !window.fetch) {
    return;
  }
  var L = window.L;
  var labels = frame.dataset;
  var project = frame.hasAttribute("data-map-project");
  var LABEL_MIN_ZOOM = 15;
  var MINOR_LABEL_MIN_ZOOM = 16.5;
  var MAJOR_STREET_METRES = 550;

  function plural(count, one, many) {
    return count === 1 ? one : many.replace("__count__", String(count));
  }

  frame.hidden = false;
  var element = frame.querySelector(".map");
  var map = L.map(element, {
    zoomControl: false,
    attributionControl: false,
    minZoom: 14,
    maxZoom: 19,
    zoomSnap: 0.25,
    maxBounds: [
      [48.874, 2.3],
      [48.899, 2.337],
    ],
  });
  L.control
    .zoom({ zoomInTitle: labels.labelZoomIn, zoomOutTitle: labels.labelZoomOut })
    .addTo(map);
  map.setView([48.8866, 2.3185], 15);
  // Street names under the sensors, above the streets.
  map.createPane("labels").classList.add("map-labels-pane");

  function sensorIcon(type) {
    return L.divIcon({
      className: "map-sensor map-sensor--" + type,
      html: '<span class="map-sensor-dot" aria-hidden="true"></span>',
      iconSize: [44, 44],
      iconAnchor: [22, 22],
      popupAnchor: [0, -12],
    });
  }

  var clusters = L.markerClusterGroup({
    maxClusterRadius: 44,
    disableClusteringAtZoom: 19,
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: false,
    iconCreateFunction: function (cluster) {
      var count = cluster.getChildCount();
      var icon = L.divIcon({
        className: "map-cluster",
        html: "<span aria-hidden=\"true\"></span><span class=\"visually-hidden\"></span>",
        iconSize: [44, 44],
      });
      // Text set through the DOM in createIcon below, never as markup.
      icon.createIcon = function (old) {
        var div = L.DivIcon.prototype.createIcon.call(this, old);
        div.firstChild.textContent = String(count);
        div.lastChild.textContent = plural(
          count,
          labels.labelSensorsOne,
          labels.labelSensorsMany
        );
        return div;
      };
      return icon;
    },
  });

  function popupFor(properties) {
    var box = document.createElement("div");
    var title = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = properties.code;
    title.appendChild(strong);
    title.appendChild(document.createTextNode(" — " + properties.type_label));
    var street = document.createElement("p");
    street.textContent = properties.street;
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = labels.labelOpen;
    box.appendChild(title);
    box.appendChild(street);
    box.appendChild(link);
    return box;
  }

  var markers = [];

  function draw(collection) {
    var streets = [];
    collection.features.forEach(function (feature) {
      var p = feature.properties;
      if (p.feature === "square") {
        L.geoJSON(feature, {
          interactive: false,
          style: function () {
            return { className: "map-square", weight: 1 };
          },
        }).addTo(map);
      } else if (p.feature === "street") {
        streets.push(feature);
      } else if (p.feature === "sensor") {
        var coordinates = feature.geometry.coordinates;
        var marker = L.marker([coordinates[1], coordinates[0]], {
          icon: sensorIcon(p.type),
          title: p.code + ", " + p.type_label + ", " + p.street,
          keyboard: true,
        });
        marker.bindPopup(popupFor(p));
        marker.sensorType = p.type;
        markers.push(marker);
      }
    });
    var streetLayer = L.geoJSON(
      { type: "FeatureCollection", features: streets },
      {
        style: function (feature) {
          var used = !project || feature.properties.used;
          return {
            className: used ? "map-street map-street--used" : "map-street",
            weight: used ? 8 : 5,
            lineCap: "round",
          };
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          var minor = p.length_m < MAJOR_STREET_METRES;
          layer.bindTooltip(p.name, {
            permanent: true,
            direction: "center",
            className: minor ? "map-street-label map-street-label--minor" : "map-street-label",
            opacity: 1,
            pane: "labels",
          });
          layer.bindPopup(
            p.name +
              " — " +
              plural(
                p.sensors,
                labels.labelStreetSensorsOne,
                labels.labelStreetSensorsMany
              )
          );
        },
      }
    ).addTo(map);
    clusters.addLayers(markers);
    map.addLayer(clusters);
    var bounds = project ? usedBounds(streets) : null;
    map.fitBounds(bounds || streetLayer.getBounds(), { padding: [12, 12] });
    updateLabels();
  }

  function usedBounds(streets) {
    var used = streets.filter(function (feature) {
      return feature.properties.used;
    });
    return used.length ? L.geoJSON({ type: "FeatureCollection", features: used }).getBounds() : null;
  }

  // Street names only where they fit: the long streets from zoom 15 (the
  // whole area on a laptop), the short ones from 16.5.
  function updateLabels() {
    var zoom = map.getZoom();
    element.classList.toggle("map-labels-hidden", zoom < LABEL_MIN_ZOOM);
    element.classList.toggle("map-minor-labels-hidden", zoom < MINOR_LABEL_MIN_ZOOM);
  }
  map.on("zoomend", updateLabels);

  var form = document.querySelector("[data-map-filter]");
  function ticked() {
    if (!form) {
      return null;
    }
    var kinds = {};
    form.querySelectorAll("input[name=type]:checked").forEach(function (box) {
      kinds[box.value] = true;
    });
    return kinds;
  }

  function applyFilter() {
    var kinds = ticked();
    if (!kinds) {
      return;
    }
    clusters.clearLayers();
    clusters.addLayers(
      markers.filter(function (marker) {
        return kinds[marker.sensorType];
      })
    );
    var shown = 0;
    document.querySelectorAll("[data-kind]").forEach(function (item) {
      var visible = Boolean(kinds[item.getAttribute("data-kind")]);
      item.hidden = !visible;
      shown += visible ? 1 : 0;
    });
    var count = document.querySelector("[data-map-count]");
    if (count) {
      count.textContent = plural(shown, count.dataset.labelOne, count.dataset.labelMany);
    }
  }

  if (form) {
    form.addEventListener("change", applyFilter);
    var submit = form.querySelector("[data-map-submit]");
    if (submit) {
      submit.hidden = true;
    }
  }

  fetch(frame.getAttribute("data-geojson"), { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(function (collection) {
      draw(collection);
      applyFilter();
    })
    .catch(function () {
      var error = frame.querySelector("[data-map-error]");
      error.textContent = labels.labelError;
      error.hidden = false;
      element.hidden = true;
    });
})();
