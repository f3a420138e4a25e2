"""End to end in Debian's chromium: a participant asks the experts anonymously with a photo,
a competitor reads it without learning who asked, the expert answers and marks the answer."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.recordings.test_recordings_browser import csp_violations, sign_in

pytestmark = pytest.mark.browser


def _photo(path):
    image = Image.new("RGB", (120, 80), (30, 120, 200))
    exif = Image.Exif()
    exif[0x013B] = "Alice Martin, Acme"  # Artist: who took it
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return path


def test_anonymous_question_with_a_photo_answered_by_the_expert(
    _browser, live_server, make_program, make_member, tmp_path
):
    program = make_program(title="CoPA Forum", locale="fr_CA")
    make_member(program, "facilitator", name="Fay Animatrice")
    expert = make_member(program, "expert", name="Eve Experte", password="expert-password-1").user
    alice = make_member(
        program, "participant", name="Alice Martin", company="Acme", password="alice-password-1"
    ).user
    bob = make_member(
        program, "participant", name="Bob Tremblay", company="Bolt", password="bob-password-1"
    ).user

    def tab(user, password):
        context = _browser.new_context(base_url=live_server.url, locale="fr-CA")
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, user, password)
        return context, page

    # Alice asks, anonymously to her peers, with a photo
    context, page = tab(alice, "alice-password-1")
    violations = csp_violations(page)
    page.goto(f"/programs/{program.id}/forum/new")
    page.fill("#f-title", "Grille salariale : combien de classes ?")
    page.fill("#f-body", "Nous sommes **25**. Voici notre grille actuelle.")
    page.check("input[name=question][value=experts]")
    page.check("#topic-anonymous")
    page.set_input_files("#topic-files", str(_photo(tmp_path / "grille.jpg")))
    with page.expect_navigation():
        page.locator("form[enctype] button[type=submit]").click()
    assert re.search(r"/topics/\d+$", page.url)
    topic_url = page.url.removeprefix(live_server.url)
    image = page.locator(".forum-images img").first
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 120
    assert page.locator(".forum-body strong").inner_text() == "25"
    context.close()

    # Bob, a competitor, reads it: the question, the photo, and nobody's name
    context, page = tab(bob, "bob-password-1")
    violations += csp_violations(page)
    page.goto(topic_url)
    post = page.locator(".forum-post").first
    assert "A participant" in post.inner_text()  # the suite reads English
    assert "Alice" not in page.content() and "Acme" not in page.content()
    assert post.locator(".forum-images img").evaluate("img => img.naturalWidth") == 120
    context.close()

    # the expert sees who asked, answers, and marks the answer
    context, page = tab(expert, "expert-password-1")
    violations += csp_violations(page)
    page.goto(topic_url)
    assert "Alice Martin" in page.locator(".forum-post").first.inner_text()
    page.fill("#f-body", "Pour 25 personnes, **4 à 6 classes** suffisent.")
    with page.expect_navigation():
        page.locator("#reply form button[type=submit]").click()
    answer = page.locator(".forum-post").nth(1)
    assert "Eve Experte" in answer.inner_text()
    with page.expect_navigation():
        answer.locator("form[action$='/accept'] button").click()
    assert "forum-accepted" in page.locator(".forum-post").nth(1).get_attribute("class")
    context.close()
    assert violations == []
