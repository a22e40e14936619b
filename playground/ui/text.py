"""User text (link parameters, file names, file contents quoted in errors) made safe to show in
Streamlit's markdown messages (st.warning, st.error, st.toast, st.info, st.markdown).

Streamlit renders message text as GitHub-flavoured markdown: a link parameter could otherwise
show a clickable link, load a remote image (which tracks whoever opens the link), start a LaTeX
block, an emoji or icon code, or a coloured-text directive. Every ASCII punctuation character is
backslash-escaped (a CommonMark escape shows the character itself), and bare web and mail
addresses are broken up by an invisible word joiner (checked in Chromium: no link, image, HTML,
LaTeX or icon is rendered); long values are cut, so a 100 KB parameter is not echoed in full.
No streamlit import: pure string functions, tested without a server.
"""

from __future__ import annotations

import string

MAX_ECHO = 200  # characters of user text a message shows

# GFM autolinks bare `http://…`, `www.…` and `a@b.c` even when every character is escaped, so a
# word joiner (U+2060, invisible) goes before each ":", "." and "@", which breaks the patterns.
_BREAK_LINKS = ":.@"
_ESCAPES = str.maketrans({c: ("\u2060" if c in _BREAK_LINKS else "") + "\\" + c
                          for c in string.punctuation})


def shorten(text: object, limit: int = MAX_ECHO) -> str:
    """`text` on one line, cut to at most `limit` characters (an ellipsis marks the cut)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def escape(text: object, limit: int = MAX_ECHO) -> str:
    """`text` shortened to `limit` characters and escaped, so markdown shows it verbatim."""
    return shorten(text, limit).translate(_ESCAPES)
