"""The public API has one convention for the physics point, and says what it raises.

Walks every public function, class and method of the library with ``inspect`` and checks:
- NSI couplings are passed only as ``nsi`` (an NSI object): no loose ``eps_u``, ``eps_ee_d``, ...;
- a neutron radius is passed only as ``rn_fm`` (or a name ending in ``_rn_fm``);
- where ``nsi`` and ``rn_fm`` both appear, ``nsi`` comes first, and both default to None;
- thresholds and bin edges say their unit (keVee, keVnr or PE) in their name;
- every public function that raises an exception says so in its docstring.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import textwrap
from pathlib import Path

import pytest

import cevnslib

MODULES = [
    importlib.import_module(f"cevnslib.{m.name}")
    for m in pkgutil.iter_modules(cevnslib.__path__)
    if not m.name.startswith("_")
]
LOOSE_COUPLING = re.compile(r"^eps(ilon)?(_(ee|mm|tt|em|et|mt|e|mu|tau))?_[ud](v)?$")
#: A neutron radius named without its unit, or in another spelling than rn_fm.
NEUTRON_RADIUS = re.compile(r"^(r_n|radius_n|neutron_radius)(_fm)?$|(^|_)rn(_[a-z]+)*$(?<!_fm)|rn_true")
UNIT_FREE_THRESHOLD = re.compile(r"^(threshold|bin_edges)(_kev)?$")


def _public_callables():
    for module in MODULES:
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
            elif inspect.isclass(obj):
                yield f"{module.__name__}.{name}", obj
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and inspect.isfunction(member):
                        yield f"{module.__name__}.{name}.{attr}", member


CALLABLES = dict(_public_callables())


def _parameters(obj):
    try:
        return inspect.signature(obj).parameters
    except (TypeError, ValueError):
        return {}


def test_the_walk_reaches_the_whole_library():
    assert len(CALLABLES) > 150
    assert "cevnslib.experiments.Experiment.predict" in CALLABLES
    assert "cevnslib.csi_likelihood.CsI2017Likelihood.deviance" in CALLABLES


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_one_convention_for_the_physics_point(name):
    params = _parameters(CALLABLES[name])
    loose = [p for p in params if LOOSE_COUPLING.match(p)]
    assert not loose, f"{name} takes NSI couplings as {loose}: pass nsi=NSI(...) instead"
    radii = [p for p in params if NEUTRON_RADIUS.search(p) and p != "depends_on_rn"]
    assert not radii, f"{name} names a neutron radius {radii}: call it rn_fm (or *_rn_fm)"
    names = list(params)
    if "nsi" in params and "rn_fm" in params:
        assert names.index("nsi") < names.index("rn_fm"), f"{name}: nsi must come before rn_fm"
    for p in ("nsi", "rn_fm"):
        if p in params and params[p].default is not inspect.Parameter.empty:
            assert params[p].default is None, f"{name}: {p} must default to None (the SM, R_n = R_p)"


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_thresholds_and_bin_edges_say_their_unit(name):
    params = _parameters(CALLABLES[name])
    unitless = [p for p in params if UNIT_FREE_THRESHOLD.match(p)]
    # The Detector takes edges in the unit named by its own `observable` argument.
    if name.startswith("cevnslib.detectors.Detector"):
        unitless = [p for p in unitless if p != "bin_edges"]
    assert not unitless, f"{name} takes {unitless} without a unit: say keVee, keVnr or PE"


def _raises_directly(func) -> bool:
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return False
    tree = ast.parse(source)
    body = tree.body[0]
    for node in ast.walk(body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not body:
            continue
        if isinstance(node, ast.Raise):
            return True
    return False


def _raising_functions():
    for name, obj in CALLABLES.items():
        target = obj.__init__ if inspect.isclass(obj) and "__init__" in vars(obj) else obj
        if inspect.isclass(obj) and "__post_init__" in vars(obj):
            target = obj.__post_init__
        if inspect.isfunction(target) and _raises_directly(target):
            yield name, obj


@pytest.mark.parametrize("name, obj", sorted(_raising_functions()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_function_that_raises_says_so(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert re.search(r"\bRaises?\b|\braise[sd]?\b|\b[A-Z]\w*Error\b", doc), (
        f"{name} raises but its docstring does not say which error"
    )


def test_every_module_is_on_the_api_page():
    """book/api.md documents every module of cevnslib (a new module must be added there)."""
    api_page = (Path(__file__).resolve().parent.parent / "book" / "api.md").read_text()
    documented = set(re.findall(r"automodule:: (cevnslib[\w.]*)", api_page))
    package_dir = Path(cevnslib.__file__).parent
    modules = set()
    for path in package_dir.rglob("*.py"):
        parts = path.relative_to(package_dir).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts and parts != ("__main__",):
            modules.add(".".join(("cevnslib", *parts)))
    assert modules - documented == set()
    assert documented - modules == set()
