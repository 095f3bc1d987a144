"""Azure Speech's detailed results → segments.

The fixtures are written the way the Python SDK hands them over in ``result.json`` with
``OutputFormat.Detailed`` and ``request_word_level_timestamps()``: ``RecognitionStatus`` as a
string, times in 100-ns ticks from the start of the pushed audio, ``NBest[0].Words`` with
``Confidence`` when the service sends it. The shape follows results quoted from the SDK in
Azure-Samples/cognitive-services-speech-sdk issues #12, #1752 and #1971, and in
https://learn.microsoft.com/en-au/answers/questions/782308/cannot-get-wordlevel-timestamps-when-using-speech
"""

import json

import pytest

from analysis.speech.fillers import count_by_kind, filler_spans
from streams.transcription.azure_mapping import map_result, map_results, punctuate

# A normal answer: word confidences present, ITN writes "six" as "6".
NORMAL = """
{"Id":"8c2b5d6e1f0a4b7c9d3e2f1a0b9c8d7e","RecognitionStatus":"Success","Offset":7200000,"Duration":37400000,
 "Channel":0,"DisplayText":"I led the migration to Kubernetes, and it took about 6 months.",
 "NBest":[{"Confidence":0.93817693,
   "Lexical":"i led the migration to kubernetes and it took about six months",
   "ITN":"i led the migration to kubernetes and it took about 6 months",
   "MaskedITN":"i led the migration to kubernetes and it took about 6 months",
   "Display":"I led the migration to Kubernetes, and it took about 6 months.",
   "Words":[
    {"Word":"i","Offset":7200000,"Duration":1600000,"Confidence":0.9512},
    {"Word":"led","Offset":8900000,"Duration":2700000,"Confidence":0.9487},
    {"Word":"the","Offset":11700000,"Duration":1100000,"Confidence":0.9876},
    {"Word":"migration","Offset":12900000,"Duration":5300000,"Confidence":0.9603},
    {"Word":"to","Offset":18300000,"Duration":1200000,"Confidence":0.9811},
    {"Word":"kubernetes","Offset":19600000,"Duration":6900000,"Confidence":0.7725},
    {"Word":"and","Offset":28100000,"Duration":1500000,"Confidence":0.9452},
    {"Word":"it","Offset":29700000,"Duration":900000,"Confidence":0.9701},
    {"Word":"took","Offset":30700000,"Duration":2500000,"Confidence":0.9634},
    {"Word":"about","Offset":33300000,"Duration":3100000,"Confidence":0.9588},
    {"Word":"six","Offset":36500000,"Duration":3300000,"Confidence":0.9322},
    {"Word":"months","Offset":39900000,"Duration":4700000,"Confidence":0.9415}]}]}
"""

# Words with times but no confidences (older services, or word confidence not requested).
WITHOUT_WORD_CONFIDENCE = """
{"Id":"0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a","RecognitionStatus":"Success","Offset":2300000,"Duration":19800000,
 "Channel":0,"DisplayText":"Yes, I'd be happy to walk you through it.",
 "NBest":[{"Confidence":0.8837,
   "Lexical":"yes i'd be happy to walk you through it",
   "ITN":"yes i'd be happy to walk you through it",
   "MaskedITN":"yes i'd be happy to walk you through it",
   "Display":"Yes, I'd be happy to walk you through it.",
   "Words":[
    {"Word":"yes","Offset":2300000,"Duration":3900000},
    {"Word":"i'd","Offset":6800000,"Duration":1900000},
    {"Word":"be","Offset":8800000,"Duration":1100000},
    {"Word":"happy","Offset":10000000,"Duration":2900000},
    {"Word":"to","Offset":13000000,"Duration":900000},
    {"Word":"walk","Offset":14000000,"Duration":2200000},
    {"Word":"you","Offset":16300000,"Duration":1100000},
    {"Word":"through","Offset":17500000,"Duration":2300000},
    {"Word":"it","Offset":19900000,"Duration":2200000}]}]}
"""

# Disfluency removal on: the display form drops "um" and "uh", the lexical words keep them.
FILLERS_DROPPED_FROM_DISPLAY = """
{"Id":"5e4d3c2b1a0f4e9d8c7b6a5f4e3d2c1b","RecognitionStatus":"Success","Offset":4100000,"Duration":41200000,
 "Channel":0,"DisplayText":"So I worked on the payments team for 2 years.",
 "NBest":[{"Confidence":0.8921,
   "Lexical":"um so i uh worked on the payments team for two years",
   "ITN":"um so i uh worked on the payments team for 2 years",
   "MaskedITN":"um so i uh worked on the payments team for 2 years",
   "Display":"So I worked on the payments team for 2 years.",
   "Words":[
    {"Word":"um","Offset":4100000,"Duration":4300000,"Confidence":0.7012},
    {"Word":"so","Offset":9900000,"Duration":2100000,"Confidence":0.9134},
    {"Word":"i","Offset":12100000,"Duration":1000000,"Confidence":0.9567},
    {"Word":"uh","Offset":13200000,"Duration":3800000,"Confidence":0.6648},
    {"Word":"worked","Offset":18700000,"Duration":3100000,"Confidence":0.9488},
    {"Word":"on","Offset":21900000,"Duration":1100000,"Confidence":0.9702},
    {"Word":"the","Offset":23100000,"Duration":900000,"Confidence":0.9811},
    {"Word":"payments","Offset":24100000,"Duration":5200000,"Confidence":0.9356},
    {"Word":"team","Offset":29400000,"Duration":2800000,"Confidence":0.9603},
    {"Word":"for","Offset":32300000,"Duration":1500000,"Confidence":0.9577},
    {"Word":"two","Offset":33900000,"Duration":2700000,"Confidence":0.9248},
    {"Word":"years","Offset":36700000,"Duration":8600000,"Confidence":0.9431}]}]}
"""

# Disfluency removal off: the display form keeps the fillers and sets them off with commas.
FILLERS_KEPT_IN_DISPLAY = """
{"Id":"a1b2c3d4e5f60718293a4b5c6d7e8f90","RecognitionStatus":"Success","Offset":1500000,"Duration":36500000,
 "Channel":0,"DisplayText":"Um, so I was, like, the lead on that project.",
 "NBest":[{"Confidence":0.9066,
   "Lexical":"um so i was like the lead on that project",
   "ITN":"um so i was like the lead on that project",
   "MaskedITN":"um so i was like the lead on that project",
   "Display":"Um, so I was, like, the lead on that project.",
   "Words":[
    {"Word":"um","Offset":1500000,"Duration":3600000,"Confidence":0.7311},
    {"Word":"so","Offset":6400000,"Duration":2200000,"Confidence":0.9205},
    {"Word":"i","Offset":8700000,"Duration":900000,"Confidence":0.9644},
    {"Word":"was","Offset":9700000,"Duration":2300000,"Confidence":0.9571},
    {"Word":"like","Offset":13100000,"Duration":2700000,"Confidence":0.8874},
    {"Word":"the","Offset":16800000,"Duration":1000000,"Confidence":0.9733},
    {"Word":"lead","Offset":17900000,"Duration":3300000,"Confidence":0.9512},
    {"Word":"on","Offset":21300000,"Duration":1200000,"Confidence":0.9689},
    {"Word":"that","Offset":22600000,"Duration":2400000,"Confidence":0.9602},
    {"Word":"project","Offset":25100000,"Duration":12900000,"Confidence":0.9377}]}]}
"""

# A ConversationTranscriber result: "Type" and "SpeakerId" beside the usual fields.
CONVERSATION = """
{"Id":"3f2e1d0c9b8a47f6e5d4c3b2a1f0e9d8","RecognitionStatus":"Success","Offset":153000000,"Duration":24300000,
 "Channel":0,"Type":"ConversationTranscription","SpeakerId":"Guest-2",
 "DisplayText":"Tell me about a time you disagreed with your manager.",
 "NBest":[{"Confidence":0.9402,
   "Lexical":"tell me about a time you disagreed with your manager",
   "ITN":"tell me about a time you disagreed with your manager",
   "MaskedITN":"tell me about a time you disagreed with your manager",
   "Display":"Tell me about a time you disagreed with your manager.",
   "Words":[
    {"Word":"tell","Offset":153000000,"Duration":2100000,"Confidence":0.9633},
    {"Word":"me","Offset":155200000,"Duration":1100000,"Confidence":0.9721},
    {"Word":"about","Offset":156400000,"Duration":2500000,"Confidence":0.9588},
    {"Word":"a","Offset":159000000,"Duration":500000,"Confidence":0.9012},
    {"Word":"time","Offset":159600000,"Duration":3200000,"Confidence":0.9475},
    {"Word":"you","Offset":162900000,"Duration":1200000,"Confidence":0.9519},
    {"Word":"disagreed","Offset":164200000,"Duration":4700000,"Confidence":0.9102},
    {"Word":"with","Offset":169000000,"Duration":1400000,"Confidence":0.9655},
    {"Word":"your","Offset":170500000,"Duration":1600000,"Confidence":0.9377},
    {"Word":"manager","Offset":172200000,"Duration":5100000,"Confidence":0.9444}]}]}
"""

# Continuous recognition over one 30-s piece: speech, a stretch Azure could not match, speech.
CONTINUOUS = [
    """{"Id":"11111111111111111111111111111111","RecognitionStatus":"Success","Offset":5200000,"Duration":16100000,
 "Channel":0,"DisplayText":"Good question.","NBest":[{"Confidence":0.9521,"Lexical":"good question",
 "ITN":"good question","MaskedITN":"good question","Display":"Good question.","Words":[
  {"Word":"good","Offset":5200000,"Duration":4400000,"Confidence":0.9611},
  {"Word":"question","Offset":9700000,"Duration":11600000,"Confidence":0.9433}]}]}""",
    """{"Id":"22222222222222222222222222222222","RecognitionStatus":"NoMatch","Offset":38000000,"Duration":21000000,
 "Channel":0}""",
    """{"Id":"33333333333333333333333333333333","RecognitionStatus":"Success","Offset":92000000,"Duration":12500000,
 "Channel":0,"DisplayText":"Let me think.","NBest":[{"Confidence":0.9307,"Lexical":"let me think",
 "ITN":"let me think","MaskedITN":"let me think","Display":"Let me think.","Words":[
  {"Word":"let","Offset":92000000,"Duration":2600000,"Confidence":0.9402},
  {"Word":"me","Offset":94700000,"Duration":1500000,"Confidence":0.9555},
  {"Word":"think","Offset":96300000,"Duration":8200000,"Confidence":0.8964}]}]}""",
]


def test_words_get_absolute_times_confidences_and_display_punctuation() -> None:
    segment = map_result(NORMAL, offset=60.0, language="en")
    assert segment is not None
    assert segment.text == "I led the migration to Kubernetes, and it took about six months."
    assert [(w.word, w.start, w.end, w.confidence) for w in segment.words[4:7]] == [
        ("to", 61.83, 61.95, 0.9811),
        ("Kubernetes,", 61.96, 62.65, 0.7725),
        ("and", 62.81, 62.96, 0.9452),
    ]
    assert (segment.start, segment.end) == (60.72, 64.46)
    assert segment.confidence == pytest.approx(sum(w.confidence for w in segment.words) / 12, abs=1e-4)
    assert (segment.language, segment.speaker) == ("en", None)


def test_parsed_json_maps_like_the_string() -> None:
    assert map_result(json.loads(NORMAL), 60.0, "en") == map_result(NORMAL, 60.0, "en")


def test_words_without_confidence_take_the_phrase_confidence() -> None:
    segment = map_result(WITHOUT_WORD_CONFIDENCE, offset=0.0, language="en")
    assert segment is not None
    assert {w.confidence for w in segment.words} == {0.8837}
    assert segment.confidence == 0.8837
    assert segment.text == "Yes, I'd be happy to walk you through it."


@pytest.mark.parametrize("status", ["NoMatch", "InitialSilenceTimeout", "BabbleTimeout", "Error"])
def test_results_without_speech_give_no_segment(status: str) -> None:
    result = (
        f'{{"Id":"9a8b7c6d5e4f30211203f4e5d6c7b8a9","RecognitionStatus":"{status}",'
        '"Offset":300000000,"Duration":0,"Channel":0}'
    )
    assert map_result(result, 0.0, "en") is None


def test_success_with_an_empty_phrase_gives_no_segment() -> None:
    empty = (
        '{"Id":"6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e","RecognitionStatus":"Success","Offset":10000000,'
        '"Duration":4000000,"Channel":0,"DisplayText":"","NBest":[{"Confidence":0.0,"Lexical":"",'
        '"ITN":"","MaskedITN":"","Display":""}]}'
    )
    assert map_result(empty, 0.0, "en") is None


def test_fillers_the_display_form_dropped_are_kept_and_counted() -> None:
    segment = map_result(FILLERS_DROPPED_FROM_DISPLAY, offset=0.0, language="en")
    assert segment is not None
    assert [w.word for w in segment.words] == [
        "um", "So", "I", "uh", "worked", "on", "the", "payments", "team", "for", "two", "years.",
    ]  # fmt: skip
    assert count_by_kind(filler_spans([w.word for w in segment.words])) == {"um": 1, "uh": 1}
    um = segment.words[0]
    assert (um.start, um.end) == (0.41, 0.84)


def test_display_commas_decide_whether_like_is_a_filler() -> None:
    segment = map_result(FILLERS_KEPT_IN_DISPLAY, offset=0.0, language="en")
    assert segment is not None
    words = [w.word for w in segment.words]
    assert words[:5] == ["Um,", "so", "I", "was,", "like,"]
    assert count_by_kind(filler_spans(words)) == {"um": 1, "like": 1}
    # The bare lexical words would hide the filler "like" ("was like the lead").
    lexical = json.loads(FILLERS_KEPT_IN_DISPLAY)["NBest"][0]["Lexical"].split()
    assert count_by_kind(filler_spans(lexical)) == {"um": 1}


def test_conversation_transcriber_speaker_is_kept() -> None:
    segment = map_result(CONVERSATION, offset=0.0, language="en")
    assert segment is not None
    assert segment.speaker == "Guest-2"
    assert (segment.start, segment.end) == (15.3, 17.73)


def test_speaker_not_yet_identified_is_no_speaker() -> None:
    unknown = json.loads(CONVERSATION) | {"SpeakerId": "Unknown"}
    segment = map_result(unknown, offset=0.0, language="en")
    assert segment is not None and segment.speaker is None


def test_continuous_results_become_ordered_segments_on_the_recording_timeline() -> None:
    segments = map_results(CONTINUOUS, offset=30.0, language="en")
    assert [(s.text, s.start, s.end) for s in segments] == [
        ("Good question.", 30.52, 32.13),
        ("Let me think.", 39.2, 40.45),
    ]


def test_rewritten_numbers_keep_the_spoken_words_and_the_comma_after_them() -> None:
    words = ["in", "twenty", "nineteen", "i", "joined", "as", "a", "junior"]
    assert punctuate(words, "In 2019, I joined as a junior.") == [
        "In", "twenty", "nineteen,", "I", "joined", "as", "a", "junior.",
    ]  # fmt: skip


def test_currency_symbol_is_not_carried_but_the_full_stop_is() -> None:
    assert punctuate(["it", "cost", "nine", "hundred", "dollars"], "It cost $900.") == [
        "It", "cost", "nine", "hundred", "dollars.",
    ]  # fmt: skip


def test_curly_apostrophes_and_lone_dashes_still_line_up() -> None:
    assert punctuate(["i'm", "not", "sure", "we", "could"], "I\u2019m not sure - we could") == [
        "I\u2019m", "not", "sure-", "we", "could",
    ]  # fmt: skip


def test_without_display_text_the_lexical_words_are_used() -> None:
    assert punctuate(["so", "um", "yes"], "") == ["so", "um", "yes"]
