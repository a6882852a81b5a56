/* The language picker in the footer changes the language as soon as one is chosen; without this script,
 * its "Đổi ngôn ngữ" button does the same. (No inline handler: the pages' Content-Security-Policy forbids it.) */
(function () {
  "use strict";
  var form = document.getElementById("language-form");
  if (!form) { return; }
  var select = form.querySelector("select[name=language]");
  var button = form.querySelector(".language-apply");
  if (button) { button.hidden = true; }
  if (select) { select.addEventListener("change", function () { form.submit(); }); }
}());
