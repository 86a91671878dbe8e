"""The HTML helpers the suite's page assertions go through (tests/dom.py)."""

import pytest

from tests.dom import has_cells, parse

PAGE = """<!doctype html><html><head><title>A &amp; B</title></head><body>
<main id="content"><h1 class="title big">Hello,
   world</h1>
<form><input name="csrf_token" type="hidden" value="abc"><input name=step value=2 disabled></form>
<ul class="choices"><li>one<li class="right">two <b>bold</b></ul>
<table><tr><th>Who</th><td class="num">3</td></tr><tr><th>Me</th><td>4</td></tr></table>
<p>unclosed <br> paragraph</p></main><footer><a href="/x">x</a></footer></body></html>"""


def test_elements_are_found_by_tag_id_class_and_attribute():
    page = parse(PAGE)
    assert page.one("title").text == "A & B"
    assert page.one("h1.title.big").text == "Hello, world"
    assert page.one("input[name=csrf_token]")["value"] == "abc"
    assert page.one('input[name="step"]').get("disabled") == ""
    assert page.one("[href^='/']").text == "x"
    assert page.one("td.num").text == "3"
    assert page.all("#content input[type=hidden]") == [page.one("input[value=abc]")]


def test_descendant_child_and_alternative_combinators():
    page = parse(PAGE)
    assert page.texts("ul.choices > li") == ["one", "two bold"]
    assert page.texts("main > li") == []
    assert page.texts("main li b") == ["bold"]
    assert page.one("ul").texts("> li") == ["one", "two bold"] and page.one("main").all("> li") == []
    assert page.texts("h1, footer a") == ["Hello, world", "x"]
    assert page.one("main").first("a") is None and page.first("a").text == "x"
    assert page.one("h1").next_element.tag == "form" and page.one("footer").next_element is None


def test_table_rows_read_cell_by_cell():
    rows = parse(PAGE).rows("table tr")
    assert rows == [["Who", "3"], ["Me", "4"]]
    assert has_cells(rows, "Me", "4") and has_cells(rows, "3") and not has_cells(rows, "3", "Me")


def test_the_innermost_element_holding_a_phrase():
    page = parse("<section id=a><p>x</p><section id=b><p>needle</p></section></section>")
    assert page.innermost("section", "needle")["id"] == "b" and page.innermost("section, p", "x").tag == "p"
    assert parse(PAGE).text.startswith("A & B Hello, world one two bold Who 3 Me 4")


def test_one_says_how_many_elements_matched():
    with pytest.raises(AssertionError, match="2 elements match 'li'"):
        parse(PAGE).one("li")
    with pytest.raises(AssertionError, match="unsupported selector"):
        parse(PAGE).all("li::before")


def test_an_element_gives_its_markup_as_the_page_has_it():
    page = parse(PAGE)
    assert page.one("form").html.startswith('<form><input name="csrf_token"') and page.one("form").html.endswith(
        "disabled></form>"
    )
    assert page.one("h1").html == '<h1 class="title big">Hello,\n   world</h1>'
    assert page.first("li").html == "<li>one"
    assert page.one("br").html == "<br>"
