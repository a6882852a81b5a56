/* Keep a copy of unsaved report input in localStorage so a slow or failed connection loses nothing.
 *
 * The form carries data-draft-key (one key per report) and data-draft-saved="1" when the page is the
 * server's answer to a successful save: only then is the local copy dropped. On load, a copy that
 * differs from what the server rendered is put back into the fields and a notice says so.
 * The page works without this script: it only adds a safety net.
 */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.localStorage) { return; }
  var key = form.getAttribute("data-draft-key");
  var notice = document.getElementById("draft-restored");
  var SKIP = { csrfmiddlewaretoken: true, version: true, action: true };

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && el.type !== "file" && el.type !== "submit" && el.type !== "button";
    });
  }

  function snapshot() {
    var values = {};
    fields().forEach(function (el) {
      values[el.name] = (el.type === "checkbox" || el.type === "radio") ? (el.checked ? el.value : "") : el.value;
    });
    return values;
  }

  function store() {
    try {
      localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), values: snapshot() }));
    } catch (e) { /* storage full or disabled: the server copy is still the reference */ }
  }

  function drop() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  function restore() {
    var raw;
    try { raw = localStorage.getItem(key); } catch (e) { return; }
    if (!raw) { return; }
    var saved;
    try { saved = JSON.parse(raw); } catch (e) { drop(); return; }
    var changed = 0;
    fields().forEach(function (el) {
      if (!(el.name in saved.values)) { return; }
      var value = saved.values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        var checked = value === el.value;
        if (el.checked !== checked) { el.checked = checked; changed++; }
      } else if (el.value !== value) {
        el.value = value;
        changed++;
      }
    });
    if (changed && notice) {
      var when = new Date(saved.at);
      var time = isNaN(when) ? "" : when.toLocaleString("vi-VN");
      notice.querySelector("[data-when]").textContent = time;
      notice.hidden = false;
    }
  }

  if (form.getAttribute("data-draft-saved") === "1") { drop(); } else { restore(); }

  form.addEventListener("input", store);
  form.addEventListener("change", store);

  var discard = document.getElementById("draft-discard");
  if (discard) {
    discard.addEventListener("click", function () { drop(); window.location.reload(); });
  }
})();
