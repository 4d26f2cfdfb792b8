// Ask before destructive actions: forms marked data-confirm="question".
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// On a phone a wide table scrolls sideways inside itself (app.css): while it does, it takes
// keyboard focus so that it can be scrolled without a mouse.
function focusableWhileScrolling() {
  document.querySelectorAll("table.list").forEach(function (table) {
    if (table.scrollWidth > table.clientWidth) {
      table.setAttribute("tabindex", "0");
    } else if (table.getAttribute("tabindex") === "0") {
      table.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", focusableWhileScrolling);
window.addEventListener("resize", focusableWhileScrolling);

// 打印: buttons marked data-print open the browser's print dialog (app.css lays the page out).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});
