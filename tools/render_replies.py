#!/usr/bin/env python3
"""Draws recorded Discord REST bodies as Discord's desktop client draws them, with headless
Chromium, and reports each reply's height and visible characters.

For: checking that the bot's replies stay short on screen (the height budget of issue 14:
a default reply fits in 350 px on a 1280 px wide desktop client and in 900 visible
characters), and drawing the README picture. Not for: pixel-exact copies of Discord. The
layout follows the desktop client's dark theme (message column of a 1280 px window with the
server and channel lists open, embeds at most 520 px wide, Discord's font sizes, line heights
and spacing); Discord's own font (gg sans) is not free, so Noto Sans (close metrics) draws
the text and Noto Color Emoji the badges.

Input: JSON files, each one of
  - a message body as the bot sends it (`content`, `embeds`, `components`),
  - a list of such bodies,
  - {"replies": [{"original": {"author": str, "content": str}, "body": {...}}, ...]}
    (the message replied to is drawn above the reply, as in a channel).

Usage:
  tools/render_replies.py FILE... [--png OUT.png] [--html OUT.html] [--chromium PATH]

Prints one line per reply:  `reply N: height=H px, visible_chars=C, lines=L`
and, with --png, writes a screenshot of all replies (dark channel background).

Measures: `height` is the reply message's box (the "replying to" line, the bot's name line,
content, embeds and buttons, with the message's own padding); `visible_chars` counts the
characters a reader sees in the content and embeds (markdown markers, escapes and link
targets removed; each run of white space, line breaks included, counts as one).
Needs: python3 and Chromium (`chromium`, `chromium-browser` or `google-chrome`) with the
Noto Sans and Noto Color Emoji fonts (Debian: apt-get install chromium fonts-noto-core
fonts-noto-color-emoji). Exits with status 2 and a message when Chromium is missing.
"""

import argparse
import datetime
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

WINDOW_WIDTH = 1280
# Server list (72) and channel list (240) beside the message column of a 1280 px window.
CHAT_LEFT = 72 + 240

CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #313338; }
body { font-family: 'Noto Sans', 'Helvetica Neue', Arial, sans-serif; color: #dbdee1;
       -webkit-font-smoothing: antialiased; width: %(chat)dpx; }
.chat { margin-left: %(left)dpx; width: %(chat)dpx; padding: 16px 0 24px 0; background: #313338;
        min-height: 100px; }
.msg { position: relative; padding: 2px 48px 2px 72px; margin-top: 17px; font-size: 16px;
       line-height: 22px; }
.avatar { position: absolute; left: 16px; top: 2px; width: 40px; height: 40px;
          border-radius: 50%%; background: #5865f2; }
.msg.reply .avatar { top: 28px; }
.avatar.user { background: #3ba55d; }
.ref { position: relative; height: 22px; margin-bottom: 4px; font-size: 14px; line-height: 18px;
       color: #b5bac1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.ref::before { content: ''; position: absolute; left: -36px; top: 8px; width: 33px; height: 13px;
       border-left: 2px solid #4e5058; border-top: 2px solid #4e5058; border-top-left-radius: 6px; }
.ref .who { color: #f2f3f5; font-weight: 500; margin: 0 4px 0 0; }
.ref .mini { display: inline-block; width: 16px; height: 16px; border-radius: 50%%;
             background: #3ba55d; vertical-align: -3px; margin-right: 4px; }
.head { height: 22px; }
.name { font-weight: 500; color: #f2f3f5; font-size: 16px; }
.app { font-size: 10px; font-weight: 600; background: #5865f2; color: #fff; border-radius: 3px;
       padding: 0 4px; margin-left: 4px; vertical-align: 2px; line-height: 15px; }
.time { font-size: 12px; color: #949ba4; margin-left: 6px; }
.content { white-space: pre-wrap; overflow-wrap: anywhere; color: #dbdee1; }
.embed { max-width: 520px; margin-top: 2px; border-left: 4px solid #1e1f22;
         background: #2b2d31; border-radius: 4px; padding: 8px 16px 16px 12px; }
.embed + .embed { margin-top: 4px; }
.e-author { margin-top: 8px; font-size: 14px; font-weight: 600; line-height: 22px; color: #f2f3f5; }
.e-title { margin-top: 8px; font-size: 16px; font-weight: 600; line-height: 22px; }
.e-title a { color: #00a8fc; text-decoration: none; }
.e-desc { margin-top: 8px; font-size: 14px; line-height: 18px; white-space: pre-wrap;
          overflow-wrap: anywhere; }
.e-fields { margin-top: 8px; }
.e-field + .e-field { margin-top: 8px; }
.e-fname { font-size: 14px; font-weight: 600; line-height: 18px; margin-bottom: 2px; color: #f2f3f5; }
.e-fvalue { font-size: 14px; line-height: 18px; white-space: pre-wrap; overflow-wrap: anywhere; }
.e-footer { margin-top: 8px; font-size: 12px; line-height: 16px; font-weight: 500; color: #dbdee1; }
.sub { display: block; font-size: 12px; line-height: 16px; color: #949ba4; }
.quote { display: block; border-left: 4px solid #4e5058; padding-left: 12px; }
a { color: #00a8fc; text-decoration: none; }
.ts { background: rgba(78, 80, 88, 0.48); border-radius: 3px; padding: 0 2px; }
strong { font-weight: 700; color: inherit; }
.buttons { display: flex; gap: 8px; padding: 4px 0; margin-top: 4px; }
.btn { height: 32px; min-width: 60px; padding: 2px 16px; border-radius: 8px; background: #4e5058;
       color: #fff; font-size: 14px; font-weight: 500; line-height: 28px; text-align: center; }
"""

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def timestamp(unix, style):
    """A Discord timestamp as an en-US reader in UTC sees it."""
    try:
        t = datetime.datetime.fromtimestamp(int(unix), tz=datetime.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return "<t:%s:%s>" % (unix, style)
    d = "%s %d, %d" % (MONTHS[t.month - 1], t.day, t.year)
    hm = t.strftime("%I:%M %p").lstrip("0")
    if style == "d":
        return "%d/%d/%d" % (t.month, t.day, t.year)
    if style == "D":
        return d
    if style == "t":
        return hm
    if style == "F":
        return t.strftime("%A, ") + d + " " + hm
    return d + " " + hm


def inline(text):
    """Discord's inline markdown (the subset the bot writes) to HTML."""
    out = []
    i = 0
    n = len(text)
    bold = False
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and not text[i + 1].isalnum() and text[i + 1] != " ":
            out.append(html.escape(text[i + 1]))
            i += 2
            continue
        if text.startswith("**", i):
            out.append("</strong>" if bold else "<strong>")
            bold = not bold
            i += 2
            continue
        m = re.match(r"<t:(-?\d+)(?::([tTdDfFR]))?>", text[i:])
        if m:
            out.append('<span class="ts">%s</span>' % html.escape(timestamp(m.group(1), m.group(2) or "f")))
            i += m.end()
            continue
        m = re.match(r"<(https?://[^>\s]+)>", text[i:])
        if m:
            out.append('<a>%s</a>' % html.escape(m.group(1)))
            i += m.end()
            continue
        m = re.match(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)", text[i:])
        if m:
            out.append('<a>%s</a>' % inline(m.group(1)))
            i += m.end()
            continue
        m = re.match(r"https?://[^\s<]+", text[i:])
        if m:
            out.append('<a>%s</a>' % html.escape(m.group(0)))
            i += m.end()
            continue
        out.append(html.escape(c))
        i += 1
    if bold:
        out.append("</strong>")
    return "".join(out)


def markdown(text):
    """Block markdown: `-# ` subtext lines and `> ` quotes; other lines inline."""
    parts = []
    for line in text.split("\n"):
        if line.startswith("-# "):
            parts.append('<span class="sub">%s</span>' % inline(line[3:]))
        elif line.startswith("> "):
            parts.append('<span class="quote">%s</span>' % inline(line[2:]))
        else:
            parts.append(inline(line) + "\n")
    # Block spans end their own line; plain lines carry their newline (pre-wrap).
    joined = "".join(parts)
    return joined[:-1] if joined.endswith("\n") else joined


def embed_html(e):
    colour = e.get("color")
    style = ' style="border-left-color: #%06x"' % colour if isinstance(colour, int) else ""
    parts = ['<div class="embed"%s>' % style]
    author = (e.get("author") or {}).get("name")
    if author:
        parts.append('<div class="e-author v">%s</div>' % html.escape(author))
    if e.get("title"):
        title = inline(e["title"])
        if e.get("url"):
            title = "<a>%s</a>" % title
        parts.append('<div class="e-title v">%s</div>' % title)
    if e.get("description"):
        parts.append('<div class="e-desc v">%s</div>' % markdown(e["description"]))
    fields = e.get("fields") or []
    if fields:
        parts.append('<div class="e-fields">')
        for f in fields:
            parts.append('<div class="e-field"><div class="e-fname v">%s</div><div class="e-fvalue v">%s</div></div>'
                         % (inline(f.get("name", "")), markdown(f.get("value", ""))))
        parts.append("</div>")
    footer = (e.get("footer") or {}).get("text")
    if footer:
        parts.append('<div class="e-footer v">%s</div>' % html.escape(footer))
    parts.append("</div>")
    return "".join(parts)


def message_html(index, item):
    body = item["body"]
    original = item.get("original")
    cls = "msg reply" if original else "msg"
    parts = ['<div class="%s" id="reply-%d" data-reply="%d">' % (cls, index, index)]
    parts.append('<div class="avatar"></div>')
    if original:
        parts.append('<div class="ref"><span class="mini"></span><span class="who">%s</span>%s</div>'
                     % (html.escape(original.get("author", "someone")), inline(original.get("content", ""))))
    parts.append('<div class="head"><span class="name">newsbrief</span><span class="app">APP</span>'
                 '<span class="time">Today at 9:41 AM</span></div>')
    if body.get("content"):
        parts.append('<div class="content v">%s</div>' % markdown(body["content"]))
    for e in body.get("embeds") or []:
        parts.append(embed_html(e))
    buttons = [c for row in body.get("components") or [] for c in row.get("components") or []]
    if buttons:
        parts.append('<div class="buttons">%s</div>'
                     % "".join('<div class="btn">%s</div>' % html.escape(b.get("label", "")) for b in buttons))
    parts.append("</div>")
    return "".join(parts)


def original_html(item):
    o = item.get("original")
    if not o:
        return ""
    return ('<div class="msg"><div class="avatar user"></div><div class="head"><span class="name">%s</span>'
            '<span class="time">Today at 9:41 AM</span></div><div class="content">%s</div></div>'
            % (html.escape(o.get("author", "someone")), inline(o.get("content", ""))))


MEASURE_JS = """
<script>
(function () {
  var out = [];
  document.querySelectorAll('[data-reply]').forEach(function (m) {
    var r = m.getBoundingClientRect();
    var text = '';
    m.querySelectorAll('.v').forEach(function (v) { text += ' ' + v.innerText; });
    var visible = text.replace(/\\u200b/g, '').replace(/\\s+/g, ' ').trim();
    var lines = 0;
    m.querySelectorAll('.v').forEach(function (v) {
      var lh = parseFloat(getComputedStyle(v).lineHeight) || 18;
      lines += Math.round(v.getBoundingClientRect().height / lh);
    });
    out.push({reply: Number(m.dataset.reply), height: Math.round(r.height),
              visible_chars: Array.from(visible).length, lines: lines});
  });
  var pre = document.createElement('pre');
  pre.id = 'measures';
  pre.style.display = 'none';
  pre.textContent = JSON.stringify({replies: out,
                                    page_height: Math.ceil(document.querySelector('.chat').getBoundingClientRect().bottom)});
  document.body.appendChild(pre);
})();
</script>
"""


def page(items):
    chat = WINDOW_WIDTH - CHAT_LEFT
    css = CSS % {"left": 0, "chat": chat}
    body = []
    for i, item in enumerate(items, 1):
        body.append(original_html(item))
        body.append(message_html(i, item))
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><style>%s</style></head>'
            '<body><div class="chat">%s</div>%s</body></html>' % (css, "".join(body), MEASURE_JS))


def load(paths):
    items = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            data = json.load(f)
        if isinstance(data, dict) and "replies" in data:
            items.extend(data["replies"])
        elif isinstance(data, list):
            items.extend({"body": b} for b in data)
        else:
            items.append({"body": data})
    return items


def find_chromium(given):
    for c in [given, os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"]:
        if c and shutil.which(c):
            return shutil.which(c)
    return None


def chromium_run(chromium, args, profile):
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--force-device-scale-factor=1", "--user-data-dir=" + profile, "--no-first-run",
           "--disable-dev-shm-usage"] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--png", help="write a screenshot here")
    ap.add_argument("--html", help="write the page here")
    ap.add_argument("--chromium", help="path of the Chromium binary")
    a = ap.parse_args()
    chromium = find_chromium(a.chromium)
    if not chromium:
        print("error: Chromium not found (install it: apt-get install chromium fonts-noto-core "
              "fonts-noto-color-emoji, or set CHROMIUM)", file=sys.stderr)
        return 2
    items = load(a.files)
    doc = page(items)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "replies.html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(doc)
        if a.html:
            with open(a.html, "w", encoding="utf-8") as f:
                f.write(doc)
        r = chromium_run(chromium, ["--window-size=%d,2000" % WINDOW_WIDTH, "--dump-dom", "file://" + path],
                         os.path.join(tmp, "profile"))
        m = re.search(r'<pre id="measures"[^>]*>(.*?)</pre>', r.stdout, re.S)
        if not m:
            print("error: Chromium gave no measures (exit %d): %s" % (r.returncode, r.stderr[-2000:]),
                  file=sys.stderr)
            return 1
        measures = json.loads(html.unescape(m.group(1)))
        for rep in measures["replies"]:
            print("reply %d: height=%d px, visible_chars=%d, lines=%d"
                  % (rep["reply"], rep["height"], rep["visible_chars"], rep["lines"]))
        if a.png:
            height = max(200, measures["page_height"])
            out = os.path.abspath(a.png)
            r = chromium_run(chromium, ["--window-size=%d,%d" % (WINDOW_WIDTH - CHAT_LEFT, height),
                                        "--screenshot=" + out, "file://" + path],
                             os.path.join(tmp, "profile2"))
            if not os.path.exists(out):
                print("error: no screenshot (exit %d): %s" % (r.returncode, r.stderr[-2000:]), file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
