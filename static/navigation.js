// The site hides pydata-sphinx-theme's header row (static/custom.css: it repeats the search field),
// but the theme binds its sidebar toggles to the first .primary-toggle / .secondary-toggle on the page,
// which are in that hidden row. The visible toggles of the article header pass their clicks on to them.
document.addEventListener("DOMContentLoaded", () => {
  for (const kind of ["primary-toggle", "secondary-toggle"]) {
    const bound = document.querySelector(`.bd-header .${kind}`);
    if (!bound) continue;
    for (const visible of document.querySelectorAll(`.${kind}`)) {
      if (visible.closest(".bd-header")) continue;
      visible.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
    }
  }
});
