// The ledger import status page: poll the import's JSON every second and show its
// progress, then its outcome and problems. Texts come translated in data-* attributes.
(function () {
  "use strict";
  var root = document.getElementById("ledger-import");
  if (!root) {
    return;
  }
  var labels = JSON.parse(root.getAttribute("data-labels"));

  function part(role) {
    return root.querySelector('[data-role="' + role + '"]');
  }

  function fill(format, values) {
    return root.getAttribute(format).replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  function showProgress(data) {
    var bar = part("progress");
    if (data.total_rows) {
      bar.max = data.total_rows;
      bar.value = Math.min(data.processed_rows, data.total_rows);
      part("count").textContent = fill("data-count-format",
        {processed: data.processed_rows, total: data.total_rows});
    } else if (data.finished) {
      bar.max = 1;
      bar.value = 1;
    } else {
      bar.removeAttribute("value");  // indeterminate until the total is known
    }
  }

  function showOutcome(data) {
    part("phase").textContent = "";
    var summary = part("summary");
    if (data.status === "done") {
      summary.textContent = data.dry_run
        ? fill("data-checked-format", {processed: data.processed_rows})
        : fill("data-done-format", {imported: data.imported});
    } else if (data.message) {
      summary.textContent = data.message;
    }
    var list = part("problems");
    list.textContent = "";
    data.problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = fill("data-problem-format", problem);
      list.appendChild(item);
    });
    var more = data.problem_count - data.problems.length;
    part("more").textContent = more > 0 ? fill("data-more-format", {count: more}) : "";
  }

  function show(data) {
    part("status").textContent = labels[data.status] || data.status;
    showProgress(data);
    if (data.finished) {
      showOutcome(data);
    } else {
      part("phase").textContent = data.phase ? labels[data.phase] || "" : "";
    }
  }

  function poll() {
    fetch(root.getAttribute("data-url"), {credentials: "same-origin",
                                          headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (!data.finished) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  poll();
})();
