"""The image cards: PNGs of the right size with something drawn on them, Arabic shaped into joined letters
and set right to left (not isolated letters in typing order), a clear refusal where Pillow cannot shape,
and a clear refusal of a font without Arabic."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from fursa.digests import (
    CALL_CARD_SIZE, WEEK_CARD_CALLS, WEEK_CARD_SIZE, CardError, call_card, find_fonts, view_post, week_card, weekly_post,
)
from fursa.digests import cards
from fursa.digests.cards import MARGIN, line_image
from tests.digests.conftest import NOW, add_call

# Words and, by hand, the glyphs a reader must see: Unicode's presentation forms (initial, medial, final)
# in the order they stand on the page, left to right.
SHAPED = {
    "فرصة": "\ufe94\ufebb\ufeae\ufed3",       # teh marbuta final, sad initial, reh final, feh initial
    "منحة": "\ufe94\ufea4\ufee8\ufee3",       # teh marbuta final, hah medial, noon medial, meem initial
}
LONG_TITLE = "منحة ماجستير ممولة بالكامل في الهندسة الميكانيكية والميكاترونكس للطلبة الفلسطينيين في ألمانيا"


def _basic(text: str, size: int = 48) -> Image.Image:
    """`text` drawn glyph by glyph, left to right, with no shaping: what a card without raqm would show."""
    font = ImageFont.truetype(str(find_fonts().regular), size, layout_engine=ImageFont.Layout.BASIC)
    image = Image.new("L", (int(font.getlength(text)) + 2 * size, 2 * size), 255)
    ImageDraw.Draw(image).text((size, size // 2), text, font=font, fill=0, anchor="la")
    return image.crop(Image.eval(image, lambda value: 255 - value).getbbox())


def _differing(first: Image.Image, second: Image.Image) -> float:
    """The share of pixels that differ clearly, over the larger of the two images (0: the same drawing)."""
    width, height = max(first.width, second.width), max(first.height, second.height)
    canvases = []
    for image in (first, second):
        canvas = Image.new("L", (width, height), 255)
        canvas.paste(image, (0, 0))
        canvases.append(canvas)
    difference = ImageChops.difference(*canvases).point(lambda value: 255 if value > 64 else 0)
    return difference.histogram()[255] / (width * height)


def _png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(BytesIO(data)).convert("RGB")


def _ink_box(image: Image.Image, top: int, bottom: int) -> tuple[int, int, int, int]:
    """Where dark text lies between rows `top` and `bottom` (the white body of a card)."""
    band = image.crop((0, top, image.width, bottom)).convert("L")
    box = band.point(lambda value: 255 if value < 128 else 0).getbbox()
    assert box is not None, "nothing is written there"
    return box


@pytest.mark.parametrize("word", SHAPED)
def test_arabic_is_drawn_joined_and_right_to_left(word):
    drawn = line_image(word)
    assert _differing(drawn, _basic(SHAPED[word])) < 0.03, "the shaped glyphs, in reading order"
    # what comes out without shaping: isolated letters left to right, or joined letters in typing order
    assert _differing(drawn, _basic(word)) > 0.15
    assert _differing(drawn, _basic(SHAPED[word][::-1])) > 0.15


@pytest.fixture
def week_view(session):
    def make(language: str):
        post = weekly_post(session, "student", language, now=NOW, base_url="https://fursa.ppu.edu",
                           timezone="Asia/Hebron")
        return view_post(post, WEEK_CARD_CALLS)
    for number in range(4):
        add_call(session, f"{LONG_TITLE} {number}" if number % 2 else
                 f"Erasmus+ exchange number {number} for engineering and information technology students")
    return make


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_week_card_is_a_square_png_with_the_calls_on_it(week_view, language):
    view = week_view(language)
    assert len(view.lines) == WEEK_CARD_CALLS and view.more
    image = _png(week_card(view))
    assert image.size == WEEK_CARD_SIZE
    assert len(image.getcolors(maxcolors=1 << 16) or ()) > 50, "text is drawn (anti-aliased edges)"
    left, _, right, _ = _ink_box(image, 340, WEEK_CARD_SIZE[1] - 130)
    # the calls' lines start on the reading side: the right on an Arabic card, the left on an English one
    if language == "ar":
        assert right >= WEEK_CARD_SIZE[0] - MARGIN - 3 and left > MARGIN
    else:
        assert left <= MARGIN + 3


def test_the_call_card_is_a_link_preview_of_the_right_size():
    image = _png(call_card(brand="فرصة", kind="منحة دراسية", title=LONG_TITLE, deadline="آخر موعد: ٥ كانون الأول ٢٠٢٦",
                           site="fursa.ppu.edu", rtl=True))
    assert image.size == CALL_CARD_SIZE
    _, _, right, _ = _ink_box(image, 150, CALL_CARD_SIZE[1] - 80)
    assert right >= CALL_CARD_SIZE[0] - MARGIN - 3


def test_without_raqm_an_arabic_card_is_refused_with_what_to_install(week_view, monkeypatch):
    monkeypatch.setattr(cards, "can_shape", lambda: False)
    with pytest.raises(CardError, match="libfribidi0"):
        week_card(week_view("ar"))
    # a card with no right-to-left letters on it is drawn as it is
    english = call_card(brand="Fursa", kind="Exchange", title="Erasmus+ exchange", deadline="Deadline: 5 December 2026",
                        site="fursa.ppu.edu", rtl=False)
    assert _png(english).size == CALL_CARD_SIZE


def test_a_font_that_is_missing_or_has_no_arabic_is_refused_with_the_setting_to_change(tmp_path):
    with pytest.raises(CardError, match="FURSA_CARD_FONT"):
        find_fonts(tmp_path / "missing.ttf")
    serif = find_fonts().regular.with_name("DejaVuSerif.ttf")   # DejaVu's serif face has no Arabic letters
    if not serif.is_file():
        pytest.skip(f"needs {serif} (Debian's fonts-dejavu-core) as a font without Arabic")
    with pytest.raises(CardError, match="no Arabic letters"):
        find_fonts(serif)


def test_a_configured_font_is_used_with_its_bold_face(tmp_path):
    regular = find_fonts().regular
    chosen = find_fonts(Path(regular))
    assert chosen.regular == regular and chosen.bold.name == "DejaVuSans-Bold.ttf"
