"""The QPV's key figures: the INSEE's CSV read and imported, the card of the QPV page, the
API's figures and the gaps dashboard's order."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from pepites.core.models import ReferenceDataset
from pepites.initiatives.models import InitiativeStatus
from pepites.initiatives.placement.services import import_qpv
from pepites.territories.indicator_files import INDICATORS_DATASET_NAME, read_indicator_file
from pepites.territories.indicator_services import import_qpv_indicators
from pepites.territories.models import QpvIndicator
from pepites.territories.qpv_files import read_qpv_file
from tests.initiatives.helpers import new_initiative
from tests.territories.qpv_samples import SAINT_DENIS_L93, point_at, write_geojson

pytestmark = pytest.mark.django_db

# The INSEE's layout: ";" separator, decimal commas, "s" and "nd", thousands with a space;
# a QPV of no stored list (QN07501M), communes and France as references.
GOOD = (
    "CODGEO;LIBGEO;POP_MUN;TP60;PART_MOINS25;TX_EMPL;DEFM_ABC\n"
    "QN09301M;Quartier du Puits;4 215;43,7;38,2;45,1;512\n"
    "QN09302M;Les Sources;12 480;s;41,0;nd;1 204\n"
    "QN09303M;Le Clos;2 050;39,9;36,5;47,3;s\n"
    "QN07501M;Ailleurs;3 000;30,0;30,0;50,0;300\n"
    "93066;Saint-Denis;nd;35,4;35,0;52,8;nd\n"
    "FRANCE;France;nd;14,5;29,6;68,1;nd\n"
)


@pytest.fixture
def qpvs(reference_data, tmp_path):
    return import_qpv(data=read_qpv_file(write_geojson(tmp_path / "qpv.geojson")))


def write(tmp_path, text, name="qpv_indicateurs.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def card_of(client, code):
    content = client.get(f"/quartiers/{code}/").content.decode()
    card = content[content.index('id="titre-chiffres"') : content.index('id="titre-carte"')]
    return card.replace("\xa0", " ").replace("\u202f", " ")


def run(path, vintage="2020"):
    out = io.StringIO()
    call_command("import_qpv_indicators", str(path), millesime=vintage, stdout=out)
    return out.getvalue()


def test_import_good_file_then_again_changes_nothing(qpvs, tmp_path):
    path = write(tmp_path, GOOD)
    output = run(path)
    assert "4 QPV" not in output and "3 QPV, 2 territoires de référence" in output
    assert "1 codes de QPV absents des contours importés, ignorés : QN07501M" in output
    puits = {r.indicator: r for r in QpvIndicator.objects.filter(code="QN09301M", vintage="2020")}
    assert puits["population"].value == 4215 and puits["population"].unit == "habitants"
    assert puits["poverty_rate"].value == pytest.approx(43.7)
    assert puits["poverty_rate"].unit == "%"
    sources = {r.indicator: r for r in QpvIndicator.objects.filter(code="QN09302M")}
    assert (sources["poverty_rate"].value, sources["poverty_rate"].status) == (None, "s")
    assert sources["employment_rate"].status == "nd"
    assert QpvIndicator.objects.filter(scope="france", code="FR").count() == 5
    assert not QpvIndicator.objects.filter(code="QN07501M").exists()
    dataset = ReferenceDataset.objects.get(name=INDICATORS_DATASET_NAME)
    assert (dataset.version, dataset.counts) == ("2020", {"qpv": 3, "references": 2})
    loaded_at = dataset.loaded_at
    rows = sorted(QpvIndicator.objects.values_list("pk", "value", "status"))

    again = run(path)
    assert "0 valeurs ajoutées, 0 modifiées, 0 retirées, 25 inchangées" in again
    assert "Aucun changement." in again
    assert sorted(QpvIndicator.objects.values_list("pk", "value", "status")) == rows
    assert ReferenceDataset.objects.get(name=INDICATORS_DATASET_NAME).loaded_at == loaded_at

    # A corrected file: one value changes, a row gone is removed, nothing else touched.
    fixed = GOOD.replace("4 215;43,7", "4 300;43,7").replace(
        "QN09303M;Le Clos;2 050;39,9;36,5;47,3;s\n", ""
    )
    report = import_qpv_indicators(data=read_indicator_file(write(tmp_path, fixed)), vintage="2020")
    assert (report.added, report.changed, report.removed) == (0, 1, 5)


def test_comma_separated_windows_1252_file(qpvs, tmp_path):
    text = 'code_qp,LIBGEO,POP_MUN,TP60\nQN09301M,Quartier à l\'essai,4215,"43,7"\nqn09302m,,12480,41.5\n'
    data = read_indicator_file(write(tmp_path, text, encoding="cp1252"))
    assert data.columns == {"population": "POP_MUN", "poverty_rate": "TP60"}
    values = {(v.code, v.indicator): v.value for v in data.values}
    assert values[("QN09301M", "poverty_rate")] == pytest.approx(43.7)
    assert values[("QN09302M", "poverty_rate")] == pytest.approx(41.5)


def test_the_2024_population_base_column_names(qpvs, tmp_path):
    text = "codeQPV;libQPV;popMuniQPV\nQN09301M;Quartier à l'essai;4215\n"
    data = read_indicator_file(write(tmp_path, text))
    assert data.columns == {"population": "popMuniQPV"}  # as the file spells it
    assert [(v.code, v.value) for v in data.values] == [("QN09301M", 4215)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "CODGEO;POP_MUN;TP60\nQN09301M;4215;43,7\nQN09302M;12480;beaucoup\n",
            "fichier qpv_indicateurs.csv, ligne 3, colonne TP60 : « beaucoup » n'est pas un nombre",
        ),
        (
            "CODGEO;POP_MUN\nQN09301M;4215,5\n",
            "ligne 2, colonne POP_MUN : « 4215,5 » n'est pas un nombre entier",
        ),
        ("LIBGEO;POP_MUN\nPuits;4215\n", "ligne 1 : Colonne du code absente : CODGEO"),
        ("CODGEO;LIBGEO\nQN09301M;Puits\n", "ligne 1 : Aucune colonne d'indicateur reconnue"),
        (
            "CODGEO;POP_MUN\nQUARTIER;4215\n",
            "ligne 2, colonne CODGEO : « QUARTIER » n'est ni un code de QPV",
        ),
        (
            "CODGEO;POP_MUN\nQN09301M;4215\nQN09301M;4216\n",
            "ligne 3, colonne CODGEO : Code QN09301M en double (déjà ligne 2)",
        ),
    ],
)
def test_bad_files_say_where_and_change_nothing(qpvs, tmp_path, text, message):
    run(write(tmp_path, GOOD, name="premier.csv"))
    before = sorted(QpvIndicator.objects.values_list("pk", "value"))
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, text))
    assert message in str(error.value)
    assert "Aucune modification n'a été enregistrée." in str(error.value)
    assert sorted(QpvIndicator.objects.values_list("pk", "value")) == before


def test_vintage_is_required(qpvs, tmp_path):
    with pytest.raises(CommandError, match="millésime"):
        call_command("import_qpv_indicators", str(write(tmp_path, GOOD)))


def test_card_on_the_qpv_page(client, qpvs, tmp_path):
    content = client.get("/quartiers/QN09301M/").content.decode()
    assert "Chiffres clés non disponibles" in content
    run(write(tmp_path, GOOD))
    card = card_of(client, "QN09301M")
    assert "Commune : Saint-Denis" in card and "France" in card
    assert "Population" in card and "4 215" in card
    assert "43,7 %" in card and "35,4 %" in card and "14,5 %" in card
    assert "(2020)" in card and "Source : INSEE" in card
    assert "Chiffres de démonstration" not in card
    # Two communes, one with references: its column, a secret value said as such.
    card = card_of(client, "QN09302M")
    assert "Commune : Saint-Denis" in card and "Commune : Montreuil" not in card
    assert "secret statistique" in card and "non disponible" in card


def test_card_without_municipal_reference_says_so(client, qpvs, tmp_path):
    run(write(tmp_path, "CODGEO;POP_MUN;TP60\nQN97401M;5000;51,2\n"))
    card = card_of(client, "QN97401M")
    assert "51,2 %" in card
    assert card.count("non disponible") == 4  # commune and France, for each of two rows


def test_api_gives_the_figures(client, qpvs, tmp_path):
    run(write(tmp_path, GOOD))
    detail = client.get("/api/v1/qpv/QN09301M").json()
    assert detail["indicators"]["population"] == {
        "value": 4215.0,
        "status": "",
        "unit": "habitants",
        "vintage": "2020",
    }
    listed = {q["code"]: q for q in client.get("/api/v1/qpv").json()["results"]}
    assert listed["QN09302M"]["indicators"]["poverty_rate"]["status"] == "s"
    assert listed["QN97401M"]["indicators"] == {}


def test_gaps_most_populated_qpv_without_initiative_first(client, qpvs, tmp_path):
    lon, lat = point_at(SAINT_DENIS_L93, 100, 100, 2154)
    new_initiative(
        title="Dans le Puits", status=InitiativeStatus.PUBLISHED, latitude=lat, longitude=lon
    )
    before = [q.code for q in client.get("/territoires/manques/").context["report"].qpvs_without]
    assert before[0] == "QN09303M"  # by département and name while populations are unknown
    text = "CODGEO;POP_MUN\nQN09301M;90000\nQN09302M;5400\nQN09303M;1200\nQN97401M;s\n"
    run(write(tmp_path, text))
    response = client.get("/territoires/manques/")
    ordered = [q.code for q in response.context["report"].qpvs_without]
    unknown = [code for code in before if code in {"QN97101M", "QN97401M"}]
    assert ordered == ["QN09302M", "QN09303M", *unknown]
    content = response.content.decode().replace("\xa0", " ").replace("\u202f", " ")
    assert "Du quartier le plus peuplé au moins peuplé" in content
    assert "5 400" in content
    rows = csv.DictReader(
        io.StringIO(client.get("/territoires/manques.csv?table=qpv").content.decode())
    )
    populations = {r["code_qp"]: r["population"] for r in rows}
    assert populations["QN09302M"] == "5400" and populations["QN97401M"] == ""


def test_admin_lists_the_figures_read_only(client, qpvs, tmp_path, django_user_model):
    run(write(tmp_path, GOOD))
    admin = django_user_model.objects.create_superuser("chiffres", "chiffres@example.org", "x")
    client.force_login(admin)
    listing = client.get("/admin/territories/qpvindicator/?scope=qpv")
    assert listing.status_code == 200 and "QN09301M" in listing.content.decode()
    assert client.get("/admin/territories/qpvindicator/add/").status_code == 403
