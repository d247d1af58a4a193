// The Jupyter widgets HTML manager finds its fonts relative to its own AMD module path
// ("@jupyter-widgets/html-manager/dist/..."), which RequireJS would resolve against the page.
// Point that path at the folder this script is served from (_static), where Sphinx copies the
// manager's files (see html_static_path in _config.yml), so the site works offline.
(function () {
  var staticDir = document.currentScript.src.replace(/\/[^/]*$/, "");
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": staticDir } });
})();
