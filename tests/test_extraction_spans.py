"""Where a reported statement starts and ends: the span boundaries the extractor used to cut too
early or run on too long (a second "that" clause, a modal verb that goes on with the clause's
subject, a poll's ", with …" detail, a reporter's ", which X called …" after the statement).
Sentences are invented for the purpose, several wordings each, with sentences whose span must
not change. No database."""
import pytest

from claims.extraction import extract


def statements(text):
    """(span, speaker) of every attributed statement, in text order."""
    return [(text[x.start:x.end], x.speaker) for x in extract(text) if x.kind != "checkworthy"]


def spans(text):
    return [span for span, _ in statements(text)]


# ----------------------------------------------------------------------------- a second that-clause with a report inside


@pytest.mark.parametrize(
    "text, statement",
    [
        ("She said the governor placed several calls to her over the next six months, and that she had her staff "
         "field them and tell him she was not available.",
         "the governor placed several calls to her over the next six months, and that she had her staff field them"),
        ("The clerk said the mayor visited the archive twice in May, and that he had his driver wait outside and tell "
         "visitors the building was closed.",
         "the mayor visited the archive twice in May, and that he had his driver wait outside"),
    ],
)
def test_a_report_inside_a_second_that_clause_does_not_cut_the_statement_at_the_first_comma(text, statement):
    assert statement in spans(text)


@pytest.mark.parametrize(
    "text, statement",
    [
        # a report of its own after a comma still ends the statement
        ("The minister said the talks had stalled, warning that the strike could last into the spring.",
         "the talks had stalled"),
        ("Officials said the road would reopen on Friday, and the governor added that repairs would take a year.",
         "the road would reopen on Friday"),
    ],
)
def test_a_report_tacked_on_after_a_comma_still_ends_the_statement(text, statement):
    assert statement in spans(text)


# ----------------------------------------------------------------------------- a subjectless modal goes on with the clause


@pytest.mark.parametrize(
    "text, statement",
    [
        ("Listeners to the program said they had misgivings about the senator, but could not bear to insult the president.",
         "they had misgivings about the senator, but could not bear to insult the president"),
        ("The tenants said they liked the new owners, but would not sign the lease until the heating was fixed.",
         "they liked the new owners, but would not sign the lease until the heating was fixed"),
        ("The mayor said the city had run out of money and would close three libraries next month.",
         "the city had run out of money and would close three libraries next month"),
    ],
)
def test_a_modal_verb_coordinated_after_the_clause_is_part_of_the_statement(text, statement):
    assert statement in spans(text)


@pytest.mark.parametrize(
    "text, statement",
    [
        # a clause with a subject of its own after ", and" is the reporter's next clause
        ("The mayor said the city had run out of money, and the council voted to close three libraries.",
         "the city had run out of money"),
        ("The coach said the team was tired, and the players left for the airport an hour later.",
         "the team was tired"),
    ],
)
def test_a_clause_with_its_own_subject_after_and_stays_out(text, statement):
    assert spans(text)[0] == statement


# ----------------------------------------------------------------------------- a poll's ", with …" detail


@pytest.mark.parametrize(
    "text, statement",
    [
        ("A new poll shows the governor leading the senator 44 percent to 37 percent, with 13 percent supporting "
         "another candidate and only 6 percent undecided.",
         "the governor leading the senator 44 percent to 37 percent, with 13 percent supporting another candidate "
         "and only 6 percent undecided"),
        ("The survey found better support for the mayor among older voters, with 78 percent of retirees backing her.",
         "better support for the mayor among older voters, with 78 percent of retirees backing her"),
    ],
)
def test_a_with_phrase_after_a_polls_finding_is_part_of_the_finding(text, statement):
    assert spans(text) == [statement]


def test_a_polls_finding_still_ends_at_a_comma_before_a_gloss():
    text = "The survey found better support for the mayor among older voters, a shift that worried her rivals."
    assert spans(text) == ["better support for the mayor among older voters"]


# ----------------------------------------------------------------------------- ", which X called …" after the statement


@pytest.mark.parametrize(
    "text, statement",
    [
        ("The mayor said the developer would have a path to approval, which she declared \"a total disaster\" for the city.",
         "the developer would have a path to approval"),
        ("He said he had access to the governor's email server, which he described as \"like an open orchid.\"",
         "he had access to the governor's email server"),
        ("The union said the company had cut the night shift, which its leader called \"a betrayal of every worker here.\"",
         "the company had cut the night shift"),
    ],
)
def test_a_relative_clause_reporting_someones_words_is_not_part_of_the_statement(text, statement):
    assert spans(text)[0] == statement


@pytest.mark.parametrize(
    "text, statement",
    [
        ("The report blamed the agency's email use, which an inquiry said was \"extremely careless\" but did not warrant charges.",
         "the agency's email use"),
        ("The lawsuit challenged the county's new map, which the judge said was "
         "\"plainly unfair to rural voters.\"",
         "the county's new map"),
    ],
)
def test_a_report_in_a_relative_clause_closing_the_statement_ends_it(text, statement):
    assert statement in spans(text)


@pytest.mark.parametrize(
    "text, statement",
    [
        # a relative clause with a quote but no report of its own stays: it is part of the statement
        ("The mayor said the plan, which has \"no chance at all,\" would be dropped.",
         "the plan, which has \"no chance at all,\" would be dropped"),
        ("She said the council had approved the budget, which includes \"a small raise for teachers.\"",
         "the council had approved the budget, which includes \"a small raise for teachers.\""),
    ],
)
def test_a_relative_clause_without_a_report_is_left_as_it_was(text, statement):
    assert spans(text)[0] == statement


# ----------------------------------------------------------------------------- a relative clause without "that" the parser read as a sentence


def _parsed(words, heads, deps, tags):
    """A parse as the small model sometimes gives it, built by hand (the model's output on a given
    sentence changes with its version; the rule is about the parse)."""
    import spacy
    from spacy.tokens import Doc

    return Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, tags=tags)


@pytest.mark.parametrize(
    "words, heads, deps, tags, statement",
    [
        (["Warren", "mentioned", "remarks", "Perez", "had", "made", "about", "Ortiz", "."],
         [1, 1, 1, 5, 5, 5, 5, 6, 5],
         ["nsubj", "ROOT", "dobj", "nsubj", "aux", "ROOT", "prep", "pobj", "punct"],
         ["NNP", "VBD", "NNS", "NNP", "VBD", "VBN", "IN", "NNP", "."],
         "remarks Perez had made about Ortiz"),
        (["Lopez", "cited", "the", "promises", "the", "developer", "broke", "last", "year", "."],
         [1, 1, 3, 1, 5, 6, 6, 8, 6, 6],
         ["nsubj", "ROOT", "det", "dobj", "det", "nsubj", "ROOT", "amod", "npadvmod", "punct"],
         ["NNP", "VBD", "DT", "NNS", "DT", "NN", "VBD", "JJ", "NN", "."],
         "the promises the developer broke last year"),
    ],
)
def test_an_object_runs_on_into_a_relative_clause_parsed_as_a_second_sentence(words, heads, deps, tags, statement):
    from claims.extraction.content import cue_content
    from claims.extraction.text import Unit

    doc = _parsed(words, heads, deps, tags)
    cue = doc[1]
    lemma = {"mentioned": "mention", "cited": "cite"}[cue.text]
    left, right = cue_content(doc, Unit(start=0, end=len(doc.text), paragraph=0), cue, lemma, None, doc[0])
    assert doc[left:right + 1].text == statement


def test_an_object_before_a_sentence_of_its_own_stays_short():
    from claims.extraction.content import cue_content
    from claims.extraction.text import Unit

    doc = _parsed(["Warren", "mentioned", "remarks", ";", "Perez", "left", "."], [1, 1, 1, 1, 5, 5, 5],
                  ["nsubj", "ROOT", "dobj", "punct", "nsubj", "ROOT", "punct"], ["NNP", "VBD", "NNS", ":", "NNP", "VBD", "."])
    left, right = cue_content(doc, Unit(start=0, end=len(doc.text), paragraph=0), doc[1], "mention", None, doc[0])
    assert doc[left:right + 1].text == "remarks"


# ----------------------------------------------------------------------------- a participle report after a quoted phrase


@pytest.mark.parametrize(
    "text, first, second",
    [
        ('The senator said he has "expanded the party," claiming that he is responsible for higher turnout in the primaries.',
         'he has "expanded the party,"', "he is responsible for higher turnout in the primaries"),
        ('The governor said things "should be wrapped up by spring," referring to the party\'s convention in July.',
         'things "should be wrapped up by spring,"', "the party's convention"),
        ('The chief said the new rules had "changed everything," insisting that crime had fallen in every district.',
         'the new rules had "changed everything,"', "crime had fallen in every district"),
    ],
)
def test_a_participle_report_after_quoted_words_is_the_same_speakers_second_statement(text, first, second):
    found = statements(text)
    assert [span for span, _ in found] == [first, second]
    assert found[0][1] == found[1][1]


@pytest.mark.parametrize(
    "text, statement",
    [
        ('The coach said the team "played with heart," and the fans cheered.', 'the team "played with heart,"'),
        ('The mayor said the budget was "a careful compromise" that no department would reject.',
         'the budget was "a careful compromise" that no department would reject'),
    ],
)
def test_quoted_words_without_a_participle_report_keep_their_statement(text, statement):
    assert spans(text) == [statement]


# ----------------------------------------------------------------------------- a concessive word inside a phrase


@pytest.mark.parametrize(
    "text, statement",
    [
        ("She said the mayor could win traditionally Republican, though culturally liberal, districts of the state.",
         "the mayor could win traditionally Republican, though culturally liberal, districts of the state"),
        ("He said she treated the meeting as a crucial, although brief, chance to question the governor.",
         "she treated the meeting as a crucial, although brief, chance to question the governor"),
        ("The agency said the storm caused widespread, though mostly minor, damage along the coast.",
         "the storm caused widespread, though mostly minor, damage along the coast"),
    ],
)
def test_a_though_between_two_adjectives_does_not_end_the_statement(text, statement):
    assert spans(text) == [statement]


@pytest.mark.parametrize(
    "text, statement",
    [
        ("He claimed that paying no taxes was smart, although he again refused to release his returns.", "paying no taxes was smart"),
        ("She said the plan would pass, though the vote was delayed until March.", "the plan would pass"),
    ],
)
def test_a_concession_clause_of_the_reporters_still_ends_the_statement(text, statement):
    assert spans(text)[0] == statement
