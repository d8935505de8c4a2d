"""Turn a font file and a set of characters into a WOFF2 font of just those characters.

HarfBuzz's subsetter (the library WeasyPrint embeds fonts with; `make` installs it) cuts the
glyphs in milliseconds where fontTools needs seconds for a 20 MB CJK collection; fontTools then
only packs the small result as WOFF2, which is kept in the build cache for the next build.
"""

from __future__ import annotations

import io
import logging
from contextlib import suppress
from functools import cache, partial
from pathlib import Path
from typing import Any

from .cache import PIPELINE_DIR, digest, toolchain
from .errors import BrochureError
from .files import write_atomic

# HarfBuzz writes no creation date into a subset's head table; fontTools warns on reading it.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)

# fontTools always compresses at Brotli's best (11): 1.7 s for a page's CJK face. Quality 9
# takes 0.3 s for 7 percent more bytes, which keeps a cold build of ten editions flat.
BROTLI_QUALITY = 9

DECLARATIONS = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_font_t hb_font_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create_from_file_or_fail (const char *file_name);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
void hb_blob_destroy (hb_blob_t *blob);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
void hb_face_destroy (hb_face_t *face);
hb_font_t *hb_font_create (hb_face_t *face);
int hb_font_get_nominal_glyph (hb_font_t *font, uint32_t unicode, uint32_t *glyph);
void hb_set_add (hb_set_t *set, uint32_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
hb_set_t *hb_subset_input_unicode_set (hb_subset_input_t *input);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""


@cache
def libraries() -> tuple[Any, Any, Any]:
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(DECLARATIONS)
    return ffi, ffi.dlopen("harfbuzz"), ffi.dlopen("harfbuzz-subset")


@cache
def face(path: Path, index: int) -> Any:
    """One HarfBuzz face per font file and index, kept for the process (the file is mapped)."""
    ffi, harfbuzz, _ = libraries()
    blob = harfbuzz.hb_blob_create_from_file_or_fail(str(path).encode())
    if blob == ffi.NULL:
        raise BrochureError(path, 1, "cannot read this font file")
    return harfbuzz.hb_face_create(blob, index)


def covered(path: Path, index: int, characters: set[str]) -> set[str]:
    """Those of `characters` that the font at `path` (face `index`) has a glyph for."""
    ffi, harfbuzz, _ = libraries()
    font, glyph = font_of(path, index), ffi.new("uint32_t *")
    return {c for c in characters if harfbuzz.hb_font_get_nominal_glyph(font, ord(c), glyph)}


@cache
def font_of(path: Path, index: int) -> Any:
    return libraries()[1].hb_font_create(face(path, index))


def subset_woff2(path: Path, index: int, characters: str, store: Path) -> bytes:
    """The font at `path` (face `index` of a collection) cut to `characters`, as WOFF2; kept in
    the folder `store`, where the next page or build finds it (a damaged file there is made
    again). Every page sets the mottos of all ten languages: their faces are cut once."""
    stat = path.stat()
    what = f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{index}|{characters}|{made_with()}"
    kept = store / f"{digest(what.encode())}.woff2"
    with suppress(OSError):
        data = kept.read_bytes()
        if data.startswith(b"wOF2"):
            return data
    data = pack_woff2(cut(path, index, characters))
    write_atomic(kept, data)
    return data


@cache
def made_with() -> str:
    """What a kept subset depends on besides its font and characters: this code (the Brotli
    quality included) and the toolchain (fontTools, HarfBuzz); read once per process."""
    return "|".join((digest((PIPELINE_DIR / "subset.py").read_bytes()), *toolchain()))


def cut(path: Path, index: int, characters: str) -> bytes:
    """The font's glyphs for `characters` (and what they need), as an OpenType font."""
    ffi, harfbuzz, harfbuzz_subset = libraries()
    # ffi.gc: HarfBuzz's objects are destroyed with their Python handles.
    subset_input = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy
    )
    unicodes = harfbuzz_subset.hb_subset_input_unicode_set(subset_input)
    for character in set(characters):
        harfbuzz.hb_set_add(unicodes, ord(character))
    result = ffi.gc(
        harfbuzz_subset.hb_subset_or_fail(face(path, index), subset_input), harfbuzz.hb_face_destroy
    )
    if result == ffi.NULL:
        raise BrochureError(path, 1, "HarfBuzz could not subset this font")
    blob = ffi.gc(harfbuzz.hb_face_reference_blob(result), harfbuzz.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    return bytes(ffi.buffer(harfbuzz.hb_blob_get_data(blob, length), length[0]))


def pack_woff2(font_data: bytes) -> bytes:
    """The font packed as WOFF2, at BROTLI_QUALITY (fontTools' writer has no setting for it)."""
    from unittest import mock  # 30 ms to import: only when a font is packed

    from fontTools.ttLib import TTFont, woff2

    # The head table keeps the original's dates: fontTools would stamp the time of the build.
    font = TTFont(io.BytesIO(font_data), recalcTimestamp=False)
    font.flavor = "woff2"
    stream = io.BytesIO()
    compress = partial(woff2.brotli.compress, quality=BROTLI_QUALITY)
    with mock.patch.object(woff2.brotli, "compress", compress):
        font.save(stream, reorderTables=False)
    return stream.getvalue()
