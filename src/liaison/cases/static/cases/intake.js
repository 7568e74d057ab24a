// Intake forms: nothing typed is lost, even if the tab closes or the network drops before
// the server has it. Each form (data-intake-draft="KEY") keeps its fields in localStorage
// as the officer types, and gets them back when the page is reopened; the copy is removed
// only when the server confirms the save (the next page carries data-intake-saved="KEY").
(function () {
  "use strict";

  var PREFIX = "liaison:intake:";

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage disabled: the server-side copy still protects the text
    }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" &&
        ["hidden", "submit", "button", "file", "reset"].indexOf(el.type) === -1;
    });
  }

  function read(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = [el.value];
      }
    });
    return data;
  }

  function write(form, data) {
    fields(form).forEach(function (el) {
      var values = data[el.name];
      if (!values) return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else {
        el.value = values[0];
      }
    });
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function keep(form, key) {
    var store = storage();
    if (!store) return;
    try {
      store.setItem(PREFIX + key, JSON.stringify({ at: Date.now(), data: read(form) }));
    } catch (e) { /* quota: nothing more to do here */ }
  }

  function restore(form, key) {
    var store = storage();
    if (!store) return false;
    var saved = store.getItem(PREFIX + key);
    if (!saved) return false;
    try {
      saved = JSON.parse(saved);
    } catch (e) {
      return false;
    }
    if (!saved || !saved.data || same(saved.data, read(form))) return false;
    write(form, saved.data);
    return true;
  }

  // The zone the times are typed in follows the country, and an untouched "time received"
  // stays "now" in that zone.
  function wallClock(zone) {
    try {
      var text = new Intl.DateTimeFormat("sv-SE", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      }).format(new Date());
      return text.replace(" ", "T");
    } catch (e) {
      return "";
    }
  }

  function syncZone(form) {
    var country = form.querySelector("select[name=country]");
    var zone = form.querySelector("select[name=place_time_zone]");
    var shown = document.querySelector("[data-zone-shown]");
    var received = form.querySelector("input[name=received_at]");
    if (!country || !zone) return;
    var countryZone = function () {
      var option = country.options[country.selectedIndex];
      return option ? option.getAttribute("data-zone") || "" : "";
    };
    var show = function () {
      if (shown) shown.textContent = zone.value || countryZone() || "—";
    };
    if (received) {
      received.addEventListener("input", function () { received.dataset.touched = "1"; });
    }
    country.addEventListener("change", function () {
      if (countryZone()) zone.value = countryZone();
      if (received && !received.dataset.touched && !form.hasAttribute("data-intake-prefilled") &&
          form.getAttribute("data-intake-draft") === "full") {
        received.value = wallClock(zone.value || countryZone()) || received.value;
      }
      show();
    });
    zone.addEventListener("change", show);
    show();
  }

  // On the quick screen Enter saves (a caller is waiting); Shift+Enter breaks the line.
  // Never while a Hangul syllable is still being composed.
  function enterSubmits(form) {
    form.querySelectorAll("textarea[data-enter-submits]").forEach(function (area) {
      area.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing &&
            event.keyCode !== 229) {
          event.preventDefault();
          if (form.requestSubmit) form.requestSubmit(); else form.submit();
        }
      });
    });
  }

  function guardDoubleSubmit(form) {
    form.addEventListener("submit", function () {
      var key = form.getAttribute("data-intake-draft");
      keep(form, key);
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    document.querySelectorAll("[data-intake-saved]").forEach(function (el) {
      if (store) store.removeItem(PREFIX + el.getAttribute("data-intake-saved"));
    });
    document.querySelectorAll("form[data-intake-draft]").forEach(function (form) {
      var key = form.getAttribute("data-intake-draft");
      var notice = document.querySelector("[data-draft-restored]");
      syncZone(form);
      if (form.hasAttribute("data-intake-prefilled")) {
        keep(form, key); // what the server gave back is the latest text
      } else if (restore(form, key) && notice) {
        notice.classList.remove("d-none");
        form.dispatchEvent(new Event("input", { bubbles: true })); // live duplicate check
      }
      form.addEventListener("input", function () { keep(form, key); });
      form.addEventListener("change", function () { keep(form, key); });
      enterSubmits(form);
      guardDoubleSubmit(form);
      var discard = document.querySelector("[data-draft-discard]");
      if (discard) {
        discard.addEventListener("click", function () {
          if (store) store.removeItem(PREFIX + key);
          window.location.assign(window.location.pathname);
        });
      }
    });
  });
})();
