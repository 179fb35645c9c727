// Import job page: a live progress bar. Loaded as a file (no inline scripts: CSP).
// Live "job.progress" events arrive as "stockroom:event" (see app.js); the htmx fragment also
// polls every 2 s, so the bar moves even without a socket.
(function () {
  "use strict";

  function container() { return document.getElementById("import-job"); }

  // Widths come from data attributes: inline style attributes are blocked by the CSP.
  function paintBars(root) {
    var bars = (root || document).querySelectorAll(".progress-bar[data-percent]");
    Array.prototype.forEach.call(bars, function (bar) {
      bar.style.width = Math.max(0, Math.min(100, parseInt(bar.dataset.percent, 10) || 0)) + "%";
    });
  }

  function showProgress(detail) {
    var job = container();
    if (!job || String(detail.job_id) !== job.dataset.jobId) { return; }
    var total = Number(detail.total) || 0;
    var processed = Number(detail.processed) || 0;
    var percent = detail.status === "succeeded" ? 100 : (total ? Math.floor(processed * 100 / total) : 0);
    var bar = job.querySelector(".progress-bar");
    var wrapper = job.querySelector("[data-job-progress]");
    if (bar) {
      bar.dataset.percent = String(percent);
      bar.textContent = percent + " %";
      paintBars(job);
    }
    if (wrapper) { wrapper.setAttribute("aria-valuenow", String(percent)); }
    var processedLabel = job.querySelector("[data-job-processed]");
    var totalLabel = job.querySelector("[data-job-total]");
    if (processedLabel) { processedLabel.textContent = processed.toLocaleString(); }
    if (totalLabel) { totalLabel.textContent = total.toLocaleString(); }
    if ((detail.status === "succeeded" || detail.status === "failed") && window.htmx) {
      // Fetch the result (counts or the table of bad rows) now instead of at the next poll.
      window.htmx.trigger(job, "job-finished");
    }
  }

  document.addEventListener("stockroom:event", function (event) {
    if (event.detail && event.detail.type === "job.progress") { showProgress(event.detail); }
  });
  document.addEventListener("htmx:afterSwap", function () { paintBars(container()); });
  document.addEventListener("DOMContentLoaded", function () { paintBars(document); });
})();
