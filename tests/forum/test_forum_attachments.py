"""Files attached to forum posts: the type comes from the bytes, a lying name or an unknown
kind is refused, a refused message keeps nothing, photos lose their metadata, and a file is
served only to whoever reads its post (404 for anyone else), never sniffed by the browser."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from training.extensions import db
from training.forum.models import ForumAttachment, ForumPost

GPS_TAG = 0x8825
ARTIST_TAG = 0x013B


def _photo(fmt="JPEG", size=(64, 48)) -> bytes:
    """A small photo carrying what a phone writes: the author and a GPS position."""
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[ARTIST_TAG] = "Alice Martin, Acme"
    exif[GPS_TAG] = {1: "N", 2: (45.0, 30.0, 0.0), 3: "W", 4: (73.0, 34.0, 0.0)}
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _upload(client, world, user, name, data, expect=201, pid=None):
    r = client.post(
        f"/api/v1/programs/{pid or world.program.id}/forum/attachments",
        data={"file": (io.BytesIO(data), name)},
        headers=world.h(user),
        content_type="multipart/form-data",
    )
    body = r.get_json()
    r.close()  # closes the request's input stream too
    assert r.status_code == expect, body
    return body


def _fetch(client, url):
    """GET a file and close the answer (send_file keeps the file open until then)."""
    r = client.get(url)
    r.get_data()
    r.close()
    return r


def _files_on_disk(app) -> list[Path]:
    root = Path(app.config["MEDIA_ROOT"]) / "forum"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_reply_with_a_photo_and_a_pdf_shows_them_to_members(client, forum, world, login):
    topic = forum.topic(world.bob, title="Our new pay grid")
    photo = _upload(client, world, world.alice, "atelier.jpg", _photo())
    pdf = _upload(client, world, world.alice, "grille.pdf", PDF)
    assert photo["content_type"] == "image/jpeg" and (photo["width"], photo["height"]) == (64, 48)
    assert pdf["content_type"] == "application/pdf"
    forum.reply(world.alice, topic["id"], body="Here it is.", attachments=[photo["id"], pdf["id"]])

    seen = forum.get(world.carol, topic["id"])["posts"][1]["attachments"]
    assert [a["filename"] for a in seen] == ["atelier.jpg", "grille.pdf"]

    login(client, world.carol)
    html = client.get(f"/topics/{topic['id']}").get_data(as_text=True)
    assert f'src="{photo["url"]}"' in html and "grille.pdf" in html

    image = _fetch(client, photo["url"])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in image.headers["Content-Security-Policy"]
    assert "attachment" not in image.headers.get("Content-Disposition", "")
    served = Image.open(io.BytesIO(image.data))
    exif = served.getexif()
    assert ARTIST_TAG not in exif and GPS_TAG not in exif  # nothing that names the author
    assert served.size == (64, 48)

    document = _fetch(client, pdf["url"])
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    assert document.headers["Content-Disposition"].startswith("attachment")
    assert document.data == PDF


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("report.pdf", _photo("PNG"), "file_type_mismatch"),  # a PNG calling itself a PDF
        (
            "notes.txt",
            b"\x7fELF\x02\x01\x01" + b"\x00" * 57 + b"\x02\x00\x3e\x00",
            "file_type_refused",
        ),
        ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "file_type_refused"),
        (
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
            "file_type_refused",
        ),
        ("broken.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40, "image_unreadable"),
        ("empty.txt", b"", "empty_file"),
    ],
)
def test_a_file_is_judged_by_its_bytes(app, client, world, name, data, code):
    before = _files_on_disk(app)
    r = client.post(
        f"/api/v1/programs/{world.program.id}/forum/attachments",
        data={"file": (io.BytesIO(data), name)},
        headers=world.h(world.alice),
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and r.get_json()["error"]["code"] == code
    assert db.session.scalar(db.select(db.func.count(ForumAttachment.id))) == 0
    assert _files_on_disk(app) == before


def test_a_file_over_the_limit_is_a_413_and_leaves_nothing(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_ATTACHMENT_MAX_BYTES", 64 * 1024)
    before = _files_on_disk(app)
    r = client.post(
        f"/api/v1/programs/{world.program.id}/forum/attachments",
        data={"file": (io.BytesIO(b"a" * (64 * 1024 + 1)), "big.txt")},
        headers=world.h(world.alice),
        content_type="multipart/form-data",
    )
    r.close()
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "file_too_large"
    assert _files_on_disk(app) == before
    # a body far over the limit is refused before it is parsed at all
    r = client.post(
        f"/api/v1/programs/{world.program.id}/forum/attachments",
        data=b"a" * (3 * 1024 * 1024),
        headers=world.h(world.alice),
        content_type="multipart/form-data; boundary=x",
    )
    r.close()
    assert r.status_code == 413


def test_a_refused_reply_keeps_none_of_its_files(app, client, forum, world, login):
    topic = forum.topic(world.bob)
    before = _files_on_disk(app)
    login(client, world.alice)
    r = client.post(
        f"/topics/{topic['id']}/reply",
        data={
            "body": "Two files",
            "files": [
                (io.BytesIO(_photo()), "ok.jpg"),
                (io.BytesIO(_photo("PNG")), "liar.pdf"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "liar.pdf" in html and 'id="reply-files-error"' in html
    assert 'name="body"' in html and "Two files" in html  # the text is kept
    assert db.session.scalar(db.select(db.func.count(ForumAttachment.id))) == 0
    assert db.session.scalar(db.select(db.func.count(ForumPost.id))) == 1
    assert _files_on_disk(app) == before

    r = client.post(
        f"/topics/{topic['id']}/reply",
        data={"body": "One good file", "files": [(io.BytesIO(b"col1,col2\n1,2\n"), "data.csv")]},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    posts = forum.get(world.carol, topic["id"])["posts"]
    assert [a["filename"] for a in posts[1]["attachments"]] == ["data.csv"]
    assert len(_files_on_disk(app)) == len(before) + 1


def test_files_follow_the_reach_of_their_post(client, forum, world, login):
    private = forum.topic(world.alice, title="Our payroll", question="experts_private")
    upload = _upload(client, world, world.alice, "paie.pdf", PDF)
    forum.reply(world.alice, private["id"], body="Attached.", attachments=[upload["id"]])
    url = upload["url"]
    for user, status in [
        (world.expert, 200),
        (world.facilitator, 200),
        (world.alice, 200),
        (world.bob, 404),
        (world.outsider, 404),
    ]:
        login(client, user)
        assert _fetch(client, url).status_code == status, user.name

    public = forum.topic(world.bob, title="Hiring")
    photo = _upload(client, world, world.carol, "team.png", _photo("PNG"))
    post = forum.reply(world.carol, public["id"], body="Us.", attachments=[photo["id"]])
    forum.post(world.facilitator, f"/api/v1/posts/{post['id']}/hide", reason="Shows faces")
    login(client, world.bob)
    assert _fetch(client, photo["url"]).status_code == 404
    assert forum.get(world.bob, public["id"])["posts"][1]["attachments"] == []
    login(client, world.carol)  # its author still sees it
    assert _fetch(client, photo["url"]).status_code == 200


def test_an_upload_belongs_to_its_uploader_until_posted(client, forum, world, login):
    topic = forum.topic(world.bob)
    upload = _upload(client, world, world.alice, "draft.txt", b"not posted yet\n")
    login(client, world.bob)
    assert _fetch(client, upload["url"]).status_code == 404
    # nobody else may attach it, nor may it be attached twice
    forum.reply(world.bob, topic["id"], expect=422, attachments=[upload["id"]])
    forum.reply(world.alice, topic["id"], attachments=[upload["id"]])
    refused = forum.reply(world.alice, topic["id"], expect=422, attachments=[upload["id"]])
    assert refused["error"]["code"] == "unknown_attachment"
    _upload(client, world, world.outsider, "x.txt", b"hello\n", expect=404)


def test_the_author_removes_a_file_in_an_edit(app, client, forum, world, login):
    topic = forum.topic(world.bob)
    upload = _upload(client, world, world.alice, "old.txt", b"outdated\n")
    post = forum.reply(world.alice, topic["id"], attachments=[upload["id"]])
    on_disk = _files_on_disk(app)
    login(client, world.alice)
    page = client.get(f"/posts/{post['id']}/edit").get_data(as_text=True)
    assert "Remove “old.txt”" in page
    r = client.post(
        f"/posts/{post['id']}/edit",
        data={"body": post["body"], "remove_attachment": str(upload["id"])},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert forum.get(world.carol, topic["id"])["posts"][1]["attachments"] == []
    assert _fetch(client, upload["url"]).status_code == 404
    assert len(_files_on_disk(app)) == len(on_disk) - 1
