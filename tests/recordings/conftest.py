import os

import pytest

from tests.recordings import media_factory as mf


class MediaFiles:
    """Generates each sample once per test session, on first use."""

    def __init__(self, folder):
        self.folder = folder

    def get(self, name: str, maker, *args, **kw) -> str:
        path = os.path.join(self.folder, name)
        if not os.path.exists(path):
            maker(path, *args, **kw)
        return path

    @property
    def slides(self):
        return self.get("slides.avi", mf.slides)

    @property
    def slides_24s(self):
        """Four 6-second slides: long enough for a position worth resuming (> 10 s)."""
        return self.get("slides-24s.avi", mf.slides, 6)

    @property
    def moving(self):
        return self.get("moving.avi", mf.moving)

    @property
    def h264_aac(self):
        return self.get("h264.mp4", mf.moving, 3, "320x240", "h264")

    @property
    def h264_aac_480(self):
        return self.get("h264-480.mp4", mf.moving, 4, "640x480", "h264-gop1s")

    @property
    def audio_only(self):
        return self.get("audio.mp3", mf.audio_only)

    @property
    def odd(self):
        return self.get("odd.mp4", mf.moving, 2, "321x241", "h264-444")

    @property
    def rotated(self):
        return self.get("rotated.mp4", mf.rotated)

    @property
    def vfr(self):
        return self.get("vfr.mp4", mf.vfr)

    @property
    def surround(self):
        return self.get("surround.mkv", mf.surround)

    @property
    def webm(self):
        return self.get("nodur.webm", mf.webm_without_duration)

    @property
    def truncated(self):
        return self.get("truncated.mp4", mf.truncated_mp4)

    @property
    def no_moov(self):
        return self.get("nomoov.mp4", mf.mp4_without_moov)

    @property
    def text_as_mp4(self):
        path = os.path.join(self.folder, "notes.mp4")
        with open(path, "w") as fh:
            fh.write("Agenda for Tuesday\n- welcome\n- slides\n")
        return path

    @property
    def zero_bytes(self):
        path = os.path.join(self.folder, "empty.mp4")
        open(path, "wb").close()
        return path

    @property
    def single_frame(self):
        return self.get("oneframe.mp4", mf.single_frame)

    @property
    def subtitles_only(self):
        return self.get("subs.mp4", mf.subtitles_only)


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    return MediaFiles(str(tmp_path_factory.mktemp("media")))


@pytest.fixture
def rec(app, db, make_program, make_member):
    """A program with a facilitator, an expert, a participant, an outsider and one session."""
    from datetime import timedelta
    from types import SimpleNamespace

    from training.db import utcnow
    from training.sessions.models import TrainingSession

    app.config.update(
        COPA_RECORDINGS_PRESET="ultrafast",
        COPA_RECORDINGS_CHAPTER_MIN_SECONDS="1.5",
    )
    program = make_program(title="Rec program")
    other = make_program(title="Other program")
    start = utcnow() - timedelta(days=1)
    session = TrainingSession(
        program_id=program.id, title="Pay equity 101", starts_at=start,
        ends_at=start + timedelta(hours=1),
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    return SimpleNamespace(
        program=program,
        session=session,
        facilitator=make_member(program, "facilitator").user,
        expert=make_member(program, "expert").user,
        participant=make_member(program, "participant").user,
        outsider=make_member(other, "participant").user,
    )
