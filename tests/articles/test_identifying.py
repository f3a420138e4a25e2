"""What could identify a company or a person is found, however it is spelled."""

from __future__ import annotations

import pytest

from training.articles.identifying import build_index, find_identifying_details, fold

MEMBERS = [("Jean-François Dumais", "jf.dumais@gagnon-cote.example"), ("Marie Tremblay", "")]
COMPANIES = ["Ébénisterie Gagnon-Côté", "Logiciels L'Érable inc.", "ABC"]


def found(text):
    index, emails = build_index(MEMBERS, COMPANIES)
    return [(f.kind, f.text) for f in find_identifying_details(text, index, emails)]


def test_fold_ignores_accents_case_and_separators():
    assert (
        fold("Ébénisterie  Gagnon-Côté")
        == fold("ebenisterie gagnon cote")
        == ("ebenisterie gagnon cote")
    )
    assert fold("L’Érable") == fold("l'erable") == fold("L ERABLE") == "l erable"


@pytest.mark.parametrize(
    "spelling",
    [
        "Ébénisterie Gagnon-Côté",
        "ebenisterie gagnon cote",
        "EBENISTERIE GAGNON–CÔTÉ",  # en dash
        "Ébénisterie\nGagnon Côté",
        "ébénisterie gagnon-cote",
    ],
)
def test_company_names_in_every_spelling(spelling):
    text = f"Chez {spelling}, la révision salariale a lieu en janvier."
    assert found(text) == [("company", spelling)]


def test_apostrophes_of_every_kind():
    for spelling in ("Logiciels L'Érable inc.", "logiciels l’erable inc", "Logiciels L Erable Inc"):
        assert found(f"Selon {spelling} on gèle les salaires.") == [
            ("company", spelling.rstrip("."))
        ]


def test_member_names_and_their_addresses():
    text = "Jean-Francois DUMAIS (jf.dumais@gagnon-cote.example) et marie tremblay ont témoigné."
    assert found(text) == [
        ("member", "Jean-Francois DUMAIS"),
        ("member", "jf.dumais@gagnon-cote.example"),
        ("member", "marie tremblay"),
    ]


def test_words_are_whole_words():
    # "ABC" is a company; "ABCD" and "Tremblayes" are not names in the index
    assert found("Le modèle ABCD et les Tremblayes Marie.") == []
    assert found("abc a doublé son équipe.") == [("company", "abc")]


def test_any_email_and_phone_number():
    text = (
        "Écrivez à rh@exemple.ca ou appelez le 514-555-1234, (438) 555 9876 poste 12, "
        "+1 450.555.0000 ou +33 1 23 45 67 89. L'an 2024 et 15 % ne sont pas des numéros."
    )
    assert found(text) == [
        ("email", "rh@exemple.ca"),
        ("phone", "514-555-1234"),
        ("phone", "(438) 555 9876 poste 12"),
        ("phone", "+1 450.555.0000"),
        ("phone", "+33 1 23 45 67 89"),
    ]


def test_places_are_the_articles_offsets():
    text = "Intro. Chez ebenisterie gagnon cote, rien."
    index, emails = build_index(MEMBERS, COMPANIES)
    [f] = find_identifying_details(text, index, emails)
    assert text[f.start : f.end] == "ebenisterie gagnon cote"


def test_ids_survive_an_edit_elsewhere_and_tell_occurrences_apart():
    index, emails = build_index(MEMBERS, COMPANIES)
    before = find_identifying_details("Marie Tremblay dit oui. Marie Tremblay dit non.", index)
    after = find_identifying_details(
        "Un long préambule ajouté. Marie Tremblay dit oui. Marie Tremblay dit non.", index
    )
    assert [f.id for f in before] == [f.id for f in after]
    assert len({f.id for f in before}) == 2
    assert before[0].start != after[0].start
