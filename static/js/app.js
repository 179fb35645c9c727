// Stockroom page behaviour. Loaded as a file (no inline scripts: the CSP forbids them).
(function () {
  "use strict";

  // Live events of the active organization: pages listen for "stockroom:event" on document.
  function connectEvents() {
    var path = document.body.dataset.eventsUrl;
    if (!path || !("WebSocket" in window)) { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + path);
    socket.addEventListener("message", function (message) {
      var data;
      try { data = JSON.parse(message.data); } catch (error) { return; }
      document.dispatchEvent(new CustomEvent("stockroom:event", { detail: data }));
    });
    // 4400 and up: refused for good (signed out, not a member). 4000: the server asks for a new
    // connection at once (role or password changed) so it is authorized again. Others: retry.
    socket.addEventListener("close", function (event) {
      if (event.code >= 4400) { return; }
      window.setTimeout(connectEvents, event.code === 4000 ? 0 : 3000);
    });
  }

  // Parts of a page that show stock listen for "stock-changed" (hx-trigger="stock-changed from:body").
  document.addEventListener("stockroom:event", function (event) {
    if (event.detail.type === "stock.changed" && window.htmx) {
      window.htmx.trigger(document.body, "stock-changed", event.detail);
    }
  });

  // The navigation bell counts notifications pushed while the page is open.
  document.addEventListener("stockroom:event", function (event) {
    if (event.detail.type !== "notification") { return; }
    var badge = document.getElementById("notification-count");
    if (!badge) { return; }
    badge.textContent = String((parseInt(badge.textContent, 10) || 0) + 1);
    badge.classList.remove("d-none");
  });

  // <select data-autosubmit> submits its form on change (the language switcher).
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) {
      event.target.form.submit();
    }
  });

  // Confirm destructive actions without inline handlers: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  // After a server-side validation error the page opens on the error summary above the form
  // (templates/forms/error_summary.html), so screen readers announce it and the keyboard starts there.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  // A summary link moves focus into its field: following "#id" alone only scrolls to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  });

  // A container with data-focus-added (an order's lines) receives rows from htmx ("Add line"):
  // focus the new row's first field so the keyboard user carries on typing there.
  document.addEventListener("htmx:afterSwap", function (event) {
    var container = event.target;
    if (!container.hasAttribute || !container.hasAttribute("data-focus-added")) { return; }
    var row = container.lastElementChild;
    var field = row && row.querySelector("input:not([type=hidden]), select, textarea");
    if (field) { field.focus(); }
  });

  // <button data-copy-target="id"> copies that field's value (an invitation link) and says so in
  // its data-copied-text; selecting the field first keeps a manual copy possible without clipboard access.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) { return; }
    field.select();
    var done = function () { button.textContent = button.getAttribute("data-copied-text"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });

  // A table wider than its box (a phone, a long report) scrolls inside its .table-responsive box.
  // Only a box that takes focus can be scrolled with the arrow keys (WCAG 2.1.1; axe's
  // scrollable-region-focusable), so such a box becomes a named, focusable region; one that fits
  // is left out of the tab order again.
  function regionName(box) {
    var table = box.querySelector("table");
    if (!table) { return ""; }
    var caption = table.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    if (table.getAttribute("aria-label")) { return table.getAttribute("aria-label"); }
    var labelledBy = table.getAttribute("aria-labelledby");
    var label = labelledBy && document.getElementById(labelledBy);
    if (label) { return label.textContent.trim(); }
    var section = box.closest("section, .card");
    var heading = section && section.querySelector("h1, h2, h3, h4, h5, h6");
    return heading ? heading.textContent.trim() : "";
  }

  function markScrollingTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (box.hasAttribute("tabindex")) { return; }
        box.setAttribute("tabindex", "0");
        var name = regionName(box);
        if (name) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
        }
        box.dataset.scrollRegion = "";
      } else if (box.hasAttribute("data-scroll-region")) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(markScrollingTables, 100);
  });
  document.addEventListener("htmx:afterSettle", markScrollingTables);

  document.addEventListener("DOMContentLoaded", connectEvents);
  document.addEventListener("DOMContentLoaded", focusErrorSummary);
  document.addEventListener("DOMContentLoaded", markScrollingTables);
})();
