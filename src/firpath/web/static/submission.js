// The submission form (web/submissions.py). Without this script "Show this model's firmware"
// re-renders the page with the list filled; with it, the list fills from the JSON API as soon
// as manufacturer, model and hardware version are typed, and the page is not reloaded.
(function () {
  "use strict";
  var form = document.querySelector("form.submission");
  if (!form) { return; }
  var list = document.getElementById("upgrade_from");
  var status = document.getElementById("firmware-status");
  var button = document.getElementById("load-firmware");
  var entriesChoice = document.getElementById("choice-entries");
  var summary = document.getElementById("error-summary");
  var HEX4 = /^[0-9A-F]{4}$/;
  var HASH_SHOWN = 12;
  var shown = "";

  if (summary) { summary.focus(); }

  function typed(name) {
    var field = form.elements.namedItem(name);
    return field && "value" in field ? String(field.value).trim().toUpperCase() : "";
  }

  function deviceModel() {
    var parts = [typed("manufacturer_id"), typed("model_id"), typed("hardware_version")];
    return parts.every(function (p) { return HEX4.test(p); }) ? parts : null;
  }

  function count(values) {
    var seen = {};
    values.forEach(function (v) { if (v) { seen[v] = (seen[v] || 0) + 1; } });
    return seen;
  }

  function order(a, b) {
    var byVersion = parseInt(b.firmware_version, 16) - parseInt(a.firmware_version, 16);
    return byVersion || String(b.cpl_entry_id).localeCompare(String(a.cpl_entry_id), "en", { numeric: true });
  }

  function label(entry, names, hexes) {
    var name = entry.firmware_version_name;
    var text = (name || "(no name)") + " = " + entry.firmware_version;
    if (hexes[entry.firmware_version] > 1 || (name && names[name] > 1)) {
      text += ", hash " + String(entry.manufacturer_image_hash).slice(0, HASH_SHOWN);
    }
    text += ", entry " + entry.cpl_entry_id;
    if (entry.status !== "active") { text += " (" + entry.status + ")"; }
    return text;
  }

  function fill(entries, model) {
    var chosen = Array.prototype.filter.call(list.options, function (o) { return o.selected; })
      .map(function (o) { return o.value; });
    entries.sort(order);
    var names = count(entries.map(function (e) { return e.firmware_version_name; }));
    var hexes = count(entries.map(function (e) { return e.firmware_version; }));
    list.replaceChildren();
    var known = {};
    entries.forEach(function (e) {
      known[e.cpl_entry_id] = true;
      list.add(new Option(label(e, names, hexes), e.cpl_entry_id, false, chosen.indexOf(e.cpl_entry_id) >= 0));
    });
    chosen.forEach(function (id) {
      if (!known[id]) {
        list.add(new Option("entry " + id + " (chosen before; not of this device model)", id, false, true));
      }
    });
    list.size = Math.min(Math.max(list.options.length, 3), 8);
    var where = "device model " + model.join("/");
    document.querySelector("label[for=upgrade_from]").textContent = "Earlier versions of " + where;
    status.textContent = entries.length
      ? entries.length + " build" + (entries.length === 1 ? "" : "s") + " of " + where +
        ", newest first. Hold Ctrl (\u2318 on a Mac) to choose more than one."
      : where.charAt(0).toUpperCase() + where.slice(1) + " has no entries on the CPL yet: a first release takes N/A.";
  }

  function load(asked) {
    var model = deviceModel();
    if (!model) {
      if (asked) {
        status.textContent = "Enter the manufacturer ID, model ID and hardware version (4 hex digits each) first.";
      }
      return;
    }
    var key = model.join("/");
    if (!asked && key === shown) { return; }
    shown = key;
    var query = new URLSearchParams({
      manufacturer_id: model[0], model_id: model[1], hardware_version: model[2], per_page: "1000"
    });
    status.textContent = "Loading the firmware of device model " + key + "\u2026";
    fetch("/api/v1/entries?" + query.toString(), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        return answer.json();
      })
      .then(function (page) { fill(page.entries, model); })
      .catch(function () {
        shown = "";
        status.textContent = "The firmware of device model " + key +
          " could not be loaded: press \u201cShow this model\u2019s firmware\u201d again.";
      });
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    load(true);
  });
  // Enter in a field sends the submission (the first button of the form is the list's)
  form.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key === "Enter" && field instanceof HTMLInputElement && field.type === "text") {
      event.preventDefault();
      form.requestSubmit(document.getElementById("send"));
    }
  });
  ["manufacturer_id", "model_id", "hardware_version"].forEach(function (name) {
    var field = form.elements.namedItem(name);
    if (field) { field.addEventListener("change", function () { load(false); }); }
  });
  list.addEventListener("change", function () {
    if (list.selectedOptions.length) { entriesChoice.checked = true; }
  });
  var first = deviceModel();
  if (first) { shown = first.join("/"); }
}());
