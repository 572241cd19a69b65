from __future__ import annotations

import pytest
from spacy.tokens import Doc, Span

from kg.extraction.corrections import corrected_class
from kg.extraction.mentions import find_mentions
from kg.extraction.newswire import split_entities
from kg.extraction.titles import name_with_prefix
from kg.model import EntityClass
from kg.nlp import load_pipeline
from kg.resolution.names import clean_name


def mentions_of(text: str) -> list[tuple[str, str]]:
    return [(item.mention.cls, item.mention.name) for item in find_mentions(load_pipeline()(text))]


@pytest.mark.parametrize(
    ("text", "person", "role"),
    [
        ("US Secretary of State Antony Blinken plans to visit Israel.", "Antony Blinken", "US Secretary of State"),
        ("“We are trying,” said White House national security spokesman John Kirby.", "John Kirby",
         "White House national security spokesman"),
        ("John Kirby, a spokesman for the Pentagon, said so.", "John Kirby", "spokesman for the Pentagon"),
        ("Israel's Prime Minister Benjamin Netanyahu met the envoy.", "Benjamin Netanyahu", "Prime Minister"),
        ("Crown Prince Mohammad bin Salman denied it.", "Mohammad bin Salman", "Crown Prince"),  # inside the NER span
        ("The mayor of London, Sadiq Khan, marched.", "Sadiq Khan", "mayor of London"),  # the title first
        ("Nancy Pelosi is the Speaker of the House.", "Nancy Pelosi", "Speaker of the House"),  # said of the name
        ("Johnson served as mayor of London.", "Johnson", "mayor of London"),
        ("The party elected Boris Johnson as its leader.", "Boris Johnson", "leader"),
        ("Ginger Baker was a great drummer and a lovely guy.", "Ginger Baker", "great drummer"),  # an occupation
        ("The Governor of Texas Greg Abbott said so.", "Greg Abbott", "Governor of Texas"),  # the place between
        ("Support also came from United States Senator from Ohio Jane Doe.", "Jane Doe",
         "United States Senator from Ohio"),  # "from" the place a senator sits for
        ("Johnson ran against Jeremy Hunt, who succeeded him as Foreign Secretary.", "Jeremy Hunt",
         "Foreign Secretary"),  # said in a relative clause
        ("Speakers included First Minister of Scotland Nicola Sturgeon.", "Nicola Sturgeon",
         "First Minister of Scotland"),  # NER ran the place into the name
        ("The bomb was placed on a motorcycle, stated Minister of Information Moammar al-Eryani.",
         "Moammar al-Eryani", "Minister of Information"),
        ("Early yesterday morning, United States Representative Elijah Cummings died while in hospice care.",
         "Elijah Cummings", "United States Representative"),  # one organisation to NER
        ("Newly elected Assemblywoman Selena Torres said it was exciting.", "Selena Torres",
         "Newly elected Assemblywoman"),  # a legislator's title (the office: "Assemblywoman")
        ("Amateur researcher and systems engineer Yutaka Iwasaki of Kobe, Japan came across military records.",
         "Yutaka Iwasaki", "systems engineer"),  # the small model tags "engineer" a verb here
        ("On Wednesday, United States Senator from Vermont Bernie Sanders ended his bid for the nomination.",
         "Bernie Sanders", "United States Senator from Vermont"),  # NER ran "from" the place into the name
    ],
)
def test_titles_are_split_off_names(text: str, person: str, role: str) -> None:
    found = mentions_of(text)
    titles = [item.mention.text for item in find_mentions(load_pipeline()(text)) if item.mention.cls == "Role"]
    assert ("Person", person) in found
    assert role in titles
    assert not any(cls == "Person" and role in name for cls, name in found)


@pytest.mark.parametrize(
    ("text", "office"),
    [
        ("US Secretary of State Antony Blinken plans to visit Israel.", "Secretary of State"),
        ("Former Foreign Secretary Boris Johnson spoke.", "Foreign Secretary"),
        ("Mexican President Andres Manuel Lopez Obrador spoke.", "President"),
        ("Labour MP Tom Watson spoke.", "MP"),
        ("Crown Prince Mohammad bin Salman denied it.", "Crown Prince"),
        ("Sara Duterte, the mayor of Davao City, spoke.", "mayor"),
        ("Joe Biden, President of the United States, spoke.", "President"),
        ("Ginger Baker, a great drummer, died.", "drummer"),  # praise is no part of the office
        ("Seizaburo Sato, professor of politics at Tokyo University, spoke.", "professor of politics"),
        ("Fred Demler, metals economist with Drexel Burnham Lambert Inc., spoke.", "metals economist"),
        ("Each victim will be paid one million rubles.\n\n\nHealth Minister Veronika Skvortsova indicated on "
         "Monday the chances were slim.", "Health Minister"),  # NER takes "Health" for an organisation here
        ("Josh Bash, the U.S. Attorney for the Western District of Texas, spoke.", "Attorney"),
        ("Support also came from United States Senator from Ohio Jane Doe.", "Senator"),
        ("Tom Frieden, formerly the director of the Centers for Disease Control and Prevention, spoke.", "director"),
        ("Incumbent President Donald Trump took a parting shot on Twitter.", "President"),
        ("Newly elected Assemblywoman Selena Torres said it was exciting.", "Assemblywoman"),
    ],
)
def test_a_role_is_named_by_its_office(text: str, office: str) -> None:
    """Whose office it is and when it was held are relations and aliases, not the role's name."""
    assert ("Role", office) in mentions_of(text)


def test_department_word_in_a_title_is_not_an_organisation() -> None:
    found = mentions_of("US Secretary of State Antony Blinken plans to visit Israel.")
    assert ("Organization", "State") not in found
    assert ("Place", "United States") in found


def test_a_title_ner_took_for_an_organisation_is_no_organisation() -> None:
    found = mentions_of("\"We are continuing to investigate\", said Detective Inspector Steven Jones.")
    assert ("Person", "Steven Jones") in found and ("Role", "Detective Inspector") in found
    assert ("Organization", "Detective Inspector") not in found


@pytest.mark.parametrize(
    ("text", "cls", "expected"),
    [
        ("the United States", "Place", "United States"),
        ("US", "Place", "United States"),
        ("Netanyahu’s", "Person", "Netanyahu"),
        ("Palestinians", "Group", "Palestinian"),
        ("the Tories", "Organization", "Conservative Party"),
        ("Swiss", "Group", "Swiss"),
        ("White  House", "Organization", "White House"),
    ],
)
def test_clean_name(text: str, cls: str, expected: str) -> None:
    assert clean_name(text, cls) == expected


def test_ner_labels_map_to_ontology_classes() -> None:
    found = mentions_of("Hamas fighters attacked Israeli towns near Gaza City on Monday. The Palestinians fled.")
    assert ("Organization", "Hamas") in found
    assert ("Group", "Palestinian") in found
    assert ("Place", "Gaza City") in found


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("Hamas fighters attacked Israeli towns.", "Israeli", None),  # a nationality said of something names nobody
        ("British voters rejected the plan.", "British", ("Group", "British")),  # ... of people, a group
        ("Chinese citizens criticised the plan.", "Chinese", ("Group", "Chinese")),
        ("The Israeli government approved the plan.", "Israeli", ("Place", "Israel")),  # the state acts
        ("The Samoan Prime Minister spoke.", "Samoan", ("Place", "Samoa")),
        ("The Democrats won the vote.", "Democrats", ("Organization", "Democratic Party")),
        ("The storm hit at 10:30 UTC on Monday.", "UTC", None),
        ("The WHO said COVID-19 had spread to Italy.", "COVID-19", None),  # a disease: no entity class
        ("Under the Kansas Child Protection Act, doctors face prison.", "Act", None),  # a law: no entity class
        ("Two of the affected guests were Indian.", "Indian", None),  # said of someone: no group
        ("Sirhan, an ethnic Palestinian from Jordan, opposed the plan.", "Palestinian", None),
        ("The Palestinians rejected the plan.", "Palestinians", ("Group", "Palestinian")),
    ],
)
def test_nationalities_parties_and_non_names(text: str, word: str, expected: tuple[str, str] | None) -> None:
    doc = load_pipeline()(text)
    found = [(item.mention.cls, item.mention.name) for item in find_mentions(doc)
             if word in item.mention.text and item.mention.cls != "Role"]
    assert found == ([expected] if expected else [])
    assert not any(name == "Monday" for _, name in found)  # dates live on statements, not as nodes


@pytest.mark.parametrize(
    ("text", "start", "end", "cls", "expected"),
    [
        ("Helga Marie Brandt, 63, of Dayton was injured.", 0, 3, "Organization", "Person"),  # name, age
        ("Prince Norodom Ranariddh arrived on Friday.", 0, 3, "Place", "Person"),  # honorific
        ("DAYTON, Ohio (AP) The council met.", 0, 1, "Organization", "Place"),  # Town, State
        ("Karl Wendt, 45, of Oakdale, was hurt.", 6, 7, "Organization", "Place"),  # hometown
        ("Kennedy spoke in Boston.", 0, 1, "Person", "Person"),  # a person named like a town stays one
        ("The storm hit houses in Austin on Monday.", 5, 6, "Person", "Place"),  # ... unless written as one
        ("Bowier said the paper was cordial.", 0, 1, "Organization", "Person"),  # a bare name that speaks
        ("The Fire Department said the fire was out.", 1, 3, "Organization", "Organization"),
        ("The border runs from Ciudad Obregon, Mexico, to the sea.", 4, 6, "Person", "Place"),  # Town, Country
        ("The deal was signed by Jean Dupont, France's envoy.", 5, 7, "Person", "Person"),  # ... not a possessive
        ("A quake was felt in Manay, Davao Oriental.", 5, 6, "Person", "Place"),  # in Town, Province
        ("Fernando Dallorso, the general manager of Cipriani Dolci, said so.", 7, 9, "Person", "Organization"),
        ("Shelley Yeager, director of the Clara Barton camp, said so.", 6, 8, "Person", "Person"),  # a camp's name
        ("Biden announced on Twitter that Harris would run.", 3, 4, "Person", "Organization"),  # a platform
        ("The warning applied to County Mayo on Monday.", 4, 6, "Person", "Place"),  # a county first
        ("She was treated at Mount Sinai Hospital.", 4, 7, "Organization", "Organization"),
        ("He came to the UK after the Libyan Civil War.", 7, 10, "Organization", "Event"),  # an event's last word
        ("Crowds watched the Chicago Marathon on Sunday.", 3, 5, "Place", "Event"),
        ("Doris Day sang on Sunday.", 0, 2, "Person", "Person"),  # a person named so stays one
        ("The Institute for the Study of War said so.", 1, 7, "Organization", "Organization"),  # a phrase of it
        ("He wrote for Vanity Fair on Sunday.", 3, 5, "Organization", "Organization"),  # no event's word
    ],
)
def test_corrected_class(text: str, start: int, end: int, cls: str, expected: str) -> None:
    doc = load_pipeline()(text)
    assert corrected_class(Span(doc, start, end), cls) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The fire started in Chisholm, Minn.", ("Place", "Minn.")),
        ("Moscow March 5 (ITAR-TASS) -- Papers wrote about it.", ("Organization", "ITAR-TASS")),
        ("BANGKOK, Thailand (AP) The city council met.", ("Place", "BANGKOK")),
        ("Paris Radio France Internationale in French 1200 GMT 3 Mar 94", ("Place", "Paris")),
        ("AU0202111694 Paris AFP in English 0107 GMT 2 Feb 94", ("Organization", "AFP")),
        ("NC1404123794 Cairo AL-AHALI in Arabic 6 Apr 94 p 6", ("Organization", "AL-AHALI")),
        ("The city's security chief announced on Facebook on Tuesday there were suspects.",
         ("Organization", "Facebook")),  # a platform the model left unlabelled
    ],
)
def test_names_in_news_conventions_are_found(text: str, expected: tuple[str, str]) -> None:
    assert expected in mentions_of(text)


def test_name_with_prefix_keeps_honorifics_not_job_titles() -> None:
    doc = load_pipeline()("Mrs. Parks met President Lincoln and spokesman John Kirby.")
    quoted = {entity.text: name_with_prefix(entity).text for entity in doc.ents if entity.label_ == "PERSON"}
    assert quoted["Lincoln"] == "President Lincoln"
    assert quoted["John Kirby"] == "John Kirby"


def test_a_first_name_the_model_left_out_is_part_of_the_name() -> None:
    text = "Police Senior Superintendent Yolanda Yu Hoi-kwan said at a press conference that officers were threatened."
    doc = load_pipeline()(text)
    assert [entity.text for entity in doc.ents] == ["Yu Hoi-kwan"]  # the model's reading
    assert ("Person", "Yolanda Yu Hoi-kwan") in mentions_of(text)


@pytest.mark.parametrize(("text", "person", "word"), [
    ("Queen Rania Al Abdullah opened the school.", (1, 4), "Queen"),  # a title, though a first name too
    ("In June Smith said so.", None, "June"),  # a month, which the model reads as a date
])
def test_only_a_first_name_of_no_entity_joins_a_name(text: str, person: tuple[int, int] | None, word: str) -> None:
    doc = load_pipeline()(text)
    if person is not None:
        doc.ents = [Span(doc, *person, label="PERSON")]  # the model's reading of such a name
    names = [span.text for span in split_entities(doc) if span.label_ == "PERSON"]
    assert names and not any(name.startswith(word) for name in names)


@pytest.mark.parametrize(("text", "person", "expected"), [
    ("The ship sank, said minister Rosa Duarte Pinto, who leads the ministry.", (6, 8), "Rosa Duarte Pinto"),
    ("It recalls the Doors of Durin from J. R. R. Tolkien's Lord of the Rings.", None, "J. R. R. Tolkien's"),
    ("AIP Vice Chairman Mark Seidenberg Image: AIP.", None, "Mark Seidenberg"),  # a photograph's caption
])
def test_a_surname_the_model_left_out_is_part_of_the_name(
        text: str, person: tuple[int, int] | None, expected: str) -> None:
    doc = load_pipeline()(text)
    if person is not None:
        doc.ents = [Span(doc, *person, label="PERSON")]  # the model's reading of such a name: "Rosa Duarte"
    assert [span.text for span in split_entities(doc) if span.label_ == "PERSON"] == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("The bill was signed by the Speaker of the House Nancy Pelosi on Friday.",
     [("the House", "ORG"), ("Nancy Pelosi", "PERSON"), ("Friday", "DATE")]),  # one organisation to the model
    ("What are your duties as the vice presidential nominee of the Life and Liberty Party?",
     [("the Life and Liberty Party", "ORG")]),  # "Liberty" is a first name too, "Party" ends no person's name
])
def test_a_body_a_title_is_of_and_the_name_after_it_are_two_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(span.text, span.label_) for span in split_entities(load_pipeline()(text))] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The report came from a United States whistleblower who revealed the call.", ("Place", "United States")),
    ("Officials of a Food and Agriculture Organization mission arrived on Monday.",
     ("Organization", "Food and Agriculture Organization")),
])
def test_an_article_the_model_took_in_is_no_part_of_a_name(text: str, expected: tuple[str, str]) -> None:
    assert [entity.text for entity in load_pipeline()(text).ents][0].startswith("a ")  # the model's reading
    assert expected in mentions_of(text)


def test_an_acronym_and_its_expansion_are_two_names() -> None:
    doc = load_pipeline()("Voters backed the RP (Welfare Party) again.")
    doc.ents = [Span(doc, 3, 7, label="ORG")]  # the model's reading on CoNLL04 text: "RP (Welfare Party"
    assert [span.text for span in split_entities(doc)] == ["RP", "Welfare Party"]


def test_a_surname_is_the_person_named_in_full_before() -> None:
    found = mentions_of("Lech Walesa led the strike. Walesa said Solidarity wants to avoid unrest.")
    assert ("Person", "Walesa") in found


def test_a_party_and_state_label_is_no_place() -> None:
    nlp = load_pipeline()
    words = "Sen. Dennis DeConcini , D-Ariz. , said Monday he will ask for more .".split()
    doc = nlp(Doc(nlp.vocab, words=words))  # tokenised as news corpora are, "D-Ariz." one token
    doc.ents = [*(entity for entity in doc.ents if entity.end <= 4), Span(doc, 4, 5, label="GPE")]
    assert not any(item.mention.name.startswith("D-") for item in find_mentions(doc))


def test_a_relative_named_in_full_is_a_person() -> None:
    text = "Maria Kalesnikava spoke, and Veranika Tsapkala, wife of Valery Tsapkala, a potential candidate."
    assert ("Person", "Valery Tsapkala") in mentions_of(text)


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        ("The Israeli government rejected the plan on Monday.", ("Place", "Israel"), ("Group", "Israeli")),
        ("Israeli troops entered the town overnight.", ("Place", "Israel"), ("Group", "Israeli")),
        ("Palestinian negotiators met the envoy in Cairo.", ("Place", "Palestine"), ("Group", "Palestinian")),
        ("Israeli voters went to the polls on Tuesday.", ("Group", "Israeli"), ("Place", "Israel")),
    ],
)
def test_a_demonym_is_its_country_where_the_text_means_the_state(
    text: str, expected: tuple[str, str], not_expected: tuple[str, str]
) -> None:
    found = mentions_of(text)
    assert expected in found and not_expected not in found


@pytest.mark.parametrize(
    ("text", "word", "kept"),
    [
        ("Hurricanes are rare here. The hurricane hit Bermuda on Monday.", "Hurricanes", False),
        ("Lava flows slowly. The lava reached the sea near Hilo.", "Lava", False),
        ("Shearson rose. Analysts said American Express may sell shearson to Shearson's managers.",
         "Shearson", True),  # also capitalised inside a sentence: a name written once in lower case
    ],
)
def test_a_capitalised_common_noun_is_no_name(text: str, word: str, kept: bool) -> None:
    assert any(name == word for _, name in mentions_of(text)) == kept


def test_a_group_is_named_once_whatever_its_noun_of_people() -> None:
    text = "The British people voted in 2016. It is time to give the British public the final say."
    groups = [item.mention for item in find_mentions(load_pipeline()(text)) if item.mention.cls == "Group"]
    assert [(mention.text, mention.name) for mention in groups] == [("British people", "British"),
                                                                     ("British public", "British")]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The Department issued a statement that an inmate had died.", "Department"),  # a kind of organisation
        ("State prosecutors charged the suspect.", "State"),
        ("The advice of the Prime Minister to Her Majesty was unlawful.", "Majesty"),
        ("I count on Turkey to act with restraint, Jens Stoltenberg wrote.", "restraint"),  # lower case in a cased text
        ("The center placed Humberto 75 miles north of Bermuda.", "Humberto"),  # a person runs into no figure
        ("Unlike red algae, green algae came to dominate the plume.", "red algae"),
        ("Thousands joined the anti-Brexit march in London.", "Brexit"),  # a stance, no name
        ("The Pacific island nation declared an emergency.", "Pacific island"),  # ends in a common noun
        ("Syrian troops entered towns held by the Kurdish-led forces.", "Kurdish"),  # a nationality said of them
        ("Harry Dunn was struck by a Volvo XC90 driving on the wrong side.", "Volvo"),  # a car, not the company
        ("The new Boeing 737 Max was not airworthy.", "Max"),  # a plane's model
        ("A new feature on the 737 Max, which had not crashed before, was to blame.", "Max"),
    ],
)
def test_descriptions_and_misread_words_are_no_names(text: str, word: str) -> None:
    assert not any(word in name for _, name in mentions_of(text))


def test_a_story_all_in_lower_case_keeps_its_names() -> None:
    text = "venezuela's finance minister manuel azpurua said in new york that brazil had asked for help."
    assert [name for _, name in mentions_of(text)] == ["venezuela", "finance minister", "manuel azpurua", "new york",
                                                       "brazil"]


def test_a_company_named_before_a_year_or_a_code_of_the_next_sentence_stays() -> None:
    names = [name for _, name in mentions_of("Boeing 2019 profits fell. Phil Fuhrer works for Gannett New Media. "
                                             "1-900-WEATHER offers forecasts.")]
    assert "Boeing" in names and any(name.startswith("Gannett") for name in names)


def test_a_list_of_titles_is_one_role_each() -> None:
    from kg.extraction.document import document_mentions
    from kg.nlp import load_pipeline

    text = ("Members voted to elect Boris Johnson, former Foreign Secretary, mayor of London, and member of "
            "Parliament, as leader.")
    roles = [item.mention.text for item in document_mentions(load_pipeline()(text))
             if item.mention.cls == EntityClass.ROLE]
    assert roles[:3] == ["former Foreign Secretary", "mayor of London", "member of Parliament"]
    one = "Jeremy Hunt, Secretary of State for Foreign and Commonwealth Affairs, spoke."
    assert [item.mention.text for item in document_mentions(load_pipeline()(one))
            if item.mention.cls == EntityClass.ROLE] == ["Secretary of State for Foreign and Commonwealth Affairs"]


@pytest.mark.parametrize(("text", "person", "offices"), [
    ("Conservative Party leader and Prime Minister Boris Johnson said he was humbled by the results.",
     "Boris Johnson", ["leader", "Prime Minister"]),  # the parser hangs the first title outside the name's phrase
    ("Congressman Justin Amash and former Rhode Island governor and US Senator Lincoln Chafee are both running.",
     "Lincoln Chafee", ["governor", "Senator"]),  # a place opens the second title
    ("Aides denied the story as did Trump-critic and former National Security Advisor John Bolton.",
     "John Bolton", ["Security Advisor"]),  # "critic and ... Advisor" would read as one title: left alone
    ("First, after CNN reporter and former Bill Clinton White House Press Secretary Joe Lockhart questioned it, "
     "aides denied it.", "Bill Clinton", []),  # "former" before a name is no title to join "reporter" to
])
def test_titles_joined_by_and_before_a_name_are_one_role_each(text: str, person: str, offices: list[str]) -> None:
    found = find_mentions(load_pipeline()(text))
    held = [item.mention.name for item in found
            if item.mention.cls == EntityClass.ROLE and item.owner is not None and item.owner.text == person]
    assert held == offices


def test_a_name_the_alias_table_knows_whole_is_read_whole() -> None:
    from kg.extraction.document import document_mentions
    from kg.nlp import load_pipeline

    text = "Liberal Democrat leader Charles Kennedy said the party had no place in the coalition."
    names = [item.mention.name for item in document_mentions(load_pipeline()(text))
             if item.mention.cls != EntityClass.ROLE]
    assert "Liberal Democrats" in names and "Democratic Party" not in names


def test_an_acronym_labelled_once_is_labelled_wherever_the_story_writes_it() -> None:
    from kg.extraction.document import document_mentions

    text = "The FSB said two men were held. FSB officers were present where the minibus exploded."
    names = [item.mention.name for item in document_mentions(load_pipeline()(text))]
    assert names.count("FSB") == 2


@pytest.mark.parametrize(("text", "kept"), [
    ("Susanna Clarke wrote the novel “Jonathan Strange and Mr Norrell” in 2004.", ["Susanna Clarke"]),
    ("She starred in a film called Paris, Texas with Harry Dean Stanton.", ["Texas", "Harry Dean Stanton"]),
    ("Harry Dean Stanton said “Paris is lovely” on Monday.", ["Harry Dean Stanton", "Paris"]),
    ("Cengiz called Mohammad's admission a lie.", ["Cengiz", "Mohammad"]),  # "called" a verb: no title follows
])
def test_titles_of_works_are_not_people_or_places(text: str, kept: list[str]) -> None:
    names = [item.mention.text for item in find_mentions(load_pipeline()(text))
             if item.mention.cls != EntityClass.ROLE]
    assert names == kept


def test_a_verb_or_adverb_opening_the_sentence_is_no_part_of_a_name() -> None:
    found = mentions_of("Following South Carolina's primary, Bernie Sanders had the most delegates.")
    assert ("Place", "South Carolina") in found
    assert not any(name.startswith("Following") for _, name in found)
    assert any(name == "Wounded Warrior Project" for _, name in mentions_of("Wounded Warrior Project said it "
                                                                           "would help."))  # the name's own word


@pytest.mark.parametrize("text", [
    "Doctors at Queen Elizabeth Hospital treated the victims.",
    "King Edward Medical University was closed on Monday.",
])
def test_an_organisation_named_for_a_titled_person_stays_whole(text: str) -> None:
    names = [name for _, name in mentions_of(text)]
    assert not any(name in ("Elizabeth Hospital", "Edward Medical University") for name in names)


@pytest.mark.parametrize(("text", "name"), [
    ("In other results, Maroochydore defeated Caboolture 43–5, and University knocked off Noosa 32–22.", "Caboolture"),
    ("\n\nConservative Party - 365 seats\n\nLabour Party - 203 seats\n\n", "Conservative Party"),
])
def test_a_score_or_a_tally_is_no_part_of_a_name(text: str, name: str) -> None:
    names = [found for _, found in mentions_of(text)]
    assert name in names and not any(found.startswith(f"{name} ") for found in names)
