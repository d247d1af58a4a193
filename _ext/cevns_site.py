"""Sphinx extension for the cevns-book website: fixes to the themes' output.

- Every script is included once per page: sphinx-thebe's configuration script is registered
  twice (once with filename None, once with ""), and the second ``const THEBE_JS_URL``
  declaration is a JavaScript error.
- The theme's colour mode has a value: with none, pydata-sphinx-theme logs "invalid theme mode".

Loaded from ``_config.yml`` (``sphinx.local_extensions``).
"""

from __future__ import annotations


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items()))
        # An inline script's filename is None or "" depending on who added it (sphinx-thebe, the
        # book theme): both mean "no file", so they are the same script when the bodies agree.
        key = (getattr(script, "filename", str(script)) or "", attributes)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique
    if not context.get("default_mode"):
        context["default_mode"] = "light"


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
