"""The pages of the essaimage: the public form's protections, the queue's permissions
(role × action), the initiative's page."""

import pytest
from django.core import mail
from django.urls import reverse

from pepites.essaimage.models import InspirationRequest, RequestStatus
from pepites.web.initiatives.idlists import delta_decode
from tests.contrib_helpers import old_token
from tests.essaimage.helpers import ask, initiative

pytestmark = pytest.mark.django_db


def _post(**overrides):
    data = {
        "proposer_name": "Gaëlle Le Goff",
        "proposer_email": "gaelle@lorient.example",
        "organisation": "Association Kerolay",
        "requester_kind": "association",
        "commune": "Lorient (56121)",
        "project": "Ouvrir une épicerie solidaire à Kervénanec.",
        "needs": ["contact"],
        "consent": "on",
        "homepage": "",
        "form_token": old_token(),
    }
    data.update(overrides)
    return data


def test_form_sends_and_confirms(client, people, run_jobs):
    source = initiative()
    url = reverse("initiative_inspire", kwargs={"slug": source.slug})
    assert client.get(url).status_code == 200
    response = client.post(url, _post())
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "RésO Villes" in page.content.decode()
    run_jobs()
    assert any(m.to == ["gaelle@lorient.example"] for m in mail.outbox)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"homepage": "http://spam.example"}, None),
        ({"form_token": ""}, None),
        ({"consent": ""}, "consent"),
        ({"commune": "Nullepart"}, "commune"),
        ({"requester_kind": ""}, "requester_kind"),
    ],
)
def test_form_protections(client, people, overrides, field):
    source = initiative()
    url = reverse("initiative_inspire", kwargs={"slug": source.slug})
    response = client.post(url, _post(**overrides))
    assert response.status_code == 400
    assert not InspirationRequest.objects.exists()
    if field:
        assert field in response.context["form"].errors


def test_form_too_fast_and_rate_limited(client, people, settings):
    from pepites.web.contributions.forms import form_token

    source = initiative()
    url = reverse("initiative_inspire", kwargs={"slug": source.slug})
    assert client.post(url, _post(form_token=form_token())).status_code == 400
    settings.ESSAIMAGE_REQUESTS_PER_HOUR = 1
    assert client.post(url, _post()).status_code == 302
    response = client.post(url, _post(proposer_email="autre@lorient.example"))
    assert response.status_code == 429
    assert InspirationRequest.objects.count() == 1


def test_csrf_is_required(people):
    from django.test import Client

    source = initiative()
    url = reverse("initiative_inspire", kwargs={"slug": source.slug})
    assert Client(enforce_csrf_checks=True).post(url, _post()).status_code == 403


ROLES = ["member", "manager", "other_member", "national", "admin", "outsider"]
# Who may see and follow a request from Saint-Denis (PB) asked from Montreuil (PB).
ALLOWED = {"member", "manager", "national", "admin"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["view", "status", "note", "assign"])
def test_permissions_role_by_action(client, people, role, action):
    request = ask(initiative(), commune_code="93048")
    client.force_login(getattr(people, role))
    pk = request.pk
    if action == "view":
        response = client.get(reverse("workspace:essaimage", kwargs={"pk": pk}))
    elif action == "status":
        response = client.post(
            reverse("workspace:essaimage_status", kwargs={"pk": pk}),
            {"etat-status": RequestStatus.IN_CONTACT},
        )
    elif action == "note":
        response = client.post(
            reverse("workspace:essaimage_note", kwargs={"pk": pk}), {"note-body": "Bonjour"}
        )
    else:
        response = client.post(
            reverse("workspace:essaimage_assignee", kwargs={"pk": pk}),
            {"suivi-assignee": people.member.pk},
        )
    if role in ALLOWED:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403
    request.refresh_from_db()
    changed = {
        "view": False,
        "status": request.status == RequestStatus.IN_CONTACT,
        "note": request.notes.exists(),
        "assign": request.assignee_id == people.member.pk,
    }[action]
    assert changed == (action != "view" and role in ALLOWED)


def test_both_centres_see_the_same_request(client, people):
    from django.contrib.auth.models import User

    from pepites.network.memberships import add_member
    from pepites.network.models import Centre

    breton = User.objects.create_user("membre.reso", "m@reso.example")
    add_member(user=breton, centre=Centre.objects.get(slug="reso-villes"))
    request = ask(initiative())
    for user in (people.member, breton):
        client.force_login(user)
        queue = client.get(reverse("workspace:essaimage_queue"))
        assert request.requester_name in queue.content.decode()
    client.force_login(people.other_member)
    assert (
        request.requester_name
        not in client.get(reverse("workspace:essaimage_queue")).content.decode()
    )


def test_queue_filters_and_counts(client, people):
    source = initiative()
    ask(source, commune_code="93048")
    ask(source, commune_code="93048", requester_email="b@x.example", requester_name="Bruno")
    client.force_login(people.member)
    page = client.get(reverse("workspace:essaimage_queue"), {"etat": "nouvelle", "q": "Bruno"})
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 1
    assert {v: n for v, _l, n in page.context["counts"]}["nouvelle"] == 2


def test_initiative_pages_show_the_link(client, people):
    from pepites.initiatives.inspirations import link_inspiration

    source = initiative()
    copy = initiative(
        title="Épicerie solidaire de Lorient", commune="56121", latitude=47.75, longitude=-3.37
    )
    link_inspiration(source=source, reproduction=copy)
    page = client.get(reverse("initiative_detail", kwargs={"slug": source.slug})).content.decode()
    assert "Essaimée dans 1 territoire" in page and copy.title in page
    page = client.get(reverse("initiative_detail", kwargs={"slug": copy.slug})).content.decode()
    assert "Inspirée de" in page and source.title in page
    lines = client.get(reverse("initiative_essaimage_lines", kwargs={"slug": source.slug})).json()
    assert [p["slug"] for p in lines["reproductions"]] == [copy.slug]
    ids = delta_decode(client.get(reverse("map_search"), {"essaimees": "1"}).json()["ids_delta"])
    assert ids == [source.pk]
    home = client.get(reverse("home"), {"essaimees": "on"})
    assert [i.pk for i in home.context["page"].object_list] == [source.pk]


def test_dashboard_counts_and_csv(client, people):
    from pepites.essaimage.services import mark_reproduced

    source = initiative()
    request = ask(source, commune_code="93048")
    copy = initiative(title="Épicerie solidaire de Montreuil", commune="93048")
    mark_reproduced(request=request, reproduction=copy, user=people.member)
    page = client.get(reverse("impact"))
    assert page.status_code == 200
    figures = page.context["figures"]
    assert (figures.total, figures.essaimees, figures.reproductions) == (1, 1, 1)
    assert figures.median_answer_days is not None
    filtered = client.get(reverse("impact"), {"centre": people.labo.pk}).context["figures"]
    assert filtered.total == 0
    csv_text = client.get(reverse("impact_csv")).content.decode()
    assert "initiatives_essaimees,,1" in csv_text


@pytest.mark.parametrize("role", ROLES)
def test_link_known_reproduction_role(client, people, role):
    from pepites.initiatives.models import InitiativeInspiration

    source = initiative()  # Profession Banlieue
    copy = initiative(title="Épicerie solidaire de Lyon", commune="69123")  # Labo Cités
    client.force_login(getattr(people, role))
    url = reverse("workspace:inspiration_links")
    response = client.post(
        url, {"reproduction": copy.slug, "source": f"/initiatives/{source.slug}/"}
    )
    linked = InitiativeInspiration.objects.filter(source=source, reproduction=copy).exists()
    if role == "outsider":
        assert response.status_code == 403 and not linked
    else:  # either centre may record it
        assert response.status_code == 302 and linked


def test_one_page_pdf_per_centre_and_year(client, people):
    import io

    from django.utils import timezone
    from pypdf import PdfReader

    ask(initiative(), commune_code="93048")
    year = timezone.localdate().year
    response = client.get(
        reverse("impact_pdf", kwargs={"year": year}), {"centre": "profession-banlieue"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert "Profession Banlieue" in reader.pages[0].extract_text()
    assert (
        client.get(reverse("impact_pdf", kwargs={"year": year}), {"centre": "x"}).status_code == 404
    )
