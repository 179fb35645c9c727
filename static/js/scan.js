// Scan page: a handheld scanner is a keyboard that types the code and presses Enter, which
// submits the form by itself. This keeps the code field focused and selected, so the next scan
// replaces the previous code even after the user clicked elsewhere on the page.
(function () {
  "use strict";

  function field() {
    var form = document.querySelector("[data-scan-form]");
    return form ? form.querySelector("input[name=code]") : null;
  }

  function focusField() {
    var input = field();
    if (input && document.activeElement !== input) {
      input.focus();
      input.select();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = field();
    if (!input) { return; }
    focusField();
    // Keys typed while focus is elsewhere (not in a form control) go to the code field.
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (target === input || event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (target.matches && target.matches("input, select, textarea, button")) { return; }
      if (event.key && event.key.length === 1) {
        input.value = "";
        input.focus();
      }
    });
    input.form.addEventListener("submit", function () {
      input.value = input.value.trim();
    });
  });
})();
