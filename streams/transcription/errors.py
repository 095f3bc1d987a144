"""Errors the transcriber raises, each with words for the person who uploaded the file."""

from __future__ import annotations

from topics.errors import InterviewBuddyError


class MediaError(InterviewBuddyError):
    """The uploaded file cannot be turned into speech."""

    code = "media_error"
    user_message = (
        "We could not read the audio in your recording. Please upload an MP4, MOV, WebM, M4A or WAV file."
    )


class NotMediaError(MediaError):
    code = "not_media"
    user_message = (
        "This file is not an audio or video recording. Please upload the recording itself "
        "(MP4, MOV, WebM, M4A or WAV)."
    )


class EmptyRecordingError(MediaError):
    code = "empty_recording"
    user_message = "The uploaded file is empty (0 bytes). Please upload the recording again."


class TruncatedMediaError(MediaError):
    code = "truncated_media"
    user_message = (
        "The recording is incomplete: the file seems to have been cut off while it was copied or "
        "uploaded. Please upload the complete file again."
    )


class NoAudioTrackError(MediaError):
    code = "no_audio_track"
    user_message = (
        "The recording has video but no sound track. Please check that the microphone was on "
        "and upload a recording with sound."
    )


class NoSpeechError(MediaError):
    code = "no_speech"
    user_message = (
        "We could not hear anyone speaking in this recording (only silence, music or noise). "
        "Please check that it is the right file and that the microphone was working."
    )


class SpeechModelError(InterviewBuddyError):
    """The speech model on this machine is missing or damaged; an operator has to act."""

    code = "speech_model_unavailable"
    user_message = "Transcription is unavailable right now. Please try again later."


class RecognizerCrashedError(InterviewBuddyError):
    """The recognizer's process died twice on the same piece of a recording."""

    code = "recognizer_crashed"
    user_message = "Transcription failed on our side. Please try again later."
