"""Korean words in no-wrap spans: the text and the elements stay, every word is whole, links stay one."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from pipeline.wordwrap import keep_words_whole

CASES = {
    "words": ("설립한 국제 포럼이다.", "<w>설립한</w> <w>국제</w> <w>포럼이다.</w>"),
    "no-break space joins": ("2007년\u00a05월에 발표", "<w>2007년\u00a05월에</w> <w>발표</w>"),
    "element left mid-word": (  # closed and opened again: two emphases read as one
        "「<em>글로벌 전략</em>」은",
        "<w>「<em>글로벌</em></w><em> </em><w><em>전략</em>」은</w>",
    ),
    "link left mid-word": (
        '내용은 <a href="https://x.org">ISECG 웹사이트</a>에서 확인',
        '<w>내용은</w> <w><a href="https://x.org">ISECG 웹사이트</a>에서</w> <w>확인</w>',
    ),
    "link entered mid-word": ('「<a href="#n">A B</a>」', '<w>「<a href="#n">A B</a>」</w>'),
    "link ending with its word": (
        '<a href="#n">A B</a> C',
        '<a href="#n"><w>A</w> <w>B</w></a> <w>C</w>',
    ),
}


def expected(short: str) -> str:
    return short.replace("<w>", '<span class="word">').replace("</w>", "</span>")


@pytest.mark.parametrize("name", CASES)
def test_words_are_wrapped_as_expected(name: str) -> None:
    source, wrapped = CASES[name]
    assert str(keep_words_whole(Markup(source))) == expected(wrapped)


class Nesting(HTMLParser):
    """Checks that every end tag closes the element opened last, and counts the links."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.links = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)
        self.links += tag == "a"

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes another element"


@pytest.mark.parametrize("name", CASES)
def test_text_and_links_are_unchanged_and_spans_nest(name: str) -> None:
    source, _ = CASES[name]
    wrapped = str(keep_words_whole(Markup(source)))
    assert re.sub(r"<[^>]+>", "", wrapped) == re.sub(r"<[^>]+>", "", source)
    before, after = Nesting(), Nesting()
    before.feed(source)
    after.feed(wrapped)
    assert not after.open, "an element is left open"
    assert after.links == before.links, "a link was split in two"
