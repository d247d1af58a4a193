"""The computations behind the book's chapters, one module per chapter notebook.

Each module serves one chapter (``ch05`` serves ``book/05_detectors.ipynb``): ``numbers()`` returns
every number the chapter's prose quotes, keyed by its glue name, and the chapter glues them with
:func:`cevnslib.notebook.glue_all`; other functions return the data of its tables and draw its
figures. The notebooks read like a paper (prose, short cells that call these functions), and the
tests in ``tests/test_chapter_*.py`` check the same computations against independent routes.
"""
