/*
 * Autosave of a juror's score sheet (the approach of the application form's
 * autosave.js): the whole sheet is posted as JSON to the sheet's endpoint a
 * few seconds after typing stops, at once when a score is chosen or a field
 * loses focus. The page carries the sheet's version: a sheet changed
 * elsewhere answers 409 and the juror is asked to reload; nothing is lost
 * from the page. The buttons still post the form without JavaScript.
 */
(function () {
  "use strict";
  var form = document.getElementById("scoring-form");
  if (!form || !form.getAttribute("data-autosave") || !window.fetch || !window.JSON) {
    return;
  }
  var config = JSON.parse(
    document.getElementById(form.getAttribute("data-autosave")).textContent
  );
  var text = config.messages;
  var status = document.getElementById("scoring-status");
  var versionInput = form.querySelector("input[name=version]");
  var DELAY = 2500;
  var timer = null;
  var dirty = false;
  var inFlight = false;
  var again = false;
  var stale = false;

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", !!isError);
  }

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function sheet() {
    var scores = {};
    Array.prototype.forEach.call(
      form.querySelectorAll("[data-criterion]"),
      function (box) {
        var key = box.getAttribute("data-criterion");
        var checked = box.querySelector("input[type=radio]:checked");
        var comment = box.querySelector("textarea");
        var value = checked ? checked.value : "";
        scores[key] = {
          value: value && value !== "na" ? parseInt(value, 10) : null,
          not_applicable: value === "na",
          comment: comment ? comment.value : ""
        };
      }
    );
    var overall = form.querySelector("textarea[name=overall_comment]");
    return {
      version: parseInt(versionInput.value, 10) || 0,
      overall_comment: overall ? overall.value : "",
      scores: scores
    };
  }

  function save() {
    window.clearTimeout(timer);
    if (!dirty || stale) { return; }
    if (inFlight) { again = true; return; }
    dirty = false;
    inFlight = true;
    say(text.saving);
    window.fetch(config.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Requested-With": "XMLHttpRequest"
      },
      body: JSON.stringify(sheet())
    }).then(function (response) {
      return response.json().then(function (body) {
        return { status: response.status, body: body };
      });
    }).then(function (result) {
      if (result.status === 200) {
        versionInput.value = result.body.version;
        say(text.saved.replace("%(time)s", result.body.saved_at_display));
      } else if (result.status === 409) {
        stale = true;
        say(text.stale, true);
      } else {
        say(text.error.replace("%(error)s", result.body.error || result.status), true);
      }
    }).catch(function () {
      dirty = true;
      say(text.offline, true);
      timer = window.setTimeout(save, 10000);
    }).then(function () {
      inFlight = false;
      if (again && pendingButton === null) { again = false; save(); }
      resubmit();
    });
  }

  function changed() {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", function () { changed(); save(); });
  form.addEventListener("focusout", function () { save(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(); }
  });
  // A button pressed while a save is on its way waits for it, so that the
  // form carries the version that save returns.
  var pendingButton = null;
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (inFlight) {
      event.preventDefault();
      pendingButton = event.submitter || form.querySelector("button[value=save]");
    }
  });
  function resubmit() {
    if (pendingButton === null || inFlight) { return; }
    var button = pendingButton;
    pendingButton = null;
    if (form.requestSubmit) { form.requestSubmit(button); } else { form.submit(); }
  }
})();
