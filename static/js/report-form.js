/* Keep a copy of unsaved report input in localStorage so a slow or failed connection loses nothing.
 *
 * The form carries data-draft-key (one key per report) and data-draft-saved="1" when the page is the
 * server's answer to a successful save: only then is the local copy dropped (a read-only report page
 * carries the same marker on a hidden element: nothing is left to restore once a report is sent). On load, a copy that
 * differs from what the server rendered is put back into the fields and a notice says so.
 * The page works without this script: it only adds a safety net.
 */
(function () {
  "use strict";
  var holder = document.querySelector("[data-draft-key]");
  if (!holder || !window.localStorage) { return; }
  var key = holder.getAttribute("data-draft-key");
  var saved = holder.getAttribute("data-draft-saved") === "1";
  if (saved) {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
    // The "just saved" marker is in the address (?luu=N): take it out, so that a later reload of this
    // page with new unsaved input does not drop that input as if it had been saved.
    if (window.history && window.history.replaceState && window.URLSearchParams) {
      var params = new URLSearchParams(window.location.search);
      if (params.has("luu")) {
        params.delete("luu");
        var query = params.toString();
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      }
    }
  }
  var form = holder.tagName === "FORM" ? holder : null;
  if (!form) { return; }
  var notice = document.getElementById("draft-restored");
  // The save's key belongs to this rendering of the form, never to a restored copy (see report_save).
  var SKIP = { csrfmiddlewaretoken: true, version: true, idempotency_key: true, action: true, confirmed: true };
  var versionInput = form.querySelector("input[name=version]");

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
      localStorage.setItem(key, JSON.stringify({
        at: new Date().toISOString(), version: versionInput ? versionInput.value : "", values: snapshot()
      }));
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
    // Input typed on an older version of the report goes back with that version: if someone saved
    // in between, the server answers with its conflict page instead of silently overwriting their save.
    if (changed && versionInput && saved.version && saved.version !== versionInput.value) {
      versionInput.value = saved.version;
    }
    if (changed && notice) {
      var when = new Date(saved.at);
      var time = isNaN(when) ? "" : when.toLocaleString("vi-VN");
      notice.querySelector("[data-when]").textContent = time;
      notice.hidden = false;
    }
  }

  if (!saved) { restore(); }

  form.addEventListener("input", store);
  form.addEventListener("change", store);

  var discard = document.getElementById("draft-discard");
  if (discard) {
    discard.addEventListener("click", function () { drop(); window.location.reload(); });
  }
})();
