"""Issue 12, point 7: one rule, one French message, whichever way the input comes in. A
principal theme outside the themes and a contact without consent are refused by the
services; the workspace form, the admin, the API and the spreadsheet import show the
services' message (the import keeps the row and drops the contact, with a warning)."""

import pytest
from django.contrib.admin.sites import site
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from pepites.accounts.tokens import create_token
from pepites.initiatives.imports.importer import ImportOptions, run_import
from pepites.initiatives.models import Initiative, Theme
from pepites.initiatives.services import CONTACT_WITHOUT_CONSENT, PRINCIPAL_THEME_OUTSIDE
from tests.conftest import PASSWORD
from tests.initiatives import import_files as files
from tests.initiatives.helpers import new_initiative

CONTACT = {"contact_name": "Awa Diallo", "contact_email": "awa@example.org"}
# name: (the invalid input as services' arguments, the field in error, the message)
CASES = {
    "principal-theme-outside": (
        {"theme_slugs": ["numerique"], "principal_theme_slug": "mobilite"},
        "principal_theme",
        PRINCIPAL_THEME_OUTSIDE,
    ),
    "contact-without-consent": (CONTACT, "contact_consent", CONTACT_WITHOUT_CONSENT),
}


@pytest.fixture(autouse=True)
def no_geocoder(settings):
    settings.GEOCODER_URL = ""


def messages_of(errors, field: str) -> list[str]:
    return [str(message) for message in errors.get(field, [])]


@pytest.mark.parametrize("case", CASES)
def test_the_workspace_form(client, people, case):
    from tests.web.test_workspace import form_post

    values, field, message = CASES[case]
    data = form_post(
        themes=values.get("theme_slugs", ["commerce-proximite"]),
        principal_theme=values.get("principal_theme_slug", ""),
        **{k: v for k, v in values.items() if k.startswith("contact_")},
    )
    assert client.login(username=people.member.email, password=PASSWORD)
    response = client.post(reverse("workspace:initiative_create"), data)
    assert response.status_code == 400
    assert messages_of(response.context["form"].errors, field) == [str(message)]
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("case", CASES)
def test_the_admin(people, case):
    values, field, message = CASES[case]
    initiative = new_initiative()
    data = {k: v for k, v in model_to_dict(initiative).items() if v is not None}
    data["themes"] = [t.pk for t in initiative.themes.all()]
    data["expected_version"] = initiative.version
    if "theme_slugs" in values:
        data["themes"] = list(
            Theme.objects.filter(slug__in=values["theme_slugs"]).values_list("pk", flat=True)
        )
        data["principal_theme"] = Theme.objects.get(slug=values["principal_theme_slug"]).pk
    data.update({k: v for k, v in values.items() if k.startswith("contact_")})
    data["contact_consent"] = False if field == "contact_consent" else data["contact_consent"]
    request = RequestFactory().post("/")
    request.user = people.admin
    form_class = site._registry[Initiative].get_form(request, initiative, change=True)
    form = form_class(data=data, instance=initiative)
    assert not form.is_valid()
    assert messages_of(form.errors, field) == [str(message)]


@pytest.mark.parametrize("case", CASES)
def test_the_api(client, people, case):
    values, field, message = CASES[case]
    token = create_token(user=people.member, name="t", scope="write").raw
    payload = {
        "title": "Laverie solidaire",
        "summary": "Une laverie et un lieu d'accès aux droits.",
        "porteur_name": "Association Lave",
        "commune_code": "93066",
        "theme_slugs": ["innovation-sociale"],
        **values,
    }
    response = client.post(
        "/api/v1/initiatives",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (400, 422), response.content
    api_field = "principal_theme_slug" if field == "principal_theme" else field
    fields = response.json()["error"]["fields"]
    assert [f["message"] for f in fields if f["field"] == api_field] == [str(message)], fields
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("case", CASES)
def test_the_import(reference_data, case):
    values, _field, message = CASES[case]
    headers = ["titre", "resume", "porteur", "code_commune", "thematiques"]
    row = ["Laverie solidaire", "Une laverie.", "Association Lave", "93066", "innovation-sociale"]
    if "theme_slugs" in values:
        headers.append("thematique_principale")
        row[4] = " ; ".join(values["theme_slugs"])
        row.append(values["principal_theme_slug"])
    else:
        headers += ["contact_nom", "contact_courriel"]
        row += [CONTACT["contact_name"], CONTACT["contact_email"]]
    report = run_import(files.csv_bytes([headers, row]), ImportOptions(filename="f.csv"))
    problems = [p.message for r in report.rows for p in (*r.errors, *r.warnings)]
    assert any(p.startswith(str(message)) for p in problems), problems
    if "theme_slugs" in values:
        assert not Initiative.objects.exists()
    else:  # the row is imported without its contact
        imported = Initiative.objects.get()
        assert (imported.contact_name, imported.contact_consent) == ("", False)
