"""The generated benchmark page: sections replaced one by one, the others kept."""
from strokes.bench import available
from strokes.bench.all import HEADER, _section, write_page


def test_rerunning_one_benchmark_replaces_only_its_section(tmp_path):
    page = tmp_path / "benchmarks.md"
    write_page(page, {"paint": _section("paint", "## paint\nold paint"), "export": _section("export", "## export\nx")})
    write_page(page, {"paint": _section("paint", "## paint\nnew paint")})
    text = page.read_text()
    assert text.startswith(HEADER)
    assert "new paint" in text and "old paint" not in text and "## export\nx" in text
    assert text.index("## paint") < text.index("## export")          # kept in place


def test_every_benchmark_module_is_listed():
    names = available()
    assert {"all", "paint", "renderer", "export"} <= set(names) and "common" not in names


def test_a_cached_benchmark_result_is_keyed_by_the_code_that_made_it(tmp_path):
    from strokes.bench.common import code_version

    for name in ("strokes/painter.py", "styles/oil.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    before = code_version(tmp_path)
    assert code_version(tmp_path) == before
    (tmp_path / "styles/oil.py").write_text("x = 2\n")
    assert code_version(tmp_path) != before
