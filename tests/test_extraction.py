"""The extraction pipeline on small texts written for the purpose: each quote form, reported
speech, check-worthiness, speaker resolution, and odd input. No database."""
import random

import pytest

from claims.extraction import EXTRACTOR_VERSION, Extracted, extract, extract_many


def spans(text, items, kind=None):
    return [text[x.start:x.end] for x in items if kind is None or x.kind == kind]


def attributed(text):
    return [x for x in extract(text) if x.kind != "checkworthy"]


def only(text, kind=None):
    items = [x for x in attributed(text) if kind is None or x.kind == kind]
    assert len(items) == 1, [(x.kind, text[x.start:x.end], x.speaker) for x in attributed(text)]
    return items[0]


# ----------------------------------------------------------------------------- direct quotes


def test_whole_quote_keeps_its_marks_and_trailing_comma_and_names_the_speaker():
    text = "“We will cut taxes for every working family,” Jane Miller said on Monday."
    q = only(text)
    assert q.kind == "direct"
    assert text[q.start:q.end] == "“We will cut taxes for every working family,”"
    assert (q.speaker, q.speaker_resolved, q.speaker_kind) == ("Jane Miller", True, "person")
    assert text[q.verb_start:q.verb_end] == q.verb == "said"
    assert text[q.speaker_start:q.speaker_end] == "Jane Miller"


def test_a_quote_split_by_its_attribution_gives_two_quotes_with_one_speaker():
    text = "“The budget is balanced,” said Tom Baker, the finance minister. “Nobody can seriously deny that.”"
    quotes = attributed(text)
    assert spans(text, quotes) == ["“The budget is balanced,”", "“Nobody can seriously deny that.”"]
    assert {q.speaker for q in quotes} == {"Tom Baker"}


def test_colon_led_quote_in_the_same_paragraph_and_in_the_next():
    same = "The mayor, Ann Lee, said: “We have hired two hundred new teachers this year.”"
    q = only(same)
    assert (same[q.start:q.end], q.speaker) == ("“We have hired two hundred new teachers this year.”", "Ann Lee")
    nxt = "Ann Lee told reporters on Friday:\n“We have hired two hundred new teachers this year.”"
    q = only(nxt)
    assert nxt[q.start:q.end].startswith("“We have hired") and q.speaker == "Ann Lee" and q.verb == "told"


def test_a_quote_running_over_paragraphs_is_one_quote_up_to_its_closing_mark():
    text = (
        "Senator Mark Okafor said: “The first thing we will do is fix the roads.\n"
        "“The second thing is the schools, and we will start this autumn.”\n"
        "Okafor later left the hall."
    )
    q = only(text, "direct")
    assert text[q.start:q.end] == (
        "“The first thing we will do is fix the roads.\n“The second thing is the schools, and we will start this autumn.”"
    )
    assert q.speaker == "Mark Okafor"


def test_a_line_holding_only_a_name_is_the_speaker_of_the_quote_above_it():
    text = "Ministers met in Brussels on Tuesday.\n“We are ready to act and we will act soon.”\nMaria Santos\nThe meeting ended late."
    q = only(text)
    assert q.kind == "direct" and q.speaker == "Maria Santos" and q.speaker_resolved
    assert q.verb == "" and q.verb_start is None
    assert text[q.speaker_start:q.speaker_end] == "Maria Santos"


def test_a_quoted_paragraph_after_an_attributed_one_is_floating_with_the_same_speaker():
    text = (
        "“The port will reopen next week,” said harbour chief Liam Walsh.\n"
        "“We expect the first ships on Monday, and the rest soon after.”\n"
        "Traders welcomed the news."
    )
    quotes = [x for x in attributed(text) if x.kind == "direct"]
    assert len(quotes) == 2
    assert quotes[1].floating and not quotes[0].floating
    assert quotes[1].speaker == quotes[0].speaker == "Liam Walsh"


def test_a_quoted_paragraph_after_reported_speech_floats_on_its_speaker():
    text = "Mayor Tom Reyes said the bridge would reopen in May.\n“We have spent 40 million dollars on it, and it is safe.”"
    quote = [x for x in attributed(text) if x.kind == "direct"][0]
    assert quote.floating and quote.speaker == "Tom Reyes" and quote.verb_start is None


def test_straight_and_curly_marks_are_both_quotes():
    text = '"Prices will fall by spring," said Carla Ruiz. “Wages will rise too,” Ruiz added.'
    quotes = attributed(text)
    assert spans(text, quotes) == ['"Prices will fall by spring,"', "“Wages will rise too,”"]
    assert [q.speaker for q in quotes] == ["Carla Ruiz", "Carla Ruiz"]


def test_single_marks_are_quotes_in_articles_written_in_british_style():
    text = "Home Secretary Yvette Cole visited Dover. ‘We won’t let the gangs win,’ she said. ‘It’s about security.’"
    quotes = attributed(text)
    assert spans(text, quotes) == ["‘We won’t let the gangs win,’", "‘It’s about security.’"]
    assert {q.speaker for q in quotes} == {"Yvette Cole"}


def test_an_unbalanced_mark_does_not_wreck_the_quotes_after_it():
    text = (
        "The report was called “a scandal by some.\n"
        "“We will publish everything,” said Omar Haddad.\n"
        "“Nothing will be hidden,” Haddad added."
    )
    quotes = [x for x in attributed(text) if x.kind == "direct"]
    assert spans(text, quotes) == ["“We will publish everything,”", "“Nothing will be hidden,”"]
    assert {q.speaker for q in quotes} == {"Omar Haddad"}


def test_a_name_and_a_colon_or_a_dash_after_the_quote_name_the_speaker():
    text = "Rachel Obi: “The economy is growing faster than anyone expected.”\n“Rents must come down this year.” ― Tomas Berg"
    quotes = attributed(text)
    assert [(text[q.start:q.end][:10], q.speaker) for q in quotes] == [("“The econo", "Rachel Obi"), ("“Rents mus", "Tomas Berg")]


def test_an_inverted_cue_with_a_colon_leads_the_quote():
    text = "Tax analyst Ryan Ellis was unimpressed. Said Ellis: “She is not the least bit interested in reform.”"
    q = only(text)
    assert (q.speaker, q.verb, text[q.verb_start:q.verb_end]) == ("Ryan Ellis", "Said", "Said")


def test_interview_transcript_turns_belong_to_their_upper_case_label():
    text = "Chris Dalton interviewed the governor.\nDALTON: Will you raise taxes next year?\nGOVERNOR REYES: No, we will cut them for families."
    turns = attributed(text)
    assert [(text[t.start:t.end], t.speaker) for t in turns] == [
        ("Will you raise taxes next year", "Chris Dalton"),
        ("No, we will cut them for families", "Reyes"),  # the title is a role, not the name
    ]


def test_a_quote_keeps_its_speaker_when_an_aside_sits_between_them():
    text = "“It is over,” a senior official, speaking on condition of anonymity, told reporters."
    q = only(text)
    assert q.kind == "direct" and q.speaker == "a senior official" and not q.speaker_resolved


# ----------------------------------------------------------------------------- reported speech


def test_mixed_quote_spans_the_whole_reported_clause():
    text = "Lena Park said that the new plan was “a total disaster” for the city."
    q = only(text)
    assert q.kind == "mixed"
    assert text[q.start:q.end] == "the new plan was “a total disaster” for the city"
    assert q.speaker == "Lena Park"


@pytest.mark.parametrize(
    "text, content, verb",
    [
        ("Paul Novak stressed that the deal would protect thousands of jobs.", "the deal would protect thousands of jobs", "stressed"),
        ("Paul Novak warned that prices could double within a year.", "prices could double within a year", "warned"),
        ("Paul Novak rejected the claim that the bridge was unsafe.", "the claim that the bridge was unsafe", "rejected"),
        ("Paul Novak criticised the council for closing the library early.", "the council for closing the library early", "criticised"),
        ("Paul Novak insisted the hospital would stay open.", "the hospital would stay open", "insisted"),
        ("Paul Novak acknowledged that the figures were wrong.", "the figures were wrong", "acknowledged"),
        ("Paul Novak denied that he had met the lobbyists.", "he had met the lobbyists", "denied"),
        ("The new tax will raise 2 billion euros, Paul Novak told reporters.", "The new tax will raise 2 billion euros", "told"),
    ],
)
def test_reported_speech_content_without_speaker_verb_or_that(text, content, verb):
    q = only(text)
    assert q.kind == "indirect"
    assert text[q.start:q.end] == content
    assert (q.speaker, q.verb) == ("Paul Novak", verb)


def test_a_participle_that_only_adds_an_object_continues_the_reported_clause():
    text = "Ana Ruiz told reporters that the tax would rise next year, pointing to a deficit of 3 billion euros."
    q = only(text)
    assert text[q.start:q.end] == "the tax would rise next year, pointing to a deficit of 3 billion euros"


def test_according_to_attributes_the_rest_of_the_sentence():
    text = "According to Nadia Petrova, the factory will close in March."
    q = only(text)
    assert text[q.start:q.end] == "the factory will close in March"
    assert q.speaker == "Nadia Petrova" and q.verb == text[q.verb_start:q.verb_end] == "According to"


def test_a_participle_cue_takes_the_subject_of_its_main_verb():
    text = "Health minister Ruth Adler defended the reform, arguing that waiting lists had fallen by a third."
    q = only(text)
    assert text[q.start:q.end] == "waiting lists had fallen by a third"
    assert q.speaker == "Ruth Adler" and q.verb == "arguing"


def test_doubled_apostrophes_are_quote_marks():
    text = "''The lack of reciprocity is deplorable,'' said Elena Marsh, the director of the service."
    q = only(text)
    assert text[q.start:q.end] == "''The lack of reciprocity is deplorable,''" and q.speaker == "Elena Marsh"


def test_an_attribution_in_the_middle_of_the_sentence_keeps_the_whole_sentence():
    text = "Senator Ruth Kagame spoke. Climate change, Kagame often says, is the greatest threat facing the region."
    q = only(text)
    assert text[q.start:q.end] == "Climate change, Kagame often says, is the greatest threat facing the region"
    assert q.speaker == "Ruth Kagame"


def test_an_inverted_cue_after_a_quote_still_names_the_speaker():
    text = '"Debate recap," tweeted campaign spokesman Alex Conway. "We won the night."'
    quotes = attributed(text)
    assert [q.speaker for q in quotes] == ["Alex Conway", "Alex Conway"]


def test_an_opinion_writer_speaking_as_i_is_kept_unresolved():
    text = "I told the judge that the sentence was unfair."
    q = only(text)
    assert (q.speaker, q.speaker_resolved, text[q.start:q.end]) == ("I", False, "the sentence was unfair")


def test_things_that_are_not_sources_do_not_speak():
    text = "She answered with a passion that suggested the question was out of line. Troops attacked the port on Monday."
    assert attributed(text) == []


def test_headlines_and_read_also_lines_are_not_statements():
    text = "Mayor Says City Will Ban Cars\nThe mayor said nothing else.\nREAD ALSO: Mayor Says Taxes Will Rise By 20 Percent"
    assert all(text[x.start:x.end] not in ("Mayor Says City Will Ban Cars",) for x in extract(text))
    assert not any("READ ALSO" in text[x.start:x.end] or "Ban Cars" in text[x.start:x.end] for x in extract(text))


# ----------------------------------------------------------------------------- check-worthiness


def test_checkworthy_sentences_are_scored_and_thresholded():
    text = (
        "Unemployment fell to 4.2 percent in March, the lowest rate since 2001.\n"
        "It was a nice day.\n"
        "“We did it,” said Ivan Horvat."
    )
    items = extract(text, checkworthy_threshold=0.6)
    worthy = [x for x in items if x.kind == "checkworthy"]
    assert [text[x.start:x.end] for x in worthy] == ["Unemployment fell to 4.2 percent in March, the lowest rate since 2001."]
    assert 0.6 <= worthy[0].checkworthiness <= 1.0 and worthy[0].speaker == ""
    # the attributed quote is not proposed again as a check-worthy sentence
    assert not any(x.kind == "checkworthy" and "We did it" in text[x.start:x.end] for x in items)
    assert not [x for x in extract(text, checkworthy_threshold=1.0) if x.kind == "checkworthy"]
    low = [x for x in extract(text, checkworthy_threshold=0.0) if x.kind == "checkworthy"]
    assert len(low) == 2  # with no threshold the plain sentence is a (low-scored) candidate too
    assert min(x.checkworthiness for x in low) < worthy[0].checkworthiness


# ----------------------------------------------------------------------------- speakers


def test_pronoun_resolves_to_the_last_named_speaker():
    text = "Defence minister Sara Lind visited the base.\n“We need more drones,” she said.\nShe added that the army would grow."
    items = attributed(text)
    assert [x.speaker for x in items] == ["Sara Lind", "Sara Lind"]
    assert items[0].speaker_mention == "she" and items[0].speaker_resolved


def test_role_phrase_resolves_to_the_person_named_with_that_role():
    text = (
        "US Trade Secretary Helen Brooks arrived in Tokyo on Monday.\n"
        "The Trade Secretary said that tariffs on steel would be lifted."
    )
    q = only(text)
    assert q.speaker == "Helen Brooks" and q.speaker_resolved
    assert q.speaker_mention == "The Trade Secretary"
    assert any("Trade Secretary" in r for r in q.speaker_roles)


def test_a_title_the_article_gives_one_person_resolves_to_them():
    text = "President Amara Diallo opened the summit.\nThe Senegalese president said that the debt would be repaid by 2030."
    q = only(text)
    assert q.speaker == "Amara Diallo" and q.speaker_mention == "The Senegalese president"


def test_a_pronoun_skips_a_person_of_the_other_gender():
    text = (
        "Senator Maria Lopez questioned the chief executive, John Hart, for two hours. She was furious.\n"
        "Hart said his bank had fired 5,000 staff. Mr. Hart apologised.\n"
        "“You should resign,” she said."
    )
    q = [x for x in attributed(text) if x.kind == "direct"][0]
    assert q.speaker == "Maria Lopez" and q.speaker_mention == "she"


def test_a_surname_alone_resolves_to_the_full_name_used_earlier():
    text = "Opposition leader Daniel Moreau spoke in parliament.\nMoreau said that the budget hides a deficit of 3 billion."
    q = only(text)
    assert q.speaker == "Daniel Moreau" and q.speaker_mention == "Moreau" and "Moreau" in q.speaker_aliases


def test_an_unresolvable_role_stays_as_written_and_flagged():
    text = "The Defence Secretary said that the frigates would sail within a week."
    q = only(text)
    assert q.speaker == "The Defence Secretary" and not q.speaker_resolved
    assert q.speaker_roles == ("Defence Secretary",)


def test_an_unresolvable_pronoun_is_never_guessed():
    text = "“We will win this election,” he said."
    q = only(text)
    assert q.speaker_mention == "he" and not q.speaker_resolved


def test_a_group_speaker_is_kept_as_a_group():
    text = "Foreign ministers from France and Germany said that the border must stay open."
    q = only(text)
    assert q.speaker_kind == "group" and not q.speaker_resolved
    assert q.speaker.startswith("Foreign ministers")


# ----------------------------------------------------------------------------- robustness


def test_offsets_stay_valid_on_odd_input():
    rng = random.Random(7)
    alphabet = list("ab cdeFGH.,;:!?\"“”‘’\n\u200b\u202e\u05d0\u0627 ") + ["he said", " that ", "according to ", "Mr. Smith ", "\n\n"]
    texts = ["", " ", "\n\n\n", "“", '"', "”hello“", "x" * 50_000, "said “x " * 2000, "\u202e\u200b“Hi there, friend,” he said.\u200f"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300))) for _ in range(60)]
    results = extract_many(texts)
    assert len(results) == len(texts)
    for text, items in zip(texts, results):
        for x in items:
            assert isinstance(x, Extracted)
            assert 0 <= x.start < x.end <= len(text)
            assert x.kind in {"direct", "mixed", "indirect", "checkworthy"}
            assert 0.0 <= x.confidence <= 1.0 and 0.0 <= x.checkworthiness <= 1.0
            for s, e in ((x.speaker_start, x.speaker_end), (x.verb_start, x.verb_end)):
                assert (s is None) == (e is None)
                if s is not None:
                    assert 0 <= s < e <= len(text)
            if x.verb_start is not None:
                assert text[x.verb_start:x.verb_end] == x.verb
            if x.speaker_start is not None:
                assert text[x.speaker_start:x.speaker_end] == x.speaker_mention


def test_the_same_input_gives_the_same_output_and_batching_does_not_change_it():
    texts = [
        "“Rates will stay high,” said central banker Eva Lund. She added that inflation was 5 percent.",
        "According to police, 12 people were arrested.",
    ]
    assert extract_many(texts) == extract_many(texts)
    assert extract_many(texts) == [extract(t) for t in texts]
    assert EXTRACTOR_VERSION


# ----------------------------------------------------------------------------- recall patterns


def test_a_quoted_fragment_after_its_subject_then_the_cue_and_a_participle_is_one_mixed_quote():
    text = "The city “has never been safer,” Mayor Ruth Okoye said on Tuesday, citing new police figures."
    found = attributed(text)
    mixed = [x for x in found if x.kind == "mixed"]
    assert spans(text, mixed) == ["The city “has never been safer,”"]
    assert mixed[0].speaker == "Ruth Okoye"


def test_an_inverted_cue_after_a_mixed_quote_takes_the_name_after_it():
    text = "The deficit is “lower than at any time in a decade,” reported Bloomberg. Markets rose."
    q = only(text)
    assert text[q.start:q.end] == "The deficit is “lower than at any time in a decade,”"
    assert q.speaker == "Bloomberg" and q.verb == "reported"


def test_a_whole_quote_uttered_by_a_described_source_is_kept():
    text = "“Who pays for the bridge? You do,” a narrator in the new campaign video asks. The video ends."
    q = only(text)
    assert text[q.start:q.end] == "“Who pays for the bridge? You do,”"
    assert q.speaker == "a narrator in the new campaign video"


def test_a_participle_after_a_quote_reports_its_own_clause_for_a_person_noun():
    text = "“We need roads,” the businessman said, arguing that he will bring a “practical” approach to the job."
    found = attributed(text)
    assert spans(text, found) == ["“We need roads,”", "he will bring a “practical” approach to the job"]
    assert found[1].kind == "mixed"


def test_a_clause_that_opens_a_quote_runs_to_its_closing_mark():
    text = 'Lopez told the radio station that "the audit was rigged from the start. ... They are gaming the rules."'
    q = only(text)
    assert text[q.start:q.end] == '"the audit was rigged from the start. ... They are gaming the rules."'
    assert q.speaker == "Lopez"


def test_a_weak_verb_whose_object_is_quoted_reports_that_object():
    text = "In a speech on Monday, Governor Ana Ruiz attacked “the reckless spending of the last decade.”"
    q = only(text)
    assert text[q.start:q.end] == "“the reckless spending of the last decade.”"
    assert q.speaker == "Ana Ruiz" and q.verb == "attacked"
    assert attributed("In a speech on Monday, Governor Ana Ruiz defended the spending plan.") == []


def test_likening_and_exhorting_report_their_object_with_the_person_addressed():
    text = "At a rally, Senator Paul Grant likened the tax to “a slow poison” for small farms."
    q = only(text)
    assert text[q.start:q.end] == "the tax to “a slow poison” for small farms"
    text = "Grant exhorted voters to “show up and be counted” next week."
    q = only(text)
    assert text[q.start:q.end] == "voters to “show up and be counted” next week"
    assert q.speaker == "Grant" and q.kind == "mixed"


def test_a_quoted_object_ends_before_when_where_and_a_dashed_gloss():
    text = "Governor Hal Brant blasted the plan as a “giveaway” Wednesday on a morning radio show."
    q = only(text)
    assert text[q.start:q.end] == "the plan as a “giveaway”"
    text = "Brant dismissed the report as “fiction from start to end” — a charge that stung his rivals."
    q = only(text)
    assert text[q.start:q.end] == "the report as “fiction from start to end”"


def test_reported_clause_ends_at_a_semicolon_and_before_a_dashed_gloss():
    text = ("Officials said the delay was not deliberate; they only heard of the fault on Friday "
            "and told the regulator at once.")
    first = attributed(text)[0]
    assert text[first.start:first.end] == "the delay was not deliberate"
    text = "Dana Holt later said she believed the driver was drunk — something a caller also told police before officers arrived."
    q = only(text)
    assert text[q.start:q.end] == "she believed the driver was drunk"


def test_a_colon_hands_a_whole_quote_to_the_subject_even_without_a_cue_verb():
    text = "In a radio interview, Senator Lena Park went even further: “If he runs and loses, his career is over.”"
    q = only(text)
    assert text[q.start:q.end] == "“If he runs and loses, his career is over.”"
    assert q.speaker == "Lena Park" and q.kind == "direct"
    text = "Lena Park spoke for an hour.\n\nShe then turned to the crowd again:\n\n“Here is what I regret. Nobody listened.”"
    q = only(text)
    assert text[q.start:q.end] == "“Here is what I regret. Nobody listened.”" and q.speaker == "Lena Park"
    # a colon whose subject is no speaker attributes nothing
    assert attributed("The rules at the door are simple: “No shirt, no service.”") == []


def test_verbs_of_manner_attribute_the_quote_next_to_them():
    text = "“Go back to your seat,” Mayor Dan Reyes barked as the meeting fell apart."
    q = only(text)
    assert (text[q.start:q.end], q.speaker, q.verb) == ("“Go back to your seat,”", "Dan Reyes", "barked")
    text = "Reyes answered, “I have no idea who sent the letter.”"
    q = only(text)
    assert (text[q.start:q.end], q.speaker) == ("“I have no idea who sent the letter.”", "Reyes")


def test_the_noun_phrase_right_before_a_cue_is_its_subject_after_a_long_fronted_phrase():
    text = ("In an interview with radio hosts Joe Bright and Mara Stone, the Democratic candidate stated that "
            "the new tax plan would “hurt every family in the state.”")
    q = only(text)
    assert text[q.start:q.end] == "the new tax plan would “hurt every family in the state.”"
    assert q.speaker == "the Democratic candidate"


def test_heralding_and_declaring_report_a_quoted_object():
    text = "Chancellor Ida Berg heralded the trade deal as a “breakthrough.” Markets were calm."
    q = only(text)
    assert text[q.start:q.end] == "the trade deal as a “breakthrough.”" and q.speaker == "Ida Berg"


def test_a_title_before_a_cue_with_its_own_clause_is_not_the_quote():
    text = "In his 2002 book, “Make Your Kid a Millionaire,” Kevin Bell suggested that parents save a little every month."
    q = only(text)
    assert text[q.start:q.end] == "parents save a little every month"
    assert q.speaker == "Kevin Bell" and q.kind == "indirect"


def test_a_clause_without_that_after_the_addressee_and_a_time_phrase_is_the_content():
    text = ("The vote split the party, with Senator Omar Diaz telling reporters on Thursday he viewed the governor "
            "as “directly responsible” for the shortfall.")
    q = only(text)
    assert text[q.start:q.end] == "he viewed the governor as “directly responsible” for the shortfall"
    assert q.speaker == "Omar Diaz" and q.kind == "mixed"


def test_a_cue_inside_its_statement_gives_the_whole_sentence():
    text = "To understand the old harbour, Mayor Lin Chao said, one should walk the east pier at dawn."
    q = only(text)
    assert text[q.start:q.end] == "To understand the old harbour, Mayor Lin Chao said, one should walk the east pier at dawn"
    text = ("The richest tenth paid 70 percent, the budget office said in a June report, "
            "and the poorest fifth paid under one percent.")
    q = only(text)
    assert text[q.start:q.end] == text[:-1] and q.speaker == "the budget office"


def test_a_curly_quote_nested_in_a_straight_one_and_a_mistyped_closing_mark():
    text = ('Ann Vega spoke at length.\n\nVega continued:\n\n"I will read you the question: “Do you trust the count?” '
            'Forty percent said yes, and that is the problem."\n\nShe left.')
    q = only(text, "direct")
    assert text[q.start:q.end].startswith('"I will read you') and text[q.start:q.end].endswith('the problem."')
    assert q.speaker == "Ann Vega"
    text = ("On Monday, Senator Ruth Kerr said: “Young workers face a jobless rate of 20 percent.“\n\n"
            "Fact-checkers rated it “Mostly True.”")
    q = [x for x in attributed(text) if x.kind == "direct"][0]
    assert text[q.start:q.end] == "“Young workers face a jobless rate of 20 percent.“" and q.speaker == "Ruth Kerr"
