"""`record_versions` (the file import's versions, copied by the database) records what
`record_version` records one initiative at a time."""

from pepites.initiatives.history import record_version, record_versions
from pepites.initiatives.models import Initiative
from tests.initiatives.helpers import new_initiative

# Differ from one recording to the other whatever the path.
VOLATILE = {"history_id", "history_date"}


def _versions(initiative: Initiative) -> list[dict]:
    versions = []
    for record in initiative.history.order_by("history_id"):
        version = {
            k: v for k, v in vars(record).items() if not k.startswith("_") and k not in VOLATILE
        }
        version["themes"] = sorted(record.themes.values_list("theme_id", flat=True))
        versions.append(version)
    return versions


def _changed(initiative: Initiative, n: int) -> None:
    Initiative.objects.filter(pk=initiative.pk).update(
        summary=f"Résumé changé {n}.", version=initiative.version + 1
    )
    through = Initiative.themes.through
    through.objects.filter(initiative_id=initiative.pk, theme__slug="entrepreneuriat").delete()
    initiative.refresh_from_db()


def test_many_versions_at_once_are_those_recorded_one_by_one(people):
    one_by_one = [new_initiative(title=f"Un par un {n}") for n in range(3)]
    together = [new_initiative(title=f"Ensemble {n}") for n in range(3)]
    for n, initiative in enumerate(one_by_one):
        _changed(initiative, n)
        record_version(initiative, user=people.manager, reason="Import du fichier « a.csv »")
    for n, initiative in enumerate(together):
        _changed(initiative, n)
    record_versions(together, user=people.manager, reason="Import du fichier « a.csv »")

    def comparable(initiative: Initiative) -> list[dict]:
        versions = _versions(initiative)
        for version in versions:
            for key in ("id", "uid", "title", "slug", "source_ref", "created_at", "published_at"):
                version.pop(key)
        return versions

    for single, bulk in zip(one_by_one, together, strict=True):
        assert comparable(bulk) == comparable(single)
        latest = bulk.history.order_by("-history_id").first()
        assert (latest.history_type, latest.history_user, latest.version) == (
            "~",
            people.manager,
            2,
        )
        assert latest.summary.startswith("Résumé changé")
        assert list(latest.themes.values_list("theme__slug", flat=True)) == ["commerce-proximite"]


def test_a_created_version_without_user_nor_reason(reference_data):
    initiatives = [new_initiative(title=f"Créée {n}") for n in range(2)]
    Initiative.history.model.objects.all().delete()
    record_versions(initiatives, created=True)
    for initiative in initiatives:
        (version,) = initiative.history.all()
        assert version.history_type == "+"
        assert version.history_user is None
        assert version.history_change_reason is None
        assert version.title == initiative.title
        assert version.themes.count() == initiative.themes.count() == 2
