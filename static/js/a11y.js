/* Keyboard and screen-reader help shared by every page (WCAG 2.1 AA). The pages work without it.
 *
 * - An element marked data-autofocus (the report form's error summary after a failed save) takes the
 *   focus when the page loads, so a screen reader reads it and the keyboard starts from it.
 * - A same-page link (skip links, the error summary's links, "Trả lại ↓") moves the focus to its target, not only
 *   the scroll position: a field is focused, a section or an entry gets tabindex=-1 and is focused.
 * - A focused field is never left under the sticky save bar: CSS scroll-padding handles scrolling to
 *   a target; this handles the browsers that ignore it when moving the focus with Tab.
 */
(function () {
  "use strict";

  var FOCUSABLE = /^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY)$/;

  function focusTarget(target) {
    if (!FOCUSABLE.test(target.tagName) && !target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
    // A field is shown with its label above it, in the middle of the screen (clear of the save bar);
    // a section or an entry from its top.
    var label = target.id ? document.querySelector('label[for="' + target.id + '"]') : null;
    if (label) {
      label.scrollIntoView({ block: "center" });
    } else {
      target.scrollIntoView({ block: FOCUSABLE.test(target.tagName) ? "center" : "start" });
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    event.preventDefault();
    if (window.history && window.history.pushState) {
      window.history.pushState(null, "", "#" + id);  // as the link itself would: Back returns
    }
    focusTarget(target);
  });

  function stickyBar() {
    var bar = document.querySelector(".actions.sticky");
    if (!bar || window.getComputedStyle(bar).position !== "sticky") { return null; }
    return bar;
  }

  document.addEventListener("focusin", function (event) {
    var bar = stickyBar();
    var element = event.target;
    if (!bar || bar.contains(element) || !element.getBoundingClientRect) { return; }
    var box = element.getBoundingClientRect();
    var barBox = bar.getBoundingClientRect();
    // The bar sticks to the bottom of the screen only while its form is on screen: past the form it
    // scrolls away, and what follows is below it, not under it.
    if (box.bottom > barBox.top && box.top < barBox.bottom) { window.scrollBy(0, box.bottom - barBox.top + 8); }
  });

  var first = document.querySelector("[data-autofocus]");
  if (first) {
    first.focus({ preventScroll: true });
    first.scrollIntoView({ block: "start" });
  }
})();
