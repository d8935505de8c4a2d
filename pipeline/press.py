"""Turn WeasyPrint's PDF/X-4 into the file a print shop takes: bleed box, CMYK output intent, no links.

WeasyPrint 70 writes PDF/X-4 identification (XMP `pdfxid:GTS_PDFXVersion`, `/Trapped`), a
TrimBox on every page (the CSS page box) and a BleedBox up to 10 pt outside it. What it leaves to
us: its BleedBox is not the design's 3 mm; its OutputIntent is the profile it was given, and a
CMYK one (`@color-profile device-cmyk`) would also become the colour space of its SVG gradients,
which carry three components; and its link annotations print inside the trim, which PDF/X forbids.
So WeasyPrint renders in sRGB (ICC-based) and this pass makes the press's profile the output
intent, keeps the page colours device-independent (DefaultRGB is sRGB), and drops the links.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path
from typing import Any

import pikepdf

from .errors import BrochureError

MM = 72 / 25.4
BLEED = 3 * MM
# Room for WeasyPrint's crop marks outside the bleed (press.css: `bleed: 10mm`).
MARKS = 10 * MM
PDFX_VERSION = "PDF/X-4"


def finish(data: bytes, profile: Path) -> bytes:
    """The print edition's bytes from WeasyPrint's: exact bleed, CMYK output intent, no links."""
    icc, name = read_profile(profile)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.obj.BleedBox = pikepdf.Array(outset(list(page.obj.TrimBox), BLEED))
            if "/Annots" in page.obj:
                del page.obj["/Annots"]
            default_rgb(page.obj)
        output_intent(pdf, icc, name)
        stable_document_id(pdf)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
    return output.getvalue()


def stable_document_id(pdf: pikepdf.Pdf) -> None:
    """WeasyPrint's PDF/X metadata names the document with a random UUID: name it from the file's
    identifier instead (a hash of the locale and the build's timestamp), so that builds repeat."""
    identifier = bytes(pdf.trailer.ID[0])
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as metadata:
        metadata["xmpMM:DocumentID"] = f"xmp.did:{uuid.UUID(bytes=hashlib.md5(identifier).digest())}"


def outset(box: list[Any], by: float) -> list[float]:
    left, bottom, right, top = (float(value) for value in box)
    return [round(left - by, 4), round(bottom - by, 4), round(right + by, 4), round(top + by, 4)]


def default_rgb(page: Any) -> None:
    """DeviceRGB on the page means sRGB (WeasyPrint's own profile): device-independent, as PDF/X-4
    wants colour that is not the output intent's. Forms and patterns share the page's colour spaces."""
    spaces = page.Resources.ColorSpace
    spaces.DefaultRGB = next(space for space in spaces.values() if is_rgb_icc(space))


def is_rgb_icc(space: Any) -> bool:
    return (
        isinstance(space, pikepdf.Array)
        and len(space) == 2
        and space[0] == pikepdf.Name.ICCBased
        and int(space[1].get("/N", 0)) == 3
    )


def output_intent(pdf: pikepdf.Pdf, icc: bytes, name: str) -> None:
    """The printing condition the colours are meant for: the press's CMYK profile, embedded."""
    stream = pdf.make_stream(icc)
    stream.N = 4
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(name),
        Info=pikepdf.String(name),
        DestOutputProfile=stream,
    )
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])


def read_profile(path: Path) -> tuple[bytes, str]:
    """The press's ICC profile, and its name: its own description, else its file name."""
    from PIL import ImageCms

    if not path.is_file():
        raise BrochureError(
            path,
            1,
            "no ICC profile for the print edition's output intent (set print-profile in "
            "[tool.brochure], or let `make` install libgs-common)",
        )
    icc = path.read_bytes()
    try:
        description = ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile.profile_description
    except OSError:
        raise BrochureError(path, 1, "not an ICC profile (print-profile in [tool.brochure])") from None
    return icc, description or path.stem


def unfulfilled(data: bytes) -> list[str]:
    """What the print edition lacks for the press: PDF/X-4, an output intent, its boxes."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        problems = []
        version = pdf.open_metadata().get("pdfxid:GTS_PDFXVersion")
        if version != PDFX_VERSION:
            problems.append(f"the print PDF does not identify as {PDFX_VERSION} ({version})")
        intents: Any = pdf.Root.get("/OutputIntents") or []
        if not any("/DestOutputProfile" in intent for intent in intents):
            problems.append("the print PDF has no output intent with an ICC profile")
        problems += [
            f"page {n}: {problem}" for n, page in enumerate(pdf.pages, 1) for problem in boxes(page.obj)
        ]
    # The page count (in fours) is the layout budget's to enforce: the pseudo-locale may overflow it.
    return problems


def boxes(page: Any) -> list[str]:
    """A page's boxes as the press needs them: trim inside bleed by 3 mm, marks outside the bleed."""
    if "/TrimBox" not in page or "/BleedBox" not in page:
        return ["no TrimBox or BleedBox"]
    trim, bleed, media = (list(map(float, page[key])) for key in ("/TrimBox", "/BleedBox", "/MediaBox"))
    if any(abs(a - b) > 0.01 for a, b in zip(outset(trim, BLEED), bleed, strict=True)):
        return [f"BleedBox {bleed} is not the TrimBox {trim} and 3 mm"]
    if any(abs(a - b) > 0.01 for a, b in zip(outset(trim, MARKS), media, strict=True)):
        return [f"MediaBox {media} is not the TrimBox {trim} and 10 mm, the room of the crop marks"]
    return []
