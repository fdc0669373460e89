"""The type stubs (amur/_amur.pyi) say what the module has: every public name and method
of the extension is in them, and everything in them exists."""

import ast
from pathlib import Path

import amur
import amur._amur as ext

STUB = Path(__file__).resolve().parents[1] / "amur" / "_amur.pyi"


def stub_names():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names[node.name] = {
                n.name for n in node.body if isinstance(n, ast.FunctionDef) and n.name != "__init__"
            }
        elif isinstance(node, ast.FunctionDef):
            names[node.name] = set()
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = set()
    return names


def test_stubs_match_the_module():
    stubs = stub_names()
    public = {n for n in dir(ext) if not n.startswith("_")} | {"__version__"}
    assert public == {n for n in stubs if not n.startswith("_")} | {"__version__"}
    assert set(amur.__all__) == public
    for name, members in stubs.items():
        obj = getattr(ext, name)
        for member in members:
            assert hasattr(obj, member), f"{name}.{member} is in the stubs but not the module"
        if isinstance(obj, type) and not issubclass(obj, BaseException):
            own = {m for m in vars(obj) if not m.startswith("_")}
            assert own <= members, f"{name}: {own - members} missing from the stubs"
