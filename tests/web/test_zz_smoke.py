import pytest
@pytest.mark.django_db
def test_smoke(client, sample_initiatives):
    for url in ["/", "/?thematique=mobilite", "/?lieu=93200", "/centres/", "/centres/profession-banlieue/", "/thematiques/", "/thematiques/mobilite/", f"/initiatives/{sample_initiatives['epicerie'].slug}/", f"/initiatives/{sample_initiatives['epicerie'].slug}/corriger/", "/carte/donnees.bin", "/carte/fiches?ids=1,2", "/recherche/lieu?q=Meaux&communes=1"]:
        r = client.get(url)
        print(url, r.status_code, len(r.content))
        assert r.status_code == 200, r.content[:3000]
