// The case map: world country shapes from the vendored world-atlas TopoJSON (no tile
// server, nothing fetched from outside the product) and the places of the cases as dots,
// red for open and grey for closed, sized by how many cases share the place. The server
// sends the places already grouped (rounded coordinates with counts), never case by case.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var SCALE = 4; // view-box units per degree
  var ANTARCTICA = "010";
  // Equirectangular: degrees map straight onto the plane. Distortion is small at the
  // latitudes of Southeast Asia, which is where the map opens.
  var VIEWS = {
    asia: { west: 88, east: 150, south: -12, north: 46 },
    world: { west: -180, east: 180, south: -58, north: 84 },
  };

  function project(lon, lat) {
    return [(lon + 180) * SCALE, (90 - lat) * SCALE];
  }

  // A ring that crosses the 180° meridian (Russia, Fiji) is drawn continuous, past the
  // edge of the world, rather than with a stroke back across the whole map.
  function ringPath(ring) {
    var shift = 0, previous = null;
    return ring.map(function (point, i) {
      if (previous !== null) {
        var jump = point[0] + shift - previous;
        if (jump > 180) shift -= 360;
        else if (jump < -180) shift += 360;
      }
      previous = point[0] + shift;
      var xy = project(previous, point[1]);
      return (i ? "L" : "M") + xy[0].toFixed(1) + "," + xy[1].toFixed(1);
    }).join("") + "Z";
  }

  function polygons(geometry) {
    if (!geometry) return [];
    return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  }

  function ringArea(ring) {
    var sum = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      sum += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    }
    return sum / 2;
  }

  // The centre of the country's largest piece of land (Indonesia's is on Borneo, not at
  // sea between its islands), where cases without coordinates are drawn.
  function centre(geometry) {
    var best = null, bestArea = 0;
    polygons(geometry).forEach(function (polygon) {
      var area = Math.abs(ringArea(polygon[0]));
      if (area > bestArea) { best = polygon[0]; bestArea = area; }
    });
    if (!best) return null;
    var cx = 0, cy = 0, a = ringArea(best);
    for (var i = 0, j = best.length - 1; i < best.length; j = i++) {
      var f = best[j][0] * best[i][1] - best[i][0] * best[j][1];
      cx += (best[j][0] + best[i][0]) * f;
      cy += (best[j][1] + best[i][1]) * f;
    }
    return a ? [cx / (6 * a), cy / (6 * a)] : best[0];
  }

  function element(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  function CaseMap(container, data, countries) {
    this.container = container;
    this.labels = container.dataset;
    this.svg = element("svg", { preserveAspectRatio: "xMidYMid meet" });
    this.land = element("g");
    this.dots = element("g");
    this.svg.appendChild(this.land);
    this.svg.appendChild(this.dots);
    container.appendChild(this.svg);
    this.tooltip = document.createElement("div");
    this.tooltip.className = "map-tooltip";
    this.tooltip.hidden = true;
    container.appendChild(this.tooltip);
    this.drawLand(countries);
    this.points = this.collect(data, countries);
    this.drawDots();
    this.show("asia");
  }

  CaseMap.prototype.drawLand = function (countries) {
    var land = this.land;
    countries.forEach(function (country) {
      if (country.id === ANTARCTICA) return; // no case there, and it wraps the whole map
      var d = polygons(country.geometry).map(function (polygon) {
        return polygon.map(ringPath).join("");
      }).join("");
      if (d) land.appendChild(element("path", { d: d, class: "land", "data-id": country.id || "" }));
    });
  };

  CaseMap.prototype.collect = function (data, countries) {
    var labels = this.labels;
    var points = data.points.map(function (p) {
      return { lat: p[0], lon: p[1], state: p[2], n: p[3], where: p[0] + ", " + p[1] };
    });
    var byId = {};
    countries.forEach(function (c) { if (c.id) byId[c.id] = c; });
    var unmapped = 0;
    data.unplaced.forEach(function (u) {
      var country = byId[u.numeric];
      var at = country && centre(country.geometry);
      if (!at) { unmapped += u.n; return; }
      points.push({
        lon: at[0], lat: at[1], state: u.state, n: u.n, unplaced: true,
        where: labels.labelUnplaced + " " + u.name,
      });
    });
    var note = document.querySelector("[data-map-unmapped]");
    if (note && unmapped) note.textContent = unmapped + " " + labels.labelUnmapped;
    this.container.dataset.unmapped = unmapped;
    // Closed under open, and the big dots under the small ones, so none hides another.
    return points.sort(function (a, b) {
      return (a.state === "open") - (b.state === "open") || b.n - a.n;
    });
  };

  CaseMap.prototype.drawDots = function () {
    var self = this;
    this.points.forEach(function (p) {
      var xy = project(p.lon, p.lat);
      var label = (p.state === "open" ? self.labels.labelOpen : self.labels.labelClosed)
        + ": " + p.n + " · " + p.where;
      var dot = element("circle", {
        cx: xy[0], cy: xy[1], class: p.state + (p.unplaced ? " unplaced" : ""),
        "data-count": p.n, "data-state": p.state, tabindex: "0", "aria-label": label,
      });
      var title = element("title");
      title.textContent = label;
      dot.appendChild(title);
      p.dot = dot;
      ["mouseenter", "focus"].forEach(function (type) {
        dot.addEventListener(type, function () { self.tip(dot, label); });
      });
      ["mouseleave", "blur"].forEach(function (type) {
        dot.addEventListener(type, function () { self.tooltip.hidden = true; });
      });
      self.dots.appendChild(dot);
    });
  };

  CaseMap.prototype.tip = function (dot, text) {
    var box = this.container.getBoundingClientRect();
    var at = dot.getBoundingClientRect();
    this.tooltip.textContent = text;
    this.tooltip.hidden = false;
    this.tooltip.style.left = Math.max(0, at.left - box.left + at.width + 4) + "px";
    this.tooltip.style.top = Math.max(0, at.top - box.top - 4) + "px";
  };

  CaseMap.prototype.show = function (name) {
    var v = VIEWS[name];
    var nw = project(v.west, v.north), se = project(v.east, v.south);
    this.view = [nw[0], nw[1], se[0] - nw[0], se[1] - nw[1]];
    this.svg.setAttribute("viewBox", this.view.join(" "));
    this.container.dataset.view = name;
    this.resize();
  };

  // Dots keep their size on screen whatever the zoom: radius in screen pixels, turned
  // into view-box units. The area grows with the count.
  CaseMap.prototype.resize = function () {
    var width = this.svg.clientWidth || this.container.clientWidth || 600;
    var height = this.svg.clientHeight || width * 0.75;
    var unitsPerPixel = Math.max(this.view[2] / width, this.view[3] / height);
    this.points.forEach(function (p) {
      var pixels = Math.min(3 + 2.5 * Math.sqrt(p.n), 28);
      p.dot.setAttribute("r", (pixels * unitsPerPixel).toFixed(2));
    });
  };

  function start() {
    var container = document.getElementById("case-map");
    var source = container && document.getElementById(container.dataset.points);
    if (!container || !source || typeof topojson === "undefined") return;
    var data = JSON.parse(source.textContent);
    fetch(container.dataset.atlas, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (topology) {
        var countries = topojson.feature(topology, topology.objects.countries).features;
        var map = new CaseMap(container, data, countries);
        document.querySelectorAll("[data-map-view]").forEach(function (button) {
          button.addEventListener("click", function () {
            document.querySelectorAll("[data-map-view]").forEach(function (b) {
              b.classList.toggle("active", b === button);
            });
            map.show(button.dataset.mapView);
          });
        });
        window.addEventListener("resize", function () { map.resize(); });
        container.dataset.mapDrawn = "true";
      });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
