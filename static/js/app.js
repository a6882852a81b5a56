// Behaviour shared by every page. No inline handlers: the Content-Security-Policy allows scripts from
// static files only.
(function () {
  "use strict";
  // Report drafts kept in this browser (report-form.js) belong to the user who typed them: signing out
  // removes them, so the next person at this computer never finds them in a form.
  document.querySelectorAll("form.logout").forEach(function (form) {
    form.addEventListener("submit", function () {
      try {
        for (var i = window.localStorage.length - 1; i >= 0; i--) {
          var key = window.localStorage.key(i);
          if (key && key.indexOf("chitieu-bao-cao-") === 0) { window.localStorage.removeItem(key); }
        }
      } catch (e) { /* storage unavailable: nothing was kept */ }
    });
  });
})();
