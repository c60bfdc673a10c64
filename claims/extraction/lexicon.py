"""Word lists the extractor reasons with: reporting cues, titles and roles, pronouns.

Cue verbs are listed by lemma with the class of content they take:
- ``SAY`` verbs report a clause ("stressed that X", "X, he said");
- ``OBJECT`` verbs report their object ("rejected X", "criticised the US for X",
  "called for X"); many verbs do both, and the parse decides which one a sentence uses.
The inflected forms are generated here (British and American spellings both), so the
prefilter can find cue sentences with one regular expression and no parse.
"""
from __future__ import annotations

import re

SAY = {
    "say", "state", "explain", "stress", "reiterate", "suggest", "add", "note", "assert", "insist",
    "warn", "argue", "claim", "announce", "tell", "admit", "acknowledge", "deny", "confirm", "write",
    "report", "reveal", "emphasise", "emphasize", "underscore", "maintain", "contend", "predict",
    "promise", "vow", "pledge", "concede", "declare", "indicate", "agree", "hint", "signal",
    "complain", "caution", "ask", "urge", "recall", "observe", "remark", "reply", "respond",
    "counter", "mention", "disclose", "allege", "testify", "speculate", "estimate", "conclude",
    "believe", "think", "fear", "worry", "hope", "charge", "boast", "acknowledge", "affirm",
    "reckon", "tweet", "post", "announce", "assure", "remind", "inform", "explain", "comment",
    "continue", "point", "find", "show", "suggest", "propose", "demand", "predict", "guarantee",
    "caution", "joke", "quip", "recount", "lament", "concur", "contend", "dispute",
    "retort", "shout", "scream", "yell", "whisper", "muse", "acknowledge", "emphasize", "repeat",
    "elaborate", "posit", "surmise", "theorize", "theorise", "stipulate",
    "insinuate", "imply", "threaten", "tout", "brag", "gush", "assess", "forecast",
    "calculate", "project", "concede", "confide", "detail", "outline", "highlight", "describe",
    "proclaim", "chant", "rule",
    # how something was said: they report the quote or clause right next to them
    "bark", "boom", "interject", "snap", "thunder", "exclaim", "plead", "scoff", "murmur", "mutter",
    "mumble", "holler", "bellow", "growl", "sigh", "wonder", "interrupt", "answer", "tease", "taunt",
    "rant", "blurt", "echo", "cry", "laugh", "sneer", "gripe", "grumble", "chide", "marvel", "exult",
}

OBJECT = {
    "reject", "criticise", "criticize", "condemn", "deny", "praise", "welcome", "underscore",
    "highlight", "dismiss", "slam", "blast", "accuse", "describe", "call", "question",
    "dispute", "back", "endorse", "oppose", "cite", "blame", "tout", "laud", "hail", "decry",
    "lament", "demand", "propose", "ask", "acknowledge", "announce", "confirm", "promise", "pledge",
    "vow", "urge", "caution", "warn", "stress", "emphasise", "emphasize", "reiterate", "defend",
    "applaud", "commend", "denounce", "deplore", "bemoan", "mock", "ridicule", "chastise",
    "rebuke", "castigate", "fault", "credit", "thank", "support", "advocate", "recommend",
    "predict", "suggest", "note", "mention", "admit", "concede", "reveal", "disclose", "report",
    "recall", "describe", "label", "brand", "dub", "term", "characterise", "characterize",
    "question", "challenge", "raise", "pointed", "point", "refute", "contradict", "knock",
    "lash", "rip", "trash", "bash", "scold", "berate", "lambast", "lambaste",
    "liken", "compare", "exhort", "implore", "proclaim", "attack", "encourage", "reference",
    "herald", "declare", "refer", "claim", "detail",
}

# Verbs that rarely report on their own: only counted with a clause complement or a quote.
WEAK = {
    "find", "show", "continue", "point", "figure", "project", "calculate", "detail",
    "outline", "highlight", "defend", "back", "support", "hit", "raise", "credit", "thank",
    "post", "call", "ask", "agree", "promise", "demand", "propose", "predict", "fear", "estimate", "tell", "add", "remind", "inform", "think", "believe", "hope", "fear",
    "worry", "reason", "assess", "challenge", "knock", "lash", "rip", "trash", "bash", "pan",
    "pointed", "recall", "mention", "note", "join", "imply", "threaten", "guarantee", "project",
    "attack", "encourage", "reference", "rule", "refer", "decline", "refuse",
    "bark", "boom", "interject", "snap", "thunder", "exclaim", "plead", "scoff", "murmur", "mutter",
    "mumble", "holler", "bellow", "growl", "sigh", "wonder", "interrupt", "answer", "tease", "taunt",
    "rant", "blurt", "echo", "cry", "laugh", "sneer", "gripe", "grumble", "chide", "marvel", "exult",
}

# Weak verbs whose plain noun-phrase object is what a source put forward ("proposed a tax
# credit", "noted the clot’s existence", "promised a veto", "mentioned the cost of child care",
# "attacked the new tariffs"), when their subject is a person or organisation (a thing's object is
# no statement). Not "defended" or "backed": a defence is usually argued in a clause of its own,
# and backing someone is support, not speech.
NOUN_PHRASE_REPORTS = {"propose", "promise", "pledge", "note", "mention", "attack", "endorse", "claim", "detail", "recall"}
# What a speaker lays or spells out ("laid out her plan").
PROGRAMME_NOUNS = {
    "plan", "plans", "proposal", "proposals", "case", "vision", "agenda", "argument", "arguments", "details", "steps", "reasons",
    "terms", "conditions", "priorities", "position", "positions", "policy", "policies", "strategy", "views", "risks", "platform",
}

# Of those, the verbs that are also deeds ("troops attacked the town"): a group's object is no statement.
DEEDS_TOO = {"attack"}

# Verbs that make any subject a source ("63 percent said", "another slide shows that").
STRONG = {
    "say", "tell", "state", "report", "write", "find", "show", "estimate", "conclude", "predict", "suggest",
    "note", "add", "warn", "claim", "according to", "agree", "indicate",
}

# How the speaker stands to what a cue reports (candidates.Stance).
DENIAL = {"deny", "reject", "refute", "dismiss", "dispute", "contradict", "rebut", "disavow", "repudiate", "debunk"}
COGNITION = {"believe", "think", "fear", "worry", "hope", "expect", "feel", "doubt", "suspect", "assume", "imagine", "reckon"}
# "wants to triple the programme", "plans to call on young people": an intention, not speech.
INTENTION = {"want", "plan", "intend", "seek", "aim", "wish"}
# "declined to comment", "refused to say whether …": an attribution of silence, when what was
# declined is a speech act.
DECLINE = {"decline", "refuse"}
SPEECH_ACTS = {
    "comment", "say", "discuss", "elaborate", "answer", "confirm", "deny", "speculate", "respond", "specify",
    "disclose", "identify", "name", "reveal", "address", "explain", "detail", "talk", "apologize", "apologise", "rule",
}
# Replies that, negated and about a comment, are a refusal ("did not respond to requests for comment").
REPLY = {"respond", "reply", "return"}

OBJECT |= DENIAL
SAY |= COGNITION
WEAK |= COGNITION

CUE_LEMMAS = SAY | OBJECT | DECLINE | INTENTION

# Particles and prepositions that belong to a cue ("pointed out", "called for", "warned against").
PHRASAL = {
    "point": {"out", "to"}, "call": {"for", "on", "out"}, "warn": {"against", "of", "about"},
    "caution": {"against"}, "lash": {"out"}, "hit": {"out", "back"}, "push": {"back"},
    "speak": {"out", "of", "about"}, "argue": {"for", "against"}, "rail": {"against"},
    "weigh": {"in", "on", "about"}, "sound": {"off"}, "fire": {"back"}, "lay": {"out"}, "spell": {"out"},
    # a topic of speech: "talked about the drug crisis", "referring to the party's convention"
    "talk": {"about"}, "refer": {"to"}, "complain": {"about"}, "brag": {"about"}, "boast": {"about", "of"}, "comment": {"on", "about"},
    "ask": {"about"},
}

IRREGULAR = {
    "say": ["said", "says", "saying"], "tell": ["told", "tells", "telling"], "write": ["wrote", "written", "writes", "writing"],
    "think": ["thought", "thinks", "thinking"], "find": ["found", "finds", "finding"], "show": ["showed", "shown", "shows", "showing"],
    "hit": ["hit", "hits", "hitting"], "rip": ["ripped", "rips", "ripping"], "quip": ["quipped", "quips", "quipping"],
    "lay": ["laid", "lays", "laying"], "seek": ["sought", "seeks", "seeking"], "plan": ["planned", "plans", "planning"], "spell": ["spelled", "spelt", "spells", "spelling"], "speak": ["spoke", "spoken", "speaks", "speaking"],
    "fire": ["fired", "fires", "firing"], "slam": ["slammed", "slams", "slamming"], "pan": ["panned", "pans", "panning"],
    "rail": ["railed", "rails", "railing"], "admit": ["admitted", "admits", "admitting"], "refer": ["referred", "refers", "referring"],
    "feel": ["felt", "feels", "feeling"], "pointed": [], "echo": ["echoed", "echoes", "echoing"], "plead": ["pleaded", "pled", "pleads", "pleading"],
}


def inflect(lemma: str) -> set[str]:
    """A verb's forms: base, -s, past, -ing (doubling a final consonant where English does)."""
    if lemma in IRREGULAR:
        return {lemma, *IRREGULAR[lemma]}
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma + "s", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ied", lemma[:-1] + "ies", lemma + "ing"}
    elif re.search(r"(s|sh|ch|x|z)$", lemma):
        forms |= {lemma + "ed", lemma + "es", lemma + "ing"}
    elif re.search(r"[^aeiou][aeiou][bdgmnpt]$", lemma) and lemma not in {"credit", "limit", "visit", "edit", "vomit", "posit", "counter", "blast", "liken", "threaten", "reckon"}:
        forms |= {lemma + lemma[-1] + "ed", lemma + "s", lemma + lemma[-1] + "ing"}
    else:
        forms |= {lemma + "ed", lemma + "s", lemma + "ing"}
    return forms


FORM_TO_LEMMA: dict[str, str] = {}
for _lemma in sorted(CUE_LEMMAS | set(PHRASAL)):
    for _form in inflect(_lemma):
        FORM_TO_LEMMA.setdefault(_form, _lemma)

# Nominal cues that introduce a source: "according to X", "in a statement", "in an interview".
ACCORDING = re.compile(r"\b(according to|as reported by|in the words of)\b", re.I)

# Lemmas whose base and -s forms are more often nouns ("the United States", "a tweet",
# "public support"): those forms alone do not make a sentence worth parsing.
NOUNY = {
    "state", "tweet", "support", "point", "back", "call", "post", "question", "attack", "remark",
    "comment", "claim", "report", "raise", "mention", "find", "speak", "continue",
    "fear", "hope", "worry", "estimate", "charge", "demand", "promise", "pledge", "vow", "note", "reply",
    "respond", "signal", "hint", "quip", "joke", "boast", "lament", "dispute", "challenge", "credit",
    "thank", "hit", "blast", "slam", "rip", "trash", "bash", "pan", "knock", "project", "detail",
    "outline", "highlight", "dub", "term", "label", "brand", "guarantee", "forecast", "tout", "praise",
    "welcome", "blame", "cite", "record", "fire", "lay", "spell", "rail", "weigh", "sound", "push", "lash",
    "caution", "counter", "concede", "reason", "assess", "post", "ask", "warn", "urge", "defend", "mock",
    "fault", "advocate", "recommend", "predict", "suggest", "announce", "confirm", "reveal", "deny",
    "propose", "indicate", "describe", "stress", "add", "observe", "repeat", "recall", "write",
    "rule", "attack", "reference", "chant", "compare",
    "bark", "boom", "snap", "thunder", "scoff", "murmur", "sigh", "wonder", "answer", "tease",
    "taunt", "rant", "echo", "cry", "laugh", "sneer", "gripe", "marvel", "growl", "interrupt",
}


# Cues that report only a quote, a colon or a that-clause next to them ("barked", "likened X to
# “…”", "attacked “…”"): a sentence holding one is parsed only when it also holds such content.
NEEDS_CONTENT = {
    "bark", "boom", "interject", "snap", "thunder", "exclaim", "plead", "scoff", "murmur", "mutter",
    "mumble", "holler", "bellow", "growl", "sigh", "wonder", "interrupt", "answer", "tease", "taunt",
    "rant", "blurt", "echo", "cry", "laugh", "sneer", "gripe", "grumble", "chide", "marvel", "exult",
    "reference", "refer", "herald", "chant", "rule", "talk",
    "expect", "feel", "doubt", "suspect", "assume", "imagine", "decline", "refuse",
    "want", "plan", "intend", "seek", "aim", "wish",
}


def _nouny_form(form: str, lemma: str) -> bool:
    if lemma in NEEDS_CONTENT:
        return True
    return lemma in NOUNY and not form.endswith(("ed", "ing")) and form not in {"said", "told", "wrote", "thought", "found", "shown", "spoke", "spoken", "laid", "hit"}


# The prefilter looks words up in sets (one pass over a sentence's words), not in one regular
# expression with hundreds of alternatives: a cue form, or a weak one beside reported content.
CUE_FORMS = frozenset(form for form, lemma in FORM_TO_LEMMA.items() if not _nouny_form(form, lemma))
WEAK_CUE_FORMS = frozenset(form for form, lemma in FORM_TO_LEMMA.items() if _nouny_form(form, lemma))
INVERTED_FORMS = frozenset(form for form in WEAK_CUE_FORMS if FORM_TO_LEMMA[form] in SAY)
# A weak form right before a pronoun or determiner that opens a clause or a finding ("Lynch
# notes they were appointed …", "Reyes claims he never paid", "experts suspect those losses
# were …", "the poll indicates a tightening race"): a report without "that", worth a parse.
# "The dam will not hold, the chief engineer warns.": a weak form closing its sentence after a comma.
CLOSING_CUE_RE = re.compile(r",\s+(?:[A-Za-z’'.-]+\s+){1,5}([a-z]+)\s*[.!?]?\s*$")
CLAUSE_AFTER_CUE_RE = re.compile(r"\b([a-z]+)\s+(?:he|she|they|we|I|it|there|those|these|the|a|an|his|her|their|its)\s+[a-z’']+", re.I)
ACCORDING_WORDS = frozenset({"according", "reported", "words"})
# A cue that names the topic of speech ("talked about the drug crisis", "was referring to the
# convention"): weak forms, worth a parse only with their preposition.
TOPIC_WORDS = frozenset({"about", "to"})
TOPIC_CUE_RE = re.compile(r"\b(?:talk(?:s|ed|ing)?\s+about|refer(?:s|red|ring)\s+to)\b", re.I)
# Nouns that report someone's statement in a that-clause ("Trump's claim that X", "a New York
# Times report that X"); "denial" reports what was denied.
REPORT_NOUNS = frozenset({
    "claim", "assertion", "statement", "report", "allegation", "argument", "promise", "pledge", "warning", "suggestion",
    "insistence", "contention", "emphasis", "charge", "accusation", "assurance", "prediction", "announcement", "admission",
    "acknowledgment", "acknowledgement", "remark", "vow", "threat", "denial", "assessment", "conclusion", "finding",
})
REPORTED_CONTENT = re.compile(r"\bthat\b|[“”\":]|''")
# A weak form right after a comma or dash and before its subject closes a statement ("The plan
# will fail, adds Smith."; "…, warns the IMF"): an inverted cue, worth a parse on its own.
INVERTED_CUE_RE = re.compile(r"[,—–]\s*([A-Za-z]+)\s+(?:the\s+|a\s+|an\s+)?[A-Za-z]")

# "declined to comment", "refused to say whether", "did not respond to requests for comment";
# "wants to …", "plans to …".
DECLINED_PREFIXES = ("declin", "refus", "respond", "repl", "return", "want", "plan", "intend", "seek", "sought", "aim", "wish", "hope",
                     "expect")
DECLINED_RE = re.compile(
    r"\b(?:declin|refus)\w*\s+to\s+(?:" + "|".join(sorted(SPEECH_ACTS)) + r")\b|\b(?:respond|repl|return)\w*\b[^.]{0,60}\bcomment"
    r"|\b(?:want|plan|intend|seek|sought|aim|wish|hope|expect)(?:s|ed|ing|ned|ning)?\s+to\s+[a-z]",
    re.I,
)

PERSONAL = {"he", "she"}
PLURAL_PRONOUNS = {"they", "we"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "one", "who", "which", "that"}

# Titles and roles: stripped from a name, kept as the person's role.
TITLE_WORDS = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sen", "senator", "rep", "representative",
    "gov", "governor", "gen", "general", "col", "colonel", "lt", "sgt", "capt", "captain", "adm", "admiral",
    "president", "vice", "premier", "minister", "secretary", "mayor", "chief", "sir", "lord", "lady",
    "chancellor", "chairman", "chairwoman", "chair", "speaker", "leader", "director", "spokesman",
    "spokeswoman", "spokesperson", "ambassador", "judge", "justice", "candidate", "nominee", "king",
    "queen", "prince", "princess", "pope", "rev", "reverend", "father", "bishop", "attorney", "officer",
    "commissioner", "councillor", "councilman", "councilwoman", "councilor", "deputy", "head", "ceo",
    "founder", "executive", "manager", "coach", "editor", "correspondent", "analyst", "economist",
    "professor", "dean", "host", "anchor", "delegate", "envoy", "commander", "marshal", "sheriff",
    "superintendent", "treasurer", "comptroller", "auditor", "sec", "sens", "reps", "govs", "pres",
    "secretary-general", "prime", "foreign", "defence", "defense", "interior", "finance", "health",
    "state", "labour", "labor", "home", "trade", "energy", "justice", "education", "first", "former",
    "acting", "incoming", "outgoing", "senior", "junior", "assistant", "associate", "press", "campaign",
    "manager", "strategist", "adviser", "advisor", "aide", "counsel", "lawyer", "gop", "democratic",
    "republican", "democrat", "independent", "majority", "minority", "whip", "house", "senate",
    "white", "general-secretary", "mp", "mep", "ag", "doctor", "nurse", "chairperson", "president-elect",
    "vice-president", "del", "delegate", "u.s.", "us", "uk", "eu", "un", "nato", "national", "federal", "county", "city",
}

# Head nouns that make a common-noun phrase a possible speaker.
SPEAKER_NOUNS = {
    "official", "officials", "spokesman", "spokeswoman", "spokesperson", "source", "sources", "aide",
    "aides", "diplomat", "diplomats", "minister", "ministers", "secretary", "president", "leader",
    "leaders", "person", "people", "expert", "experts", "analyst", "analysts", "critic", "critics",
    "report", "statement", "study", "survey", "poll", "police", "government", "administration",
    "campaign", "spokespeople", "chancellor", "governor", "senator", "lawmaker", "lawmakers",
    "adviser", "advisers", "advisor", "advisors", "economist", "economists", "lawyer", "lawyers",
    "attorney", "prosecutor", "prosecutors", "judge", "officer", "officers", "member", "members",
    "representative", "representatives", "voters", "residents", "activists", "supporters",
    "opponents", "researchers", "scientists", "doctors", "authorities", "ministry", "department",
    "agency", "committee", "group", "party", "team", "director", "chief", "head", "mayor",
    "ambassador", "envoy", "commander", "candidate", "nominee", "democrats", "republicans", "powers",
    "allies", "countries", "nations", "states", "governments", "observers", "insiders", "executives",
    "organizers", "organisers", "statement", "letter", "memo", "filing", "lawsuit", "data", "figures",
    "paper", "newspaper", "network", "outlet", "court", "board", "council", "union", "company", "firm",
    "bank", "fund", "agency", "office", "spokesmen", "army", "military", "navy", "ministry", "kremlin",
    "embassy", "regime", "cabinet", "parliament", "senate", "house", "congress", "prosecutor's",
    "investigators", "witnesses", "protesters", "demonstrators", "medics", "rescuers", "troops",
    "militants", "rebels", "forces", "lawyers", "families", "relatives", "workers", "unions", "employers",
    "economists", "banks", "markets", "companies", "firms", "airline", "hospital", "school", "university", "secretary-general", "chairman", "chairwoman",
}

# People described by what they are ("a woman who said", "one voter").
SPEAKER_NOUNS |= {
    "man", "men", "woman", "women", "voter", "resident", "student", "students", "mother", "father", "wife",
    "husband", "son", "daughter", "friend", "friends", "neighbour", "neighbor", "colleague", "colleagues",
    "teacher", "teachers", "worker", "owner", "owners", "farmer", "farmers", "supporter", "opponent",
    "activist", "professor", "researcher", "scientist", "doctor", "nurse", "nurses", "soldier", "soldiers",
    "veteran", "veterans", "victim", "victims", "witness", "survivor", "survivors", "attendee", "attendees",
    "protester", "organizer", "organiser", "host", "author", "writer", "reporter", "reporters", "journalist",
    "journalists", "columnist", "commentator", "commentators", "pollster", "pollsters", "strategist",
    "strategists", "consultant", "historian", "historians", "executive", "ceo", "founder", "chairman",
    "chairwoman", "president", "governor", "senator", "congressman", "congresswoman", "lawmaker", "delegate",
    "delegates", "mayor", "candidate", "nominee", "parent", "parents", "patient", "patients", "customer",
    "customers", "user", "users", "fan", "fans", "player", "players", "coach", "official", "officials",
    "spokesman", "spokeswoman", "aide", "aides", "staffer", "staffers", "insider", "insiders", "expert",
    "experts", "citizen", "citizens", "people", "person", "lawyer", "attorney", "minister", "diplomat",
}

SPEAKER_NOUNS |= {
    "businessman", "businesswoman", "narrator", "billionaire", "mogul", "challenger", "incumbent",
    "legislator", "legislators", "contender", "contenders", "nominees", "candidates", "governors",
    "senators", "mayors", "presidents", "spokespersons", "announcer", "moderator", "moderators",
    "interviewer", "panelist", "panelists", "caller", "callers", "speaker", "speakers", "chairs",
}

# Suffixes of nouns that name people ("congressman", "chairperson", "economist", "novelist").
PERSON_SUFFIX = re.compile(r"(?:[a-z]{3,}(?:man|men|woman|women|person|people)|[a-z]{4,}ists?)$")


def is_speaker_noun(word: str) -> bool:
    """Whether a common noun can head a speaker phrase ("the businessman", "a columnist")."""
    w = word.lower()
    return w in SPEAKER_NOUNS or bool(PERSON_SUFFIX.fullmatch(w))


GENERIC_ANAPHORS = {"person", "official", "source", "diplomat", "spokesman", "spokeswoman",
                    "spokesperson", "aide", "adviser", "advisor", "officer", "expert", "analyst", "minister",
                    "secretary", "president", "chancellor", "senator", "governor", "mayor", "leader",
                    "ambassador", "envoy", "candidate", "nominee", "chief", "director", "lawyer", "attorney"}

# Words that say when something was said ("on Monday", "last week"), not what.
TIME_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "morning", "afternoon", "evening", "night",
    "week", "weekend", "month", "year", "years", "spring", "summer", "fall", "autumn", "winter",
}

# What a statement was made in or at ("in a ruling", "in an interview", "in July", "since the
# debate"): the occasion, not part of what was said.
OCCASIONS = {
    "debate", "debates", "speech", "interview", "statement", "ruling", "tweet", "tweets", "rally", "hearing", "letter",
    "appearance", "meeting", "conference", "address", "forum", "remarks", "diatribe", "op-ed", "column", "email", "e-mail",
    "briefing", "broadcast", "video", "ad", "advertisement", "summit", "post", "posts", "filing", "memo", "testimony",
}

# Nouns that name a study, poll or record: what such a source finds is reported.
DATA_SOURCES = {
    "study", "studies", "analysis", "analyses", "poll", "polls", "survey", "surveys", "report", "reports", "data",
    "research", "review", "audit", "investigation", "records", "documents", "figures", "estimates", "statistics",
    "census", "projections", "filings", "tally", "count", "average", "averages", "polling", "returns", "model", "models",
    "forecasts",
}
