"""Images of initiatives: checked, cleaned and resized on upload.

What arrives is trusted in nothing, its name and declared type included: Pillow must
recognise a JPEG, PNG, WebP or GIF picture within the size and pixel limits; it is then
decoded and re-encoded, which drops every metadata (EXIF with its GPS position, comments,
colour profiles) and anything hidden after the picture, in three sizes.
"""

import io
import secrets
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from pepites.core.dataversion import changes_public_data
from pepites.initiatives.models import Initiative, InitiativeImage

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Longest side of each stored size, in pixels.
SIZES = {"original": 2400, "large": 1200, "small": 400}
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Renditions:
    files: dict[str, ContentFile]
    width: int
    height: int


@dataclass(frozen=True)
class NewImage:
    """An image added with a save (edit form, moderation): renditions already checked."""

    renditions: Renditions
    alt_text: str
    credits: str = ""


def _error(message: str) -> ValidationError:
    return ValidationError({"image": message})


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _open_checked(upload) -> Image.Image:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > settings.IMAGE_MAX_BYTES:
        raise _error(
            _("Le fichier pèse %(size)s Mo : %(max)s Mo au plus.")
            % {"size": _megabytes(size), "max": _megabytes(settings.IMAGE_MAX_BYTES)}
        )
    not_an_image = _(
        "Ce fichier n'est pas une image JPEG, PNG, WebP ou GIF lisible (quel que soit son nom)."
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise _error(not_an_image) from exc
    if image_format not in ACCEPTED_FORMATS:
        raise _error(not_an_image)
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise _error(
            _("L'image mesure %(w)s × %(h)s pixels : %(max)s millions de pixels au plus.")
            % {"w": width, "h": height, "max": settings.IMAGE_MAX_PIXELS // 1_000_000}
        )
    try:
        upload.seek(0)
        image = Image.open(upload)
        image.load()  # decoding errors (a truncated file) surface here
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _error(not_an_image) from exc
    return image


def make_renditions(upload) -> Renditions:
    """Check the upload and return its re-encoded sizes (ValidationError on "image")."""
    image = _open_checked(upload)
    image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF data gave
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.info.clear()  # Pillow would carry a JPEG comment or PNG text over to the copies
    extension = "png" if has_alpha else "jpg"
    stem = secrets.token_hex(8)
    files = {}
    width = height = 0
    for name, longest in SIZES.items():
        copy = image.copy()
        copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if has_alpha:
            copy.save(buffer, format="PNG", optimize=True)
        else:
            copy.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        files[name] = ContentFile(buffer.getvalue(), name=f"{stem}-{longest}.{extension}")
        if name == "original":
            width, height = copy.size
    return Renditions(files=files, width=width, height=height)


@transaction.atomic
@changes_public_data
def add_initiative_image(
    *,
    initiative: Initiative,
    alt_text: str,
    credits: str = "",
    user: AbstractBaseUser | None = None,
    upload=None,
    renditions: Renditions | None = None,
) -> InitiativeImage:
    """Store an image: from an upload, or from the renditions a form already checked."""
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise ValidationError(
            {"image_alt": _("Décrivez ce que montre l'image (texte alternatif).")}
        )
    if renditions is None:
        renditions = make_renditions(upload)
    position = (initiative.images.aggregate(m=Max("position"))["m"] or 0) + 1
    image = InitiativeImage(
        initiative=initiative,
        width=renditions.width,
        height=renditions.height,
        alt_text=alt_text[:250],
        credits=" ".join((credits or "").split())[:200],
        position=position,
        uploaded_by=cast(User, user) if user is not None and user.is_authenticated else None,
    )
    for name, content in renditions.files.items():
        getattr(image, name).save(content.name, content, save=False)
    image.full_clean()
    image.save()
    return image


@transaction.atomic
@changes_public_data
def set_image_hidden(*, image: InitiativeImage, hidden: bool) -> InitiativeImage:
    image.is_hidden = hidden
    image.save(update_fields=["is_hidden"])
    return image


def visible_images(*, initiative: Initiative) -> list[InitiativeImage]:
    return [image for image in initiative.images.all() if not image.is_hidden]
