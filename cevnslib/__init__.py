"""cevnslib: coherent elastic neutrino-nucleus scattering (CEvNS) toolkit.

Importing the package loads nothing else: each module loads SciPy and matplotlib only inside the
functions that compute with them, so ``cevns --help`` (or ``python -m cevnslib --help``) starts at once.
"""

#: The package version, in one place: ``pyproject.toml`` reads it from here for the distribution's
#: metadata (``[tool.setuptools.dynamic]``), and ``CITATION.cff`` repeats it (a test checks both).
__version__ = "0.1.0"
