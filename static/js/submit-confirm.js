/* The report form's "Gửi báo cáo" button: keeps "Còn 14/20 mục chưa nhập" up to date while the user types,
 * and asks in a dialog before sending, naming the items still empty. Confirmed, it sets confirmed=1 so the
 * server sends at once; without this script the server shows a confirmation page instead.
 *
 * Each entry's fieldset names, in data-fill, the inputs that make it count as filled (a value; a numerator
 * and a denominator; a milestone state; a task status), as the server counts them.
 */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var button = document.getElementById("submit-button");
  var counter = document.getElementById("empty-count");
  var confirmed = document.getElementById("submit-confirmed");
  if (!form || !button || !counter || !confirmed) { return; }
  var entries = form.querySelectorAll("fieldset[data-fill]");

  function emptyCodes() {
    var codes = [];
    Array.prototype.forEach.call(entries, function (fieldset) {
      var names = fieldset.getAttribute("data-fill").split(" ");
      var filled = names.every(function (name) {
        var input = form.elements.namedItem(name);
        return input && String(input.value).trim() !== "";
      });
      if (!filled) { codes.push(fieldset.getAttribute("data-code")); }
    });
    return codes;
  }

  function refresh() {
    var codes = emptyCodes();
    counter.textContent = codes.length
      ? button.getAttribute("data-msg-empty").replace("{empty}", codes.length).replace("{assigned}", entries.length)
      : button.getAttribute("data-msg-full");
    counter.classList.toggle("warn-text", codes.length > 0);
    return codes;
  }

  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();

  button.addEventListener("click", function (event) {
    var codes = refresh();
    var text = button.getAttribute("data-msg-confirm");
    if (codes.length) {
      text = counter.textContent + ": " + codes.slice(0, 15).join(", ") + (codes.length > 15 ? " …" : "") + "\n\n" + text;
    }
    if (window.confirm(text)) {
      confirmed.value = "1";
    } else {
      confirmed.value = "";
      event.preventDefault();
    }
  });
}());
