/*
 * Autosave of the application form.
 *
 * Changed fields are posted as JSON to the autosave endpoint a few seconds
 * after typing stops, and at once when a field loses focus or changes. The
 * page carries the application's version: a field someone else changed in the
 * meantime comes back as a conflict (HTTP 409); the user's text stays in the
 * field and in localStorage, and is only sent again when they edit it. Unsaved
 * changes are kept in localStorage and offered back when the page reopens.
 */
(function () {
  "use strict";
  var form = document.getElementById("application-form");
  if (!form || !window.fetch || !window.JSON) { return; }
  var config = JSON.parse(
    document.getElementById(form.getAttribute("data-autosave")).textContent
  );
  var text = config.messages;
  var status = document.getElementById("autosave-status");
  var restoreBox = document.getElementById("autosave-restore");
  var versionInput = form.querySelector("input[name=version]");
  var tokenInput = form.querySelector("input[name=draft_token]");
  var SKIP = { csrfmiddlewaretoken: 1, version: 1, draft_token: 1, save: 1, check: 1 };
  var DELAY = 3000;
  function skipped(name) { return SKIP[name] || name.indexOf("initial-") === 0; }
  var dirty = {};
  var timer = null;
  var inFlight = false;
  var again = false;

  function fieldNames() {
    var names = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !skipped(el.name) && names.indexOf(el.name) === -1) {
        names.push(el.name);
      }
    });
    return names;
  }

  function valueOf(name) {
    var els = form.querySelectorAll("[name='" + name + "']");
    if (!els.length) { return null; }
    var first = els[0];
    if (first.type === "checkbox") {
      // A group of checkboxes sits in a fieldset whose id is "id_<name>".
      if (els.length === 1 && !document.getElementById("id_" + name + "_0")) {
        return first.checked;
      }
      return Array.prototype.filter.call(els, function (el) { return el.checked; })
        .map(function (el) { return el.value; });
    }
    if (first.type === "radio") {
      var checked = Array.prototype.filter.call(els, function (el) { return el.checked; });
      return checked.length ? checked[0].value : "";
    }
    return first.value;
  }

  function setValue(name, value) {
    var els = form.querySelectorAll("[name='" + name + "']");
    Array.prototype.forEach.call(els, function (el) {
      if (el.type === "checkbox") {
        el.checked = Array.isArray(value) ? value.indexOf(el.value) !== -1 : !!value;
      } else if (el.type === "radio") {
        el.checked = el.value === value;
      } else {
        el.value = value === null || value === undefined ? "" : value;
      }
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  // --- localStorage ---------------------------------------------------------
  function loadStored() {
    try { return JSON.parse(window.localStorage.getItem(config.storage_key)) || {}; }
    catch (e) { return {}; }
  }
  function store() {
    try {
      var kept = loadStored();
      Object.keys(dirty).forEach(function (name) { kept[name] = valueOf(name); });
      if (Object.keys(kept).length) {
        window.localStorage.setItem(config.storage_key, JSON.stringify(kept));
      } else {
        window.localStorage.removeItem(config.storage_key);
      }
    } catch (e) { /* Storage full or disabled: the server copy still counts. */ }
  }
  function forget(names) {
    try {
      var kept = loadStored();
      names.forEach(function (name) {
        if (same(kept[name], valueOf(name))) { delete kept[name]; }
      });
      if (Object.keys(kept).length) {
        window.localStorage.setItem(config.storage_key, JSON.stringify(kept));
      } else {
        window.localStorage.removeItem(config.storage_key);
      }
    } catch (e) { /* ignore */ }
  }

  // --- Messages -------------------------------------------------------------
  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", !!isError);
  }
  function fieldBox(name) { return form.querySelector("[data-field='" + name + "']"); }
  function showFieldMessage(name, message, theirs) {
    var box = fieldBox(name);
    if (!box) { return; }
    var list = box.querySelector(".errorlist");
    if (!list) { return; }
    list.textContent = "";
    if (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
      box.classList.add("field-error");
    } else {
      box.classList.remove("field-error");
    }
    if (theirs !== undefined) {
      box.classList.add("field-conflict");
      var block = document.createElement("li");
      block.className = "conflict-theirs";
      block.textContent = text.theirs + " " +
        (Array.isArray(theirs) ? theirs.join(", ") : String(theirs));
      list.appendChild(block);
    } else {
      box.classList.remove("field-conflict");
    }
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Saving ---------------------------------------------------------------
  function save() {
    window.clearTimeout(timer);
    var names = Object.keys(dirty);
    if (!names.length) { return; }
    if (inFlight) { again = true; return; }
    var fields = {};
    names.forEach(function (name) { fields[name] = valueOf(name); });
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
      body: JSON.stringify({
        version: parseInt(versionInput.value, 10) || 0,
        draft_token: tokenInput ? tokenInput.value : "",
        fields: fields
      })
    }).then(function (response) {
      return response.json().then(function (body) {
        return { status: response.status, body: body };
      });
    }).then(function (result) {
      handle(result.status, result.body, fields);
    }).catch(function () {
      say(text.offline, true);
      timer = window.setTimeout(save, 10000);
    }).then(function () {
      inFlight = false;
      if (again) { again = false; save(); }
    });
  }

  function handle(code, body, sent) {
    if (code === 401) {
      say(body.error || text.session, true);
      return;
    }
    if (code !== 200 && code !== 409) {
      say(text.error.replace("%(error)s", body.error || code), true);
      return;
    }
    versionInput.value = body.version;
    var done = [];
    Object.keys(sent).forEach(function (name) {
      var conflict = body.conflicts && body.conflicts[name];
      var error = body.errors && body.errors[name];
      if (conflict) {
        showFieldMessage(name, conflict.message, conflict.theirs);
      } else if (error) {
        showFieldMessage(name, error);
      } else {
        showFieldMessage(name, "");
        done.push(name);
      }
      // Sent again only if edited again (a deliberate choice after a conflict).
      if (same(valueOf(name), sent[name])) { delete dirty[name]; }
    });
    forget(done);
    var conflicts = Object.keys(body.conflicts || {}).length;
    if (conflicts) {
      var template = conflicts === 1 && text.conflict_one ? text.conflict_one : text.conflict;
      say(template.replace("%(count)s", conflicts), true);
    } else if (body.session_expired) {
      say(text.session, true);
      var link = document.createElement("a");
      link.href = config.login_url;
      link.textContent = " →";
      status.appendChild(link);
    } else if (Object.keys(body.errors || {}).length) {
      say(text.saved.replace("%(time)s", body.saved_at_display), true);
    } else {
      say(text.saved.replace("%(time)s", body.saved_at_display));
    }
  }

  function changed(event) {
    var name = event.target.name;
    if (!name || skipped(name)) { return; }
    dirty[name] = true;
    store();
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", function (event) { changed(event); save(); });
  form.addEventListener("focusout", function () { save(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(); }
  });
  form.addEventListener("submit", function () {
    window.clearTimeout(timer);
    try { window.localStorage.removeItem(config.storage_key); } catch (e) { /* */ }
  });

  // --- Offer back what was not saved ----------------------------------------
  var stored = loadStored();
  // Entries the server already holds are dropped; only real differences remain.
  forget(Object.keys(stored));
  stored = loadStored();
  var pending = fieldNames().filter(function (name) {
    return Object.prototype.hasOwnProperty.call(stored, name) &&
      !same(stored[name], valueOf(name));
  });
  if (pending.length && restoreBox) {
    var question = document.createElement("p");
    question.textContent = text.restore;
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "btn btn-small";
    yes.textContent = text.restore_button;
    var no = document.createElement("button");
    no.type = "button";
    no.className = "btn btn-secondary btn-small";
    no.textContent = text.discard_button;
    restoreBox.appendChild(question);
    restoreBox.appendChild(yes);
    restoreBox.appendChild(document.createTextNode(" "));
    restoreBox.appendChild(no);
    restoreBox.hidden = false;
    yes.addEventListener("click", function () {
      pending.forEach(function (name) { setValue(name, stored[name]); dirty[name] = true; });
      restoreBox.hidden = true;
      save();
    });
    no.addEventListener("click", function () {
      try { window.localStorage.removeItem(config.storage_key); } catch (e) { /* */ }
      restoreBox.hidden = true;
    });
  }
})();
