"""Smoke test of `make bench`: the benchmarks run end to end at a tiny size.

A correctness test, not a performance one: it checks the shape of the result rows and that
the stress run against the real application server has no failed request; the figures
themselves are never asserted (targets live in the benchmarks).
"""

import shutil

import pytest

from bench import BENCHMARKS, Context, Options, run_benchmark
from bench.registry import check_rows
from bench.report import section, write_document
from bench.stress import form_fields
from tests.deploy.nginx import NGINX

STRESS_KINDS = {
    "GET /",
    "GET /healthz",
    "admin login",
    "admin change form GET",
    "admin change form POST",
    "all",
}


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    options = Options(
        sizes=[50],
        duration=3,
        writers=2,
        readers=4,
        stress_size=20,
        timeout=30,
        collect_static=False,  # collectstatic takes ~15 s; the real run does it
        verbose=False,
    )
    context = Context(options, tmp_path_factory.mktemp("bench"))
    yield context
    context.close()


@pytest.mark.slow
def test_loading_benchmark_runs_at_a_tiny_size(ctx):
    rows = run_benchmark("loading", ctx)

    check_rows(rows)
    assert [(row["database"], row["size"]) for row in rows] == [("sqlite", 50)]
    row = rows[0]
    assert row["load (s)"] > 0
    assert row["initiatives/s"] > 0
    assert row["database (MB)"] > 0
    assert row["cost per initiative vs smallest size"] == pytest.approx(1)
    assert 0 <= row["published"] <= 50
    assert row["page of 50 (ms)"] >= 0
    assert ctx.notes["loading"], "the reference data timings are noted"


@pytest.mark.slow
def test_stress_benchmark_has_no_failed_request(ctx):
    rows = run_benchmark("stress", ctx)

    check_rows(rows)
    failures = [row for row in rows if row["failed"]]
    assert failures == [], ctx.notes["stress"]
    assert {row["requests"] for row in rows} == STRESS_KINDS
    assert {(row["database"], row["transactions"], row["size"]) for row in rows} == {
        ("sqlite", "IMMEDIATE", 20)
    }
    saves = next(row for row in rows if row["requests"] == "admin change form POST")
    assert saves["count"] > 0, "the writers saved through the admin"
    assert all(row["count"] > 0 for row in rows)
    assert ctx.targets["stress"] and all(ok for _text, ok in ctx.targets["stress"])


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("wrk") and NGINX), reason="wrk and nginx needed (apt-get install wrk nginx)"
)
def test_pages_benchmark_measures_every_path_and_its_yardsticks(ctx):
    rows = run_benchmark("pages", ctx)

    check_rows(rows)
    requests = {row["request"] for row in rows}
    assert {
        "/",
        "/carte/recherche?q= (22 queries)",
        "/territoires/manques.csv",
        "/healthz (yardstick)",
        "nginx, the home page's bytes (yardstick)",
        "/ through nginx's page cache",
        "/ 304 on Granian",
    } <= requests
    assert all(row["req/s, 16 clients"] > 0 for row in rows)
    assert all(row["load avg"] >= 0 for row in rows)
    assert len(ctx.targets["pages"]) == 16  # 14 paths, the 304 ratio, the cached ratio


def test_form_fields_are_what_a_browser_submits():
    html = """
    <form id="other"><input name="nope" value="x"></form>
    <form id="f" method="post">
      <input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <input name="title" value="A &amp; B">
      <input type="checkbox" name="on" checked><input type="checkbox" name="off" value="1">
      <input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
      <input name="gone" value="1" disabled><input type="submit" name="_save" value="Save">
      <select name="single"><option value="">--</option><option value="2">Two</option></select>
      <select name="chosen"><option value="1">One</option><option value="2" selected>Two</option></select>
      <select name="many" multiple><option value="1" selected>1</option><option value="2">2</option>
        <option value="3" selected>3</option></select>
      <textarea name="text">
first line
second</textarea>
    </form>"""

    assert form_fields(html, "f") == [
        ("csrfmiddlewaretoken", "tok"),
        ("title", "A & B"),
        ("on", "on"),
        ("r", "b"),
        ("single", ""),
        ("chosen", "2"),
        ("many", "1"),
        ("many", "3"),
        ("text", "first line\nsecond"),
    ]
    assert form_fields(html, "absent") is None


def test_report_replaces_only_the_sections_that_ran(tmp_path):
    document = tmp_path / "benchmarks.md"
    rows = [{"database": "sqlite", "size": 10, "load (s)": 1.5, "note": "a|b"}]
    kwargs = {"when": "today", "machine": "here", "sizes": [10], "notes": [], "targets": []}
    write_document(
        {
            "loading": section(BENCHMARKS["loading"], rows, **kwargs),
            "stress": section(BENCHMARKS["stress"], rows, **kwargs),
        },
        order=["loading", "stress"],
        path=document,
    )
    kwargs["when"] = "tomorrow"
    write_document(
        {"stress": section(BENCHMARKS["stress"], rows, **kwargs)},
        order=["loading", "stress"],
        path=document,
    )

    text = document.read_text()
    assert text.startswith("# Benchmarks")
    assert text.count("<!-- bench:loading -->") == text.count("<!-- bench:stress -->") == 1
    assert text.index("## loading") < text.index("## stress")
    loading, stress = text.split("<!-- bench:stress -->")
    assert "Last run today" in loading
    assert "Last run tomorrow" in stress
    assert "| sqlite | 10 | 1.50 | a\\|b |" in stress


def test_mapwrites_probe_reads_the_map_data_as_the_application_writes_it():
    from bench.mapwrites import map_points
    from pepites.initiatives import mapdata

    rows = [
        (7, 45.5, 4.8, None, "69123", "69", None, ""),
        (3, -21.1, 55.5, None, "97411", "974", None, ""),
        (70_000, None, None, None, "69123", "69", None, ""),
        (2**31, 48.85, 2.35, None, "75056", "75", None, ""),
    ]
    built = mapdata.encode(
        version="v",
        rows=rows,
        theme_links=[],
        themes=[],
        centres=[],
        departement_regions={},
        commune_parents={},
        departement_centres={},
    )
    decoded = mapdata.decode(built.raw)["columns"]

    assert map_points(built.raw) == dict(zip(decoded["id"], decoded["lat"], strict=True))
    assert map_points(built.raw)[3] == -2_110_000
