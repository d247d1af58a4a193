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

// A solution's title ("Solution to Exercise 12.1 (...)") is a toggle (sphinx-togglebutton), but its
// words are a link to the exercise: a click on the link jumped away and sphinx-togglebutton, which
// expects the click on the title or its button, threw "button is not defined". A click anywhere on
// the title now opens or closes the solution, as a click beside the link does.
document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll(".dropdown > .admonition-title a")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      link.closest(".admonition-title").click();
    });
  }
});
