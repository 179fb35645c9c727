"""Product images: checked by their content (never their name) and shrunk to a thumbnail."""

import io
from pathlib import PurePath

from PIL import Image, ImageOps, UnidentifiedImageError

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Past this many pixels a small file may be a decompression bomb; no product photo needs more.
MAX_IMAGE_PIXELS = 40_000_000
# The stored name takes the extension of what the file really is, whatever it was called.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
ALLOWED_IMAGE_FORMATS = frozenset(EXTENSIONS)
THUMBNAIL_SIZE = (300, 300)


def validate_product_image(file) -> str:
    """Raise ValidationError unless `file` is a JPEG, PNG, WebP or GIF of at most 5 MB.

    Returns the detected format. The file is left rewound for whoever reads it next.
    """
    if file.size is not None and file.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; the largest allowed is 5 MB.")
            % {"size": f"{file.size / 1024 / 1024:.1f}"},
            code="image_too_large",
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
        if width * height <= MAX_IMAGE_PIXELS:
            _decode(file)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("The file is not an image, or it is damaged. Upload a JPEG, PNG, WebP or GIF."),
            code="invalid_image",
        ) from None
    finally:
        file.seek(0)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Upload a JPEG, PNG, WebP or GIF.")
            % {"format": image_format or _("This kind of")},
            code="invalid_image_type",
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("The image is %(width)s×%(height)s pixels; use one of at most 40 megapixels.")
            % {"width": width, "height": height},
            code="image_too_many_pixels",
        )
    return image_format


def _decode(file) -> None:
    """Decode the pixels: verify() reads only the structure, so a truncated JPEG passed it and
    failed later, in the thumbnail, as a 500. A JPEG decodes at thumbnail scale, cheaply."""
    file.seek(0)
    with Image.open(file) as image:
        image.draft("RGB", THUMBNAIL_SIZE)
        image.load()


def make_thumbnail(file, *, size: tuple[int, int] = THUMBNAIL_SIZE) -> ContentFile:
    """A copy of the image that fits in `size`: PNG when it has transparency, else JPEG."""
    file.seek(0)
    with Image.open(file) as source:
        source.seek(0)  # the first frame of an animated GIF or WebP
        image = ImageOps.exif_transpose(source)
        has_alpha = image.mode in ("RGBA", "LA") or (
            image.mode == "P" and "transparency" in image.info
        )
        image = image.convert("RGBA" if has_alpha else "RGB")
        image.thumbnail(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if has_alpha:
            image.save(buffer, format="PNG", optimize=True)
            extension = "png"
        else:
            image.save(buffer, format="JPEG", quality=85, optimize=True)
            extension = "jpg"
    file.seek(0)
    stem = PurePath(getattr(file, "name", "") or "image").stem[:60] or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}-thumb.{extension}")


def name_for_format(name: str | None, image_format: str) -> str:
    """`name` with the extension of `image_format` (so a PNG called photo.jpg is stored .png)."""
    stem = PurePath(name or "image").stem[:80] or "image"
    return f"{stem}.{EXTENSIONS[image_format]}"
