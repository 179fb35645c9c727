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

  document.addEventListener("DOMContentLoaded", connectEvents);
})();
