"""When an interview counts as stuck: it has not moved for a bound that scales with its recording.

One definition for the two places that ask: the stuck-interview sweeper, which re-emits the
interview's ``interview.uploaded`` (:mod:`gateway.db.stuck_interviews`), and the duplicate rule of
:meth:`sinks.read_model.ReadModel.record_upload`, which starts a new analysis rather than link
a re-upload to an original that is stuck.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StuckBound:
    """``max(min_seconds, duration_factor × the recording's duration)`` without a move."""

    min_seconds: float
    duration_factor: float

    def params(self) -> dict[str, float]:
        """The parameters :data:`STUCK` takes."""
        return {"stuck_min_seconds": self.min_seconds, "stuck_duration_factor": self.duration_factor}


#: A condition over ``interviews i`` joined to its ``interview_states s``: neither the state nor a
#: re-emission (``i.reemitted_at``) has moved within the bound. The duration is the gateway's
#: probe's, else the transcriber's, else none (the minimum then). PostgreSQL's clock decides, so
#: that gateways with skewed clocks agree.
STUCK = """
    greatest(s.updated_at, coalesce(i.reemitted_at, s.updated_at))
      < now() - make_interval(secs => greatest(
            %(stuck_min_seconds)s::double precision,
            %(stuck_duration_factor)s::double precision
              * coalesce(i.duration_seconds, s.audio_duration, 0)))
"""
