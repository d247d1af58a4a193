// Explorers of precomputed frames (the Explore chapter): every control picks one value of a
// parameter, and the picture shown is the frame computed for the chosen combination
// (tools/make_explorer_frames.py). No kernel is needed, so the explorers work on a static site.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".explorer[data-template]").forEach(function (box) {
    var img = box.querySelector("img");
    var controls = box.querySelectorAll("[data-param]");
    function update() {
      var src = box.dataset.template;
      controls.forEach(function (control) {
        src = src.replace("{" + control.dataset.param + "}", control.value);
        var readout = control.parentElement.querySelector("output");
        if (readout && control.dataset.labels) {
          readout.textContent = control.dataset.labels.split("|")[Number(control.value)];
        }
      });
      img.src = src;
    }
    controls.forEach(function (control) { control.addEventListener("input", update); });
    update();
  });
});
