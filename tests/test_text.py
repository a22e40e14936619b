"""User text in messages: markdown and HTML shown verbatim, long values cut."""

import string

from playground.ui.text import escape, shorten

HOSTILE = ("x [Click](http://evil.example) ![t](http://host/track.png) <img src=x> $x$ :red[a] "
           "www.evil.example me@evil.example")


def test_every_markdown_and_html_character_is_backslash_escaped():
    out = escape(HOSTILE)
    unescaped = [c for i, c in enumerate(out)
                 if c in string.punctuation and c != "\\" and out[i - 1] != "\\"]
    assert unescaped == []
    assert "\\]\\(" in out and "\\<img" in out
    shown = out.replace("\\", "")  # the text once markdown has resolved the escapes
    assert not any(link in shown for link in ("http://", "www.", "me@"))  # GFM autolinks them
    assert out.replace("\\", "").replace("\u2060", "") == HOSTILE.replace("\\", "")


def test_long_text_is_cut_to_the_limit_on_one_line():
    assert shorten("a\nb\tc") == "a b c"
    cut = shorten("x" * 100_000, limit=50)
    assert len(cut) == 50 and cut.endswith("…")
    assert escape("." * 1000, limit=10) == "\u2060\\." * 9 + "…"
