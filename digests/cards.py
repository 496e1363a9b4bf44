"""Image cards (PNG) for Facebook and Instagram, and for a shared link's preview: the week's calls, or one call.

Arabic is drawn by Pillow's raqm layout (HarfBuzz shapes the letters into their joined forms, FriBiDi
orders the line right to left). Without raqm Pillow would print Arabic as isolated letters in the wrong
order, so a card with Arabic on it is refused with a CardError that says what to install instead.

No font ships with Fursa: the card takes the font FURSA_CARD_FONT names, else DejaVu Sans from the
system's font folders (Debian's fonts-dejavu-core; it has Latin and Arabic letters, which one font must
have, as a title in either script may sit on a card in the other language).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

from fursa.digests.errors import CardError
from fursa.digests.posts import PostLine, PostView, first_strong_direction

WEEK_CARD_SIZE = (1080, 1080)     # square: Facebook and Instagram show it whole
CALL_CARD_SIZE = (1200, 630)      # the size chat apps and Facebook expect of a link preview (og:image)
WEEK_CARD_CALLS = 3               # what fits between the heading and the footer with two-line titles
FONT_FOLDERS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
DEFAULT_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
INSTALL_FONT = ("install Debian's fonts-dejavu-core, or set FURSA_CARD_FONT to a .ttf file that has both Latin "
                "and Arabic letters")
INSTALL_RAQM = ("Arabic on a card needs Pillow's raqm text layout, which shapes the letters and sets them right to "
                "left; Pillow's wheels carry raqm but load FriBiDi from the system: install Debian's libfribidi0 "
                "(check with: python -c \"from PIL import features; print(features.check('raqm'))\")")

GREEN, GREEN_LIGHT, INK, MUTED, WHITE, LINE = "#0a5c36", "#e6f2ec", "#1f2328", "#57606a", "#ffffff", "#d0d7de"
MARGIN = 64
# A letter the configured font must have (Arabic ʿayn), and a code point no font has, whose box is the font's
# "missing letter" glyph: a font that draws both alike has no Arabic.
_ARABIC_PROBE, _MISSING_PROBE = "ع", "\U0010fffd"


@dataclass(frozen=True)
class CardFonts:
    """The regular and bold font files a card is drawn with."""

    regular: Path
    bold: Path


def find_fonts(configured: Path | None = None) -> CardFonts:
    """The fonts to draw with: `configured` (and its bold sibling if there is one), else DejaVu Sans."""
    if configured is not None:
        configured = Path(configured)
        if not configured.is_file():
            raise CardError(f"the card font {configured} (FURSA_CARD_FONT) is not a file; {INSTALL_FONT}")
        fonts = CardFonts(configured, _bold_sibling(configured))
    else:
        fonts = _system_fonts()
    _check_arabic(fonts.regular)
    return fonts


@lru_cache(maxsize=1)
def _system_fonts() -> CardFonts:
    regular_name, bold_name = DEFAULT_FONTS
    for folder in FONT_FOLDERS:
        for regular in sorted(folder.rglob(regular_name)) if folder.is_dir() else ():
            bold = regular.with_name(bold_name)
            return CardFonts(regular, bold if bold.is_file() else regular)
    raise CardError(f"no font for cards was found ({regular_name} in {', '.join(map(str, FONT_FOLDERS))}); "
                    f"{INSTALL_FONT}")


def _bold_sibling(regular: Path) -> Path:
    """NotoSansArabic-Regular.ttf → NotoSansArabic-Bold.ttf, DejaVuSans.ttf → DejaVuSans-Bold.ttf, if present."""
    stem = regular.stem.removesuffix("-Regular")
    bold = regular.with_name(f"{stem}-Bold{regular.suffix}")
    return bold if bold.is_file() else regular


@lru_cache(maxsize=8)
def _check_arabic(path: Path) -> None:
    try:
        font = ImageFont.truetype(str(path), 40, layout_engine=ImageFont.Layout.BASIC)
    except OSError as error:
        raise CardError(f"the card font {path} cannot be read ({error}); {INSTALL_FONT}") from None
    if font.getmask(_ARABIC_PROBE).getbbox() is None or \
            bytes(font.getmask(_ARABIC_PROBE)) == bytes(font.getmask(_MISSING_PROBE)):
        raise CardError(f"the card font {path} has no Arabic letters; {INSTALL_FONT}")


def can_shape() -> bool:
    """True when Pillow can shape Arabic and order it right to left (raqm with FriBiDi)."""
    return bool(features.check("raqm"))


def needs_shaping(text: str) -> bool:
    """True when `text` has letters of a right-to-left script (Arabic, Hebrew …)."""
    return first_strong_direction("".join(ch for ch in text if not ch.isascii()), default="") == "rtl" or \
        any("\u0590" <= ch <= "\u08ff" or "\ufb1d" <= ch <= "\ufefc" for ch in text)


class Painter:
    """Draws wrapped lines of text on one image, aligned to the card's start side, shaped when raqm is there."""

    def __init__(self, image: Image.Image, fonts: CardFonts, rtl: bool):
        self.image, self.fonts, self.rtl = image, fonts, rtl
        self.draw = ImageDraw.Draw(image)
        self.shaping = can_shape()

    def font(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        return _font(self.fonts.bold if bold else self.fonts.regular, size, self.shaping)

    def lines(self, text: str, *, y: int, size: int, bold: bool = False, fill: str = INK, max_lines: int = 2,
              left: int = MARGIN, right: int | None = None, spacing: float = 1.3) -> int:
        """`text` wrapped to the box between `left` and `right` in at most `max_lines` lines (the last cut with
        "…"), from `y` down; returns the y below the last line."""
        right = self.image.width - MARGIN if right is None else right
        font = self.font(size, bold)
        for line in self.wrap(text, font, right - left, max_lines):
            self.line(line, font, y=y, left=left, right=right, fill=fill)
            y += round(size * spacing)
        return y

    def line(self, text: str, font: ImageFont.FreeTypeFont, *, y: int, left: int, right: int, fill: str) -> None:
        """One line at `y`, its start at the card's start side (the right on an Arabic card)."""
        x, anchor = (right, "ra") if self.rtl else (left, "la")
        self.draw.text((x, y), text, font=font, fill=fill, anchor=anchor, **self._layout(text))

    def wrap(self, text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
        """Greedy word wrap by measured width; a word wider than the line is cut; past `max_lines` the last
        line ends in "…"."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            if self.width(word, font) > width:
                word = self._cut(word, font, width)
            candidate = f"{current} {word}" if current else word
            if self.width(candidate, font) <= width:
                current = candidate
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self._ellipsis(lines[-1], font, width)
        return lines

    def width(self, text: str, font: ImageFont.FreeTypeFont) -> float:
        return font.getlength(text, **self._layout(text))

    def _cut(self, word: str, font: ImageFont.FreeTypeFont, width: int) -> str:
        while len(word) > 1 and self.width(word + "…", font) > width:
            word = word[:-1]
        return word + "…"

    def _ellipsis(self, line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
        line = line.rstrip("…")
        while line and self.width(line + "…", font) > width:
            line = line.rsplit(" ", 1)[0] if " " in line else line[:-1]
        return line.rstrip(" ,.;:-") + "…"

    def _layout(self, text: str) -> dict:
        """raqm's direction for the line (its first strong letter, as dir="auto"); nothing when raqm is absent."""
        if not self.shaping:
            if needs_shaping(text):
                raise CardError(INSTALL_RAQM)
            return {}
        default = "rtl" if self.rtl else "ltr"
        direction = first_strong_direction(text, default)
        return {"direction": direction, "language": "ar" if direction == "rtl" else None}


@lru_cache(maxsize=32)
def _font(path: Path, size: int, shaping: bool) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if shaping else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=layout)


def line_image(text: str, size: int = 48, *, fonts: CardFonts | None = None, rtl: bool = True) -> Image.Image:
    """One line of text drawn as the cards draw it, black on white, cropped to its ink (for checks and tests)."""
    fonts = fonts or find_fonts()
    probe = Painter(Image.new("L", (10, 10)), fonts, rtl)
    font = probe.font(size)
    width = int(probe.width(text, font)) + 2 * size
    image = Image.new("L", (width, size * 2), 255)
    Painter(image, fonts, rtl).line(text, font, y=size // 2, left=size, right=width - size, fill="black")
    box = Image.eval(image, lambda value: 255 - value).getbbox()
    return image.crop(box) if box else image


def week_card(view: PostView, *, fonts: CardFonts | None = None) -> bytes:
    """The week's post as a square PNG: the heading, the week, the view's calls (view_post(post, WEEK_CARD_CALLS)
    fits) with their deadlines, how many more, and the site."""
    image = Image.new("RGB", WEEK_CARD_SIZE, WHITE)
    paint = Painter(image, fonts or find_fonts(), view.rtl)
    width, height = WEEK_CARD_SIZE
    paint.draw.rectangle((0, 0, width, 300), fill=GREEN)
    other_name = "Fursa" if view.rtl else "فرصة"
    y = paint.lines(f"{view.brand} · {other_name}", y=44, size=34, bold=True, fill=GREEN_LIGHT, max_lines=1)
    y = paint.lines(view.heading, y=y + 10, size=52, bold=True, fill=WHITE, max_lines=2, spacing=1.2)
    paint.lines(view.week, y=y + 8, size=34, fill=GREEN_LIGHT, max_lines=1)
    y = 340
    if view.empty:
        paint.lines(view.empty, y=y, size=40, fill=INK, max_lines=3)
    for line in view.lines[:WEEK_CARD_CALLS]:
        y = _call_entry(paint, line, y)
    footer_top = height - 130
    paint.draw.rectangle((0, footer_top, width, height), fill=GREEN_LIGHT)
    if view.more:
        paint.lines(view.more, y=footer_top + 18, size=30, fill=INK, max_lines=1)
    paint.lines(view.site, y=footer_top + 70, size=32, bold=True, fill=GREEN, max_lines=1)
    return _png(image)


def _call_entry(paint: Painter, line: PostLine, y: int) -> int:
    """A call on the week's card, at most 181 px tall: two lines of title, one of kind and deadline."""
    y = paint.lines(line.title, y=y, size=38, bold=True, fill=INK, max_lines=2)
    deadline = line.deadline + (f" · {line.countdown}" if line.countdown else "")
    y = paint.lines(f"{line.kind} · {deadline}", y=y + 4, size=30, fill=MUTED, max_lines=1)
    paint.draw.line((MARGIN, y + 14, paint.image.width - MARGIN, y + 14), fill=LINE, width=2)
    return y + 40


def call_card(*, brand: str, kind: str, title: str, deadline: str, site: str, rtl: bool,
              fonts: CardFonts | None = None) -> bytes:
    """One call as a link preview (og:image): its kind, title and deadline, and the site."""
    image = Image.new("RGB", CALL_CARD_SIZE, WHITE)
    paint = Painter(image, fonts or find_fonts(), rtl)
    width, height = CALL_CARD_SIZE
    paint.draw.rectangle((0, 0, width, 110), fill=GREEN)
    paint.lines(f"{brand} · {kind}", y=34, size=38, bold=True, fill=WHITE, max_lines=1)
    y = paint.lines(title, y=150, size=54, bold=True, fill=INK, max_lines=3, spacing=1.25)
    paint.lines(deadline, y=y + 20, size=38, fill=GREEN, max_lines=2)
    paint.draw.rectangle((0, height - 80, width, height), fill=GREEN_LIGHT)
    paint.lines(site, y=height - 60, size=30, bold=True, fill=GREEN, max_lines=1)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG")   # optimize=True saves 5 % of the bytes for three times the time
    return buffer.getvalue()
