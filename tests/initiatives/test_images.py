"""Uploaded images: a real picture within the limits, re-encoded without metadata."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pepites.initiatives.images import SIZES, add_initiative_image, make_renditions
from tests.initiatives.helpers import new_initiative


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_with_gps(width=3000, height=2000) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Appareil de test"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 56.0, 10.0)}  # GPS info
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"secret")
    return buffer.getvalue()


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_renditions_are_resized_and_carry_no_metadata():
    raw = jpeg_with_gps()
    assert b"Appareil de test" in raw
    renditions = make_renditions(upload(raw))
    assert (renditions.width, renditions.height) == (2400, 1600)
    for name, longest in SIZES.items():
        data = renditions.files[name].read()
        with Image.open(io.BytesIO(data)) as image:
            assert max(image.size) == longest
            assert image.format == "JPEG"
            assert not image.getexif()
            assert "comment" not in image.info
        assert b"Appareil de test" not in data and b"secret" not in data


def test_transparent_png_stays_png():
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(buffer, format="PNG")
    renditions = make_renditions(upload(buffer.getvalue(), "logo.png", "image/png"))
    assert renditions.files["small"].name.endswith("-400.png")


def test_a_file_named_jpg_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError) as error:
        make_renditions(upload(b"<?php system($_GET['c']); ?>" * 10, "photo.jpg"))
    assert "n'est pas une image" in error.value.message_dict["image"][0]


def test_a_truncated_image_is_refused():
    with pytest.raises(ValidationError):
        make_renditions(upload(jpeg_with_gps(200, 200)[:300]))


def test_size_and_pixel_limits(settings):
    settings.IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="Mo au plus"):
        make_renditions(upload(jpeg_with_gps(400, 400)))
    settings.IMAGE_MAX_BYTES = 10_000_000
    settings.IMAGE_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError, match="millions de pixels"):
        make_renditions(upload(jpeg_with_gps(200, 200)))


def test_an_image_is_stored_with_its_text(people):
    initiative = new_initiative()
    image = add_initiative_image(
        initiative=initiative,
        upload=upload(jpeg_with_gps(800, 600)),
        alt_text="  La boutique  un samedi ",
        credits="Ville",
        user=people.member,
    )
    assert image.alt_text == "La boutique un samedi"
    assert image.small.name.startswith(f"initiatives/{initiative.uid}/")
    assert image.small.storage.exists(image.small.name)
    with pytest.raises(ValidationError) as error:
        add_initiative_image(
            initiative=initiative, upload=upload(jpeg_with_gps(80, 60)), alt_text=" "
        )
    assert "image_alt" in error.value.message_dict
