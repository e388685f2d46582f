// The entries page: the Model drop-down lists only the chosen manufacturer's models.
// (Without this script every model is listed, grouped by manufacturer.)
"use strict";
(function () {
  const maker = document.getElementById("manufacturer_id");
  const model = document.getElementById("model");
  if (!maker || !model) {
    return;
  }
  const groups = Array.from(model.querySelectorAll("optgroup"));
  function narrow() {
    const chosen = maker.value;
    const selected = model.value;
    groups.forEach(function (group) { group.remove(); });
    groups
      .filter(function (group) { return !chosen || group.dataset.manufacturer === chosen; })
      .forEach(function (group) { model.appendChild(group); });
    model.value = Array.from(model.options).some(function (o) { return o.value === selected; })
      ? selected
      : "";
  }
  maker.addEventListener("change", narrow);
  narrow();
})();
