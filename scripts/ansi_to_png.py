#!/usr/bin/env python3
"""Render a tmux capture (`tmux capture-pane -e -p`) with its colours to a PNG.

Usage: ansi_to_png.py CAPTURE.txt OUT.png [COLUMNS ROWS [dark|light]]
Needs Pillow and the DejaVu Sans Mono font (Debian: fonts-dejavu-core).
Handles the 16 ANSI colours and the xterm 256-colour palette (38;5;N). `light` draws on a light
terminal background. Exits 1 (and writes nothing) when the image is mostly one colour: a blank
screenshot is a failed screenshot.
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
PALETTE = {  # a dark terminal theme
    0: (40, 42, 54), 1: (255, 85, 85), 2: (80, 250, 123), 3: (241, 250, 140),
    4: (98, 114, 164), 5: (255, 121, 198), 6: (139, 233, 253), 7: (220, 220, 220),
}
BRIGHT = {k: tuple(min(255, c + 35) for c in v) for k, v in PALETTE.items()}
BG = (24, 25, 33)
FG = (220, 220, 220)
LIGHT_PALETTE = {  # a light terminal theme
    0: (0, 0, 0), 1: (194, 54, 33), 2: (37, 146, 37), 3: (173, 140, 0),
    4: (36, 80, 200), 5: (160, 50, 160), 6: (17, 140, 160), 7: (200, 200, 200),
}


def use_light():
    """Switches to a light background (dark ink)."""
    global PALETTE, BRIGHT, BG, FG
    PALETTE = dict(LIGHT_PALETTE)
    BRIGHT = {k: tuple(max(0, c - 30) for c in v) for k, v in PALETTE.items()}
    BG = (250, 250, 245)
    FG = (30, 30, 30)


def xterm256(n):
    """The RGB of an xterm 256-colour index."""
    if n < 8:
        return PALETTE[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return (levels[n // 36], levels[n // 6 % 6], levels[n % 6])
    g = 8 + 10 * (n - 232)
    return (g, g, g)
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def parse(line):
    """Yields (char, fg, bg, bold) for one captured line."""
    fg, bg, bold, dim, reverse = None, None, False, False, False
    pos = 0
    for m in SGR.finditer(line + "\x1b[0m"):
        for ch in line[pos:m.start()]:
            f = fg if fg is not None else FG
            b = bg if bg is not None else BG
            if dim and fg is None:
                f = (140, 140, 150)
            if reverse:
                f, b = b, f
            yield ch, f, b, bold
        pos = m.end()
        codes = [int(c) if c else 0 for c in m.group(1).split(";")] or [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                fg, bg, bold, dim, reverse = None, None, False, False, False
            elif c == 1:
                bold = True
            elif c == 2:
                dim = True
            elif c == 7:
                reverse = True
            elif c == 22:
                bold = dim = False
            elif c == 27:
                reverse = False
            elif 30 <= c <= 37:
                fg = PALETTE[c - 30]
            elif 90 <= c <= 97:
                fg = BRIGHT[c - 90]
            elif c == 39:
                fg = None
            elif 40 <= c <= 47:
                bg = PALETTE[c - 40]
            elif c == 49:
                bg = None
            elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                n = codes[i + 2]
                color = xterm256(n)
                if c == 38:
                    fg = color
                else:
                    bg = color
                i += 2
            i += 1


def main():
    src, out = sys.argv[1], sys.argv[2]
    lines = open(src, encoding="utf-8").read().split("\n")
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else len(lines)
    if len(sys.argv) > 5 and sys.argv[5] == "light":
        use_light()
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", 15)
    boldfont = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", 15)
    cw = int(regular.getlength("M"))
    ch = 19
    img = Image.new("RGB", (cols * cw + 16, rows * ch + 16), BG)
    draw = ImageDraw.Draw(img)
    for y, line in enumerate(lines[:rows]):
        for x, (c, f, b, bold) in enumerate(parse(line)):
            if x >= cols:
                break
            px, py = 8 + x * cw, 8 + y * ch
            if b != BG:
                draw.rectangle([px, py, px + cw - 1, py + ch - 1], fill=b)
            if c.strip():
                if c in "█▁▂▃▄▅▆▇":  # block elements: draw exactly, fonts leave gaps
                    eighths = 8 if c == "█" else "▁▂▃▄▅▆▇".index(c) + 1
                    top = py + ch - ch * eighths // 8
                    draw.rectangle([px, top, px + cw - 1, py + ch - 1], fill=f)
                elif c in "│─┌┐└┘":
                    mx, my = px + cw // 2, py + ch // 2
                    if c in "│┌┐└┘":
                        y0 = my if c in "┌┐" else py
                        y1 = my if c in "└┘" else py + ch - 1
                        draw.line([mx, y0, mx, y1], fill=f)
                    if c in "─┌┐└┘":
                        x0 = mx if c in "┌└" else px
                        x1 = mx if c in "┐┘" else px + cw - 1
                        draw.line([x0, my, x1, my], fill=f)
                else:
                    draw.text((px, py), c, font=boldfont if bold else regular, fill=f)
    colors = img.getcolors(maxcolors=1 << 20) or []
    dominant = max((count for count, _ in colors), default=0) / (img.width * img.height)
    if dominant > 0.97:
        sys.exit(f"{out}: {dominant:.0%} of the image is one colour: the screen was blank (nothing written)")
    img.save(out)


if __name__ == "__main__":
    main()
