/* Accessible names for the admin's autocomplete boxes (Select2, bundled with Django's admin).
 *
 * Select2 names its single-choice box after the element that shows the current choice, which is
 * empty until something is chosen, and leaves the search box of a multiple choice unnamed: a screen
 * reader hears "combobox" with no name. Each box is named from the field's own <label>. Runs after
 * the admin's autocomplete.js has built the boxes, and again for inline rows added later.
 */
(function () {
  "use strict";

  function labelFor(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label && !label.id) { label.id = "label-" + select.id; }
    return label;
  }

  function name(root) {
    (root || document).querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = labelFor(select);
      var box = select.nextElementSibling;
      if (!label || !box || !box.classList.contains("select2")) { return; }
      var text = label.textContent.replace(/[:\s]+$/, "");
      var combobox = box.querySelector(".select2-selection");
      var rendered = box.querySelector(".select2-selection__rendered");
      if (combobox && rendered && rendered.id) {
        // The current choice is read after the field's name: "Mục: I. Chỉ tiêu kinh tế".
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
        combobox.setAttribute("aria-labelledby", label.id + " " + rendered.id);
      }
      // A multiple choice shows its choices in a <ul> that also holds other elements: not a list to a
      // screen reader, only the text of the choices.
      box.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
        list.setAttribute("role", "none");
        Array.prototype.forEach.call(list.children, function (item) { item.setAttribute("role", "none"); });
      });
      box.querySelectorAll(".select2-search__field").forEach(function (search) {
        search.setAttribute("aria-label", text);
      });
    });
  }

  // Select2 builds (and rebuilds) its boxes from jQuery handlers whose order against ours is not
  // fixed: name whatever is there at load, then again whenever the page's elements change.
  var pending = false;
  function soon() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; name(document); });
  }
  window.addEventListener("load", function () {
    name(document);
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  });
  document.addEventListener("DOMContentLoaded", soon);
})();
