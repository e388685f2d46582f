// The fleet plan page, improved: the upload shows its progress (bytes sent, then planning),
// the summary appears on this page, and the plan downloads post the same chosen file again.
// Without this script the form works as it is (the page reloads with the answer).
(function () {
  "use strict";
  var form = document.getElementById("fleet-form");
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) {
    return;
  }
  var fileInput = document.getElementById("fleet-file");
  var result = document.getElementById("fleet-result");
  var box = document.getElementById("fleet-progress");
  var bar = document.getElementById("fleet-progress-bar");
  var label = document.getElementById("fleet-progress-label");
  var status = document.getElementById("fleet-status");
  var submit = form.querySelector("button[type=submit]");
  var token = form.querySelector("input[name=csrf_token]").value;
  var busy = false;

  function progress(text, percent) {
    box.hidden = false;
    label.textContent = text;
    if (percent === null) {
      bar.removeAttribute("value"); // indeterminate: the server is planning
      bar.textContent = text;
    } else {
      bar.value = percent;
      bar.textContent = percent + " %";
    }
  }

  function chosenName() {
    return fileInput.files && fileInput.files.length ? fileInput.files[0].name : "the file";
  }

  function setBusy(on) {
    busy = on;
    submit.disabled = on;
    result.setAttribute("aria-busy", on ? "true" : "false");
    result.querySelectorAll("[data-download]").forEach(function (b) { b.disabled = on; });
  }

  // the result's parts that only serve pages without this script go; the download buttons show
  function enhance(container) {
    container.querySelectorAll(".no-script").forEach(function (e) { e.remove(); });
    container.querySelectorAll("[data-download]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        send(button.getAttribute("data-download"));
      });
    });
  }

  // the answer's #fleet-result (or, from another page such as an error page, its main part)
  function show(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var found = doc.getElementById("fleet-result") || doc.querySelector("main");
    var nodes = found ? Array.prototype.slice.call(found.childNodes) : [];
    result.replaceChildren.apply(result, nodes.map(function (n) { return document.importNode(n, true); }));
    enhance(result);
    var heading = result.querySelector("h2, h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function fileName(disposition) {
    var utf8 = /filename\*=utf-8''([^;]+)/i.exec(disposition);
    if (utf8) {
      try { return decodeURIComponent(utf8[1]); } catch (e) { /* the plain name below */ }
    }
    var plain = /filename="([^"]*)"/i.exec(disposition);
    return plain ? plain[1] : "fleet-plan.csv";
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    status.textContent = "Downloaded " + name + ".";
  }

  function failed(message) {
    var alert = document.createElement("div");
    alert.className = "error";
    alert.setAttribute("role", "alert");
    var heading = document.createElement("h2");
    heading.textContent = "The upload did not finish";
    var text = document.createElement("p");
    text.textContent = message;
    alert.append(heading, text);
    result.replaceChildren(alert);
  }

  // post the form (its chosen file) asking for `download`: summary, plain or explained
  function send(download) {
    if (busy) {
      return;
    }
    if (!fileInput.files || !fileInput.files.length) {
      fileInput.reportValidity();
      fileInput.focus();
      return;
    }
    var data = new FormData(form);
    data.set("download", download);
    var name = chosenName();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", token);
    xhr.responseType = "blob";
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.floor((100 * event.loaded) / event.total);
        progress("Uploading " + name + ": " + percent + " %", percent);
      }
    });
    xhr.upload.addEventListener("load", function () {
      progress("Planning " + name + "…", null);
    });
    xhr.addEventListener("load", function () {
      setBusy(false);
      box.hidden = true;
      var disposition = xhr.getResponseHeader("Content-Disposition") || "";
      if (xhr.status === 200 && /^attachment/i.test(disposition)) {
        save(xhr.response, fileName(disposition));
        return;
      }
      xhr.response.text().then(show);
    });
    xhr.addEventListener("error", function () {
      setBusy(false);
      box.hidden = true;
      failed("The connection to the server was lost while sending " + name + ". Try again.");
    });
    setBusy(true);
    status.textContent = "";
    progress("Uploading " + name + ": 0 %", 0);
    xhr.send(data);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = form.querySelector("input[name=download]:checked");
    send(chosen ? chosen.value : "summary");
  });
  // a summary is of the file and target it was made for: another choice clears it
  fileInput.addEventListener("change", function () { result.replaceChildren(); });
  document.getElementById("fleet-target").addEventListener("change", function () {
    result.replaceChildren();
  });
  enhance(result);
})();
