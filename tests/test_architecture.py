"""The one-way layers of issue 12, checked with import-linter against the contracts declared in
pyproject.toml ([tool.importlinter]): every import points down, `web` and `api` do not import
each other, and no two modules of a package import each other (directly or through others)."""

import copy
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]


def test_the_code_keeps_its_contracts():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def graph():
    configuration.configure()  # what the lint-imports command does first
    return grimp.build_graph(*CONFIG["root_packages"], cache_dir=None)


def _contract(contract_id, cls):
    (options,) = [c for c in CONFIG["contracts"] if c["id"] == contract_id]
    options = {k: v for k, v in options.items() if k not in {"id", "name", "type"}}
    return cls(
        name=contract_id,
        session_options={"root_packages": CONFIG["root_packages"]},
        contract_options=options,
    )


def _check(contract, graph, *added):
    graph = copy.deepcopy(graph)
    for importer, imported in added:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    return contract.check(graph, verbose=False).kept


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("pepites.core.db", "pepites.network.models"),  # a base that knows a domain
        ("pepites.territories.cog", "pepites.initiatives.models"),  # geography reading pépites
        ("pepites.api.auth", "pepites.web.urls"),  # one face borrowing from the other
        ("pepites.web.urls", "pepites.api.auth"),
        ("pepites.initiatives.selectors", "config.settings"),  # the project's settings
    ],
)
def test_an_import_pointing_up_or_across_breaks_the_layers(graph, importer, imported):
    contract = _contract("layers", LayersContract)
    assert _check(contract, graph)
    assert not _check(contract, graph, (importer, imported))


def test_a_loop_between_the_modules_of_a_package_is_refused(graph):
    contract = _contract("acyclic", AcyclicSiblingsContract)
    assert _check(contract, graph)
    loop = [
        ("pepites.territories.cog", "pepites.territories.qpv_files"),
        ("pepites.territories.qpv_files", "pepites.territories.cog"),
    ]
    assert not _check(contract, graph, *loop)
    # Inside a sub-package too, and through a third module.
    deeper = [
        ("pepites.initiatives.imports.values", "pepites.initiatives.imports.report"),
        ("pepites.initiatives.imports.report", "pepites.initiatives.imports.mapping"),
        ("pepites.initiatives.imports.mapping", "pepites.initiatives.imports.values"),
    ]
    assert not _check(contract, graph, *deeper)


# The two faces own the routes and the pages; the rest of the code reaches pages through
# pepites.core.links and keeps its e-mail and print templates with itself (issue 12, point 8).
FACES = {"web", "api"}
ROUTE_CALL = re.compile(
    r"(?<![.\w])(?<!def )reverse\(|\bfrom django\.urls import\b.*\breverse\b|\{% url "
)
WEB_TEMPLATE = re.compile(r"""["']web/[\w/.-]+\.(?:html|txt)["']""")


def _domain_files():
    for path in sorted((ROOT / "pepites").rglob("*")):
        parts = path.relative_to(ROOT / "pepites").parts
        if parts[0] in FACES or "migrations" in parts or "management" in parts:
            continue
        if path.suffix in {".py", ".html", ".txt"}:
            yield path


def _offences(pattern):
    found = []
    for path in _domain_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_domain_code_does_not_reverse_the_web_routes():
    assert _offences(ROUTE_CALL) == []


def test_domain_code_renders_no_template_of_the_web_layer():
    assert _offences(WEB_TEMPLATE) == []


def test_links_by_name_reach_the_web_routes(client):
    from pepites.core import links

    assert links.path("initiative", slug="jardin") == "/initiatives/jardin/"
    with pytest.raises(LookupError):
        links.path("no-such-page")
