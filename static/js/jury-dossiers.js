/* The jury dossier page: follows the progress of the dossiers being built by
   polling their JSON status, and reloads the page when one is finished (its
   download link or error then shows). Without JavaScript a link refreshes. */
(function () {
  "use strict";
  var rows = document.querySelectorAll("[data-dossier-status]");
  var pending = [];
  Array.prototype.forEach.call(rows, function (row) {
    if (row.querySelector("[data-dossier-progress]")) { pending.push(row); }
  });
  if (!pending.length || !window.fetch) { return; }

  function poll() {
    var requests = pending.map(function (row) {
      return fetch(row.getAttribute("data-dossier-status"), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (status) {
        var bar = row.querySelector("[data-dossier-progress]");
        var percent = row.querySelector("[data-dossier-percent]");
        var state = row.querySelector("[data-dossier-state]");
        if (bar) { bar.value = status.progress; bar.textContent = status.progress + "\u202f%"; }
        if (percent) { percent.textContent = status.progress + "\u202f%"; }
        if (state) { state.textContent = status.state_label; }
        return status.finished;
      });
    });
    Promise.all(requests).then(function (finished) {
      if (finished.some(Boolean)) {
        window.location.reload();
      } else {
        window.setTimeout(poll, 2000);
      }
    }).catch(function () { /* the refresh link stays */ });
  }
  window.setTimeout(poll, 2000);
}());
