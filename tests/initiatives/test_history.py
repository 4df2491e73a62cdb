"""Every change of an initiative is a version: who, when, what; any version can be restored."""

import pytest
from django.core.exceptions import ValidationError

from pepites.core.errors import ConflictError
from pepites.initiatives.history import changes_since, diff_records, inline_diff, list_versions
from pepites.initiatives.models import Initiative, InitiativeStatus
from pepites.initiatives.services import restore_initiative_version, update_initiative
from tests.initiatives.helpers import new_initiative


def test_one_version_per_save_with_its_author_and_themes(people):
    initiative = new_initiative(history_user=people.member)
    update_initiative(
        initiative=initiative,
        expected_version=1,
        summary="Un autre résumé.",
        theme_slugs=["entrepreneuriat"],
        history_user=people.manager,
    )
    first, second = initiative.history.order_by("history_date")
    assert (first.history_type, first.history_user, first.version) == ("+", people.member, 1)
    assert (second.history_type, second.history_user, second.version) == ("~", people.manager, 2)
    assert sorted(first.themes.values_list("theme__slug", flat=True)) == [
        "commerce-proximite",
        "entrepreneuriat",
    ]
    assert list(second.themes.values_list("theme__slug", flat=True)) == ["entrepreneuriat"]


def test_the_diff_says_what_changed_in_words(people):
    initiative = new_initiative(context="Le local était vide depuis dix ans.")
    update_initiative(
        initiative=initiative,
        expected_version=1,
        context="Le local était vacant depuis dix ans.",
        porteur_kind="cooperative",
    )
    versions = list_versions(initiative=initiative)
    assert [v.number for v in versions] == [2, 1]
    changes = {c.name: c for c in versions[0].changes}
    assert set(changes) == {"context", "porteur_kind"}
    assert (
        changes["porteur_kind"].old == "Association"
        and changes["porteur_kind"].new == "Coopérative"
    )
    assert "<del>vide</del><ins>vacant</ins>" in changes["context"].html
    assert versions[0].changed_labels == ["contexte et enjeu", "type de porteur"]


def test_inline_diff_escapes_what_people_typed():
    html = inline_diff("a <b>", "a <script>alert(1)</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_restore_brings_back_the_old_text_as_a_new_version(people):
    initiative = new_initiative(summary="Texte d'origine.", status=InitiativeStatus.PUBLISHED)
    original = initiative.history.get()
    update_initiative(
        initiative=initiative,
        expected_version=1,
        summary="Texte abîmé.",
        commune_code="93048",
        theme_slugs=["emploi-insertion"],
    )
    restore_initiative_version(
        initiative=initiative,
        history_id=original.history_id,
        user=people.member,
        expected_version=2,
    )
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert initiative.summary == "Texte d'origine."
    assert initiative.commune_id == "93066"
    assert sorted(initiative.themes.values_list("slug", flat=True)) == [
        "commerce-proximite",
        "entrepreneuriat",
    ]
    assert initiative.status == InitiativeStatus.PUBLISHED
    assert initiative.version == 3
    latest = initiative.history.order_by("-history_date").first()
    assert latest.history_user == people.member
    assert latest.history_change_reason == "Restauration de la version 1"
    assert diff_records(original, latest) == []
    assert initiative.history.count() == 3  # nothing is lost: the damaged text stays in history


def test_restore_is_under_optimistic_locking(people):
    initiative = new_initiative()
    original = initiative.history.get()
    update_initiative(initiative=initiative, expected_version=1, summary="Deuxième.")
    with pytest.raises(ConflictError):
        restore_initiative_version(
            initiative=initiative,
            history_id=original.history_id,
            user=people.member,
            expected_version=1,
        )
    assert Initiative.objects.get(pk=initiative.pk).summary == "Deuxième."


def test_restore_refuses_a_version_of_another_initiative(people):
    initiative = new_initiative()
    other = new_initiative(title="Autre")
    with pytest.raises(ValidationError):
        restore_initiative_version(
            initiative=initiative,
            history_id=other.history.get().history_id,
            user=people.member,
            expected_version=1,
        )


def test_changes_since_the_version_an_editor_read(people):
    initiative = new_initiative(title="Titre lu")
    update_initiative(
        initiative=initiative, expected_version=1, title="Titre changé", history_user=people.manager
    )
    changes, versions = changes_since(initiative=initiative, version=1)
    assert [(c.name, c.old, c.new) for c in changes] == [("title", "Titre lu", "Titre changé")]
    assert [v.history_user for v in versions] == [people.manager]
    assert changes_since(initiative=initiative, version=2) == ([], [])
