// On-screen signatures: one canvas; the chosen signer draws, the PNG goes into the form.
(function () {
  var canvas = document.getElementById("signature-canvas");
  if (!canvas || !window.SignaturePad) { return; }
  var pad = new window.SignaturePad(canvas, { minWidth: 1, maxWidth: 3, penColor: "#111" });
  var form = document.getElementById("signature-form");
  var image = form.querySelector("input[name=image]");

  function resize() {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(data);
  }
  window.addEventListener("resize", resize);
  resize();

  document.getElementById("signature-clear").addEventListener("click", function () { pad.clear(); });
  form.addEventListener("submit", function (event) {
    if (pad.isEmpty()) {
      event.preventDefault();
      window.alert(form.getAttribute("data-empty-message"));
      return;
    }
    image.value = pad.toDataURL("image/png");
  });
})();
