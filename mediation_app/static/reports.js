// The reports page: while a requested report is queued or being made, reload every few
// seconds so its progress (and then the report) shows without a click.
(function () {
  "use strict";
  var waiting = document.querySelector("[data-refresh-seconds]");
  if (!waiting) { return; }
  var seconds = parseInt(waiting.getAttribute("data-refresh-seconds"), 10) || 5;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
}());
