"""Forum pages: home (categories, topics, "new since your last visit"), topic (posts, reply,
quote, useful, accept, flag, moderation), jump to the first unread post, the experts' queue,
search, flags, participation, notifications and one-click unsubscribe. Thin: the rules are in
``operations``, what a reader sees in ``access``/``queries``, who wrote what in
``present.author_for``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal, format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden

from training.db import begin_immediate, utcnow
from training.extensions import csrf, db
from training.forum import attachments, notify, participation, queries
from training.forum import operations as ops
from training.forum.access import (
    current_reader,
    post_body_visible,
    post_in_reach,
    topic_in_reach,
)
from training.forum.models import ForumCategory, ForumNotification, ForumPost
from training.forum.present import author_for, company_names, reader_for
from training.forum.serializers import posts_of
from training.input_guard import body_limit
from training.policy import program_member_or_404
from training.web_security import serves_uploaded_files

bp = Blueprint("forum", __name__)

POSTS_PER_PAGE = 1000  # a topic is one page; bench/forum.py times 500 posts


def register_bell(app) -> None:
    """``forum_unread()`` for templates/forum/_bell.html (the navbar's bell)."""

    @app.context_processor
    def _bell():
        def forum_unread() -> int:
            if not getattr(current_user, "is_authenticated", False):
                return 0
            return notify.unread_count(current_user.id)

        return {
            "forum_unread": forum_unread,
            "files_max_count": attachments.MAX_PER_POST,
            "files_max_mb": attachments.max_bytes() // (1024 * 1024),
        }

    @app.template_filter("filesize")
    def _filesize(size: int) -> str:
        if size < 1024 * 1024:
            return _("%(n)s KB", n=format_decimal(max(size / 1024, 0.1), "#,##0.#"))
        return _("%(n)s MB", n=format_decimal(size / (1024 * 1024), "#,##0.#"))

    @app.template_filter("file_icon")
    def _file_icon(content_type: str) -> str:
        return attachments.icon(content_type)

    @app.template_filter("forum_age")
    def _age(when):
        return format_timedelta(when - utcnow(), add_direction=True) if when else ""


def _flag(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "true", "yes")


def _ints(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isdigit() and len(v) < 10]


def _int(name: str) -> int | None:
    value = request.form.get(name, request.args.get(name, "")).strip()
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


# --- home, new topic -----------------------------------------------------------------------------


@bp.get("/programs/<int:pid>/forum")
@login_required
def home(pid: int):
    program = program_member_or_404(pid)
    reader = current_reader(pid)
    since = _written(lambda: queries.visit(reader))
    category_id = request.args.get("category", type=int)
    rows = queries.topic_rows(reader, category_id=category_id, since=since)
    categories = ops.categories(pid)
    return render_template(
        "forum/home.html",
        program=program,
        reader=reader,
        rows=rows,
        categories=categories,
        category=next((c for c in categories if c.id == category_id), None),
        since=since,
        new_count=sum(1 for r in rows if r.new_since_visit),
        queue_count=len(queries.expert_queue(reader)) if reader.staff else 0,
        flag_count=len(ops.open_flags(pid)) if reader.facilitator else 0,
    )


def _render_new(program, reader, error=None, values=None, status=200):
    return (
        render_template(
            "forum/new.html",
            program=program,
            reader=reader,
            categories=ops.categories(program.id),
            error=error,
            values=values or {"category_id": request.args.get("category", "")},
        ),
        status,
    )


@bp.route("/programs/<int:pid>/forum/new", methods=["GET", "POST"])
@login_required
@body_limit(attachments.request_limit)
def new_topic(pid: int):
    program = program_member_or_404(pid)
    reader = current_reader(pid)
    if request.method == "GET":
        return _render_new(program, reader)
    question = request.form.get("question") or None
    try:
        topic = ops.create_topic(
            reader,
            request.form.get("title", ""),
            request.form.get("body", ""),
            category_id=_int("category_id"),
            anonymous=_flag("anonymous"),
            question=question,
            attachment_ids=attachments.store_all(reader, request.files.getlist("files")),
        )
    except ops.ForumError as exc:
        db.session.rollback()
        return _render_new(program, reader, exc, request.form, exc.status)
    db.session.commit()
    flash(_("Topic posted."), "success")
    return redirect(url_for("forum.topic", tid=topic.id))


@bp.post("/programs/<int:pid>/forum/categories")
@login_required
def save_category(pid: int):
    reader = current_reader(pid)
    category = None
    if _int("category_id"):
        category = db.session.get(ForumCategory, _int("category_id"))
        if category is None or category.program_id != pid:
            abort(404)
    ops.save_category(
        reader, request.form.get("title", ""), request.form.get("description", ""), category
    )
    db.session.commit()
    flash(_("Category saved."), "success")
    return redirect(url_for("forum.home", pid=pid))


@bp.post("/programs/<int:pid>/forum/categories/<int:cid>/delete")
@login_required
def delete_category(pid: int, cid: int):
    reader = current_reader(pid)
    category = db.session.get(ForumCategory, cid)
    if category is None or category.program_id != pid:
        abort(404)
    ops.delete_category(reader, category)
    db.session.commit()
    flash(_("Category deleted; its topics stay, without a category."), "success")
    return redirect(url_for("forum.home", pid=pid))


# --- topic ---------------------------------------------------------------------------------------


def _written(write):
    """Run the small write of a page view (read marks, visits) in its own short IMMEDIATE
    transaction before the page's reads: a deferred SQLite transaction that read first could
    not wait for the lock."""
    begin_immediate()
    result = write()
    db.session.commit()
    return result


def _mark_read(topic, reader) -> int:
    last = db.session.scalar(
        db.select(sa.func.max(ForumPost.id)).where(
            ForumPost.topic_id == topic.id, ForumPost.deleted_at.is_(None)
        )
    )
    previous = queries.mark_read(reader, topic, last or 0)
    notify.mark_topic_read(reader.user_id, topic.id)
    return previous


def _render_topic(topic, reader, error=None, values=None, status=200):
    tid = topic.id
    previous = _written(lambda: _mark_read(topic, reader))
    topic, reader = topic_in_reach(tid)
    program = program_member_or_404(topic.program_id)
    posts = posts_of(topic)[:POSTS_PER_PAGE]
    companies = company_names(topic.program_id, {p.author_id for p in posts if p.author_id})
    by_id = {p.id: p for p in posts}
    files = attachments.of_posts(by_id)
    items = []
    for p in posts:
        quote = by_id.get(p.quote_post_id) if p.quote_post_id else None
        items.append(
            {
                "post": p,
                "author": author_for(p, reader, companies),
                "visible": post_body_visible(p, reader),
                "quote": quote,
                "quote_author": author_for(quote, reader, companies) if quote else None,
                "quote_visible": bool(quote and post_body_visible(quote, reader)),
                "files": files.get(p.id, []),
            }
        )
    watching = ops.watching(reader.user_id, topic_id=topic.id)
    quote_id = request.args.get("quote", type=int)
    values = values or {}
    if quote_id and quote_id in by_id and not values.get("quote_post_id"):
        values = {**values, "quote_post_id": quote_id}
    return (
        render_template(
            "forum/topic.html",
            program=program,
            topic=topic,
            reader=reader,
            topic_author=author_for(topic, reader, companies),
            items=items,
            first_unread=next((p.id for p in posts if p.id > previous), None) if previous else None,
            votes=queries.my_votes(reader, by_id),
            categories=ops.categories(topic.program_id),
            watching=watching,
            quoting=by_id.get(values.get("quote_post_id") and int(values["quote_post_id"])),
            error=error,
            values=values,
            can_reply=topic.hidden_at is None and (not topic.locked or reader.facilitator),
        ),
        status,
    )


@bp.get("/topics/<int:tid>")
@login_required
def topic(tid: int):
    topic, reader = topic_in_reach(tid)
    return _render_topic(topic, reader)


@bp.get("/topics/<int:tid>/unread")
@login_required
def first_unread(tid: int):
    topic, reader = topic_in_reach(tid)
    post_id = queries.first_unread_post_id(reader, topic)
    anchor = f"post-{post_id}" if post_id else "reply"
    return redirect(url_for("forum.topic", tid=tid, _anchor=anchor))


@bp.post("/topics/<int:tid>/reply")
@login_required
@body_limit(attachments.request_limit)
def reply(tid: int):
    topic, reader = topic_in_reach(tid)
    try:
        post = ops.reply(
            reader,
            topic,
            request.form.get("body", ""),
            anonymous=_flag("anonymous"),
            quote_post_id=_int("quote_post_id"),
            attachment_ids=attachments.store_all(reader, request.files.getlist("files")),
        )
    except ops.ForumError as exc:
        db.session.rollback()
        topic, reader = topic_in_reach(tid)
        return _render_topic(topic, reader, exc, request.form, exc.status)
    db.session.commit()
    return redirect(url_for("forum.topic", tid=tid, _anchor=f"post-{post.id}"))


@bp.post("/topics/<int:tid>/moderate")
@login_required
def moderate(tid: int):
    topic, reader = topic_in_reach(tid)
    action = request.form.get("action")
    if action == "move":
        ops.moderate_topic(reader, topic, category_id=_int("category_id"))
    elif action in ("lock", "unlock"):
        ops.moderate_topic(reader, topic, locked=action == "lock")
    elif action in ("pin", "unpin"):
        ops.moderate_topic(reader, topic, pinned=action == "pin")
    else:
        abort(400)
    db.session.commit()
    flash(_("Topic updated."), "success")
    return redirect(url_for("forum.topic", tid=tid))


@bp.post("/topics/<int:tid>/watch")
@login_required
def watch(tid: int):
    topic, reader = topic_in_reach(tid)
    if _flag("watch"):
        ops.watch(reader.user_id, topic_id=tid)
        flash(_("You will hear of new replies."), "success")
    else:
        ops.unwatch(reader.user_id, topic_id=tid)
        flash(_("You no longer follow this topic."), "success")
    db.session.commit()
    return redirect(url_for("forum.topic", tid=tid))


# --- post actions --------------------------------------------------------------------------------


def _back(post):
    return redirect(url_for("forum.topic", tid=post.topic_id, _anchor=f"post-{post.id}"))


@bp.post("/posts/<int:post_id>/useful")
@login_required
def useful(post_id: int):
    post, _topic, reader = post_in_reach(post_id)
    ops.vote(reader, post, not _flag("undo"))
    db.session.commit()
    return _back(post)


@bp.post("/posts/<int:post_id>/accept")
@login_required
def accept(post_id: int):
    post, topic, reader = post_in_reach(post_id)
    ops.accept(reader, post, topic)
    db.session.commit()
    flash(_("Answer accepted."), "success")
    return _back(post)


@bp.post("/posts/<int:post_id>/flag")
@login_required
def flag(post_id: int):
    post, _topic, reader = post_in_reach(post_id)
    ops.flag(reader, post, request.form.get("reason", ""))
    db.session.commit()
    flash(_("Thank you: the facilitator will look at it."), "success")
    return _back(post)


@bp.post("/posts/<int:post_id>/hide")
@login_required
def hide(post_id: int):
    post, topic, reader = post_in_reach(post_id)
    ops.hide(reader, post, topic, request.form.get("reason", ""))
    db.session.commit()
    flash(_("Message hidden; its author sees your reason."), "success")
    return _back(post)


@bp.post("/posts/<int:post_id>/restore")
@login_required
def restore(post_id: int):
    post, topic, reader = post_in_reach(post_id)
    ops.restore(reader, post, topic)
    db.session.commit()
    flash(_("Message restored."), "success")
    return _back(post)


@bp.post("/posts/<int:post_id>/dismiss")
@login_required
def dismiss(post_id: int):
    post, _topic, reader = post_in_reach(post_id)
    ops.dismiss_flags(reader, post)
    db.session.commit()
    flash(_("Flags dismissed."), "success")
    return redirect(url_for("forum.flags", pid=post.program_id))


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete(post_id: int):
    post, topic, reader = post_in_reach(post_id)
    ops.delete_post(reader, post, topic)
    db.session.commit()
    flash(_("Message deleted."), "success")
    if post.is_first:
        return redirect(url_for("forum.home", pid=post.program_id))
    return redirect(url_for("forum.topic", tid=topic.id))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    post, topic, reader = post_in_reach(post_id)
    if post.author_id != reader.user_id and not reader.facilitator:
        raise Forbidden()
    program = program_member_or_404(post.program_id)
    error, values, status = None, {"body": post.body, "title": topic.title}, 200
    if request.method == "POST":
        try:
            ops.edit_post(
                reader,
                post,
                topic,
                request.form.get("body", ""),
                request.form.get("title"),
                add_attachments=attachments.store_all(reader, request.files.getlist("files")),
                remove_attachments=_ints("remove_attachment"),
            )
        except ops.ForumError as exc:
            db.session.rollback()
            post, topic, reader = post_in_reach(post_id)
            error, values, status = exc, request.form, exc.status
        else:
            db.session.commit()
            flash(_("Message updated."), "success")
            return _back(post)
    history = ops.revisions(post) if reader.staff else []
    return (
        render_template(
            "forum/edit.html",
            program=program,
            post=post,
            topic=topic,
            error=error,
            values=values,
            history=history,
            files=attachments.of_posts([post.id]).get(post.id, []),
        ),
        status,
    )


# --- queue, search, flags, participation ---------------------------------------------------------


@bp.get("/programs/<int:pid>/forum/questions")
@login_required
def questions(pid: int):
    program = program_member_or_404(pid)
    reader = current_reader(pid)
    if not reader.staff:
        raise Forbidden()
    return render_template(
        "forum/questions.html", program=program, rows=queries.expert_queue(reader)
    )


@bp.get("/programs/<int:pid>/forum/search")
@login_required
def search(pid: int):
    program = program_member_or_404(pid)
    reader = current_reader(pid)
    q = request.args.get("q", "").strip()[:200]
    results = queries.search_results(reader, q, absolute=False) if q else []
    return render_template("forum/search.html", program=program, q=q, results=results)


@bp.get("/programs/<int:pid>/forum/flags")
@login_required
def flags(pid: int):
    program = program_member_or_404(pid)
    reader = current_reader(pid)
    ops.require_facilitator(reader)
    grouped: dict[int, dict] = {}
    for item in ops.open_flags(pid):
        post = db.session.get(ForumPost, item.post_id)
        entry = grouped.setdefault(
            post.id, {"post": post, "author": author_for(post, reader), "reasons": []}
        )
        entry["reasons"].append(item.reason)
    return render_template("forum/flags.html", program=program, entries=list(grouped.values()))


@bp.get("/programs/<int:pid>/forum/participation")
@login_required
def participation_page(pid: int):
    program = program_member_or_404(pid)
    reader = current_reader(pid)
    ops.require_facilitator(reader)
    return _render_participation(program, reader)


def _render_participation(program, reader, error=None, values=None, status=200):
    data = participation.report(reader)
    peak = max((n for _w, n in data["weekly"]), default=0)
    return (
        render_template(
            "forum/participation.html",
            program=program,
            data=data,
            peak=peak,
            notes=participation.contact_notes(program.id),
            error=error,
            values=values or {},
        ),
        status,
    )


@bp.post("/programs/<int:pid>/forum/participation/contacts")
@login_required
def add_contact(pid: int):
    program = program_member_or_404(pid)
    reader = current_reader(pid)
    try:
        participation.add_contact_note(reader, _int("member_id"), request.form.get("body", ""))
    except ops.ForumError as exc:
        db.session.rollback()
        return _render_participation(program, reader, exc, request.form, exc.status)
    db.session.commit()
    flash(_("Contact noted."), "success")
    return redirect(url_for("forum.participation_page", pid=pid, _anchor="contacts"))


@bp.post("/programs/<int:pid>/forum/participation/settings")
@login_required
def participation_settings(pid: int):
    program = program_member_or_404(pid)
    reader = current_reader(pid)
    try:
        participation.set_silent_weeks(reader, request.form.get("silent_weeks"))
    except ops.ForumError as exc:
        db.session.rollback()
        return _render_participation(program, reader, exc, request.form, exc.status)
    db.session.commit()
    flash(_("Setting saved."), "success")
    return redirect(url_for("forum.participation_page", pid=pid))


# --- notifications -------------------------------------------------------------------------------


@bp.route("/forum/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    if request.method == "POST":
        notify.set_email_preference(current_user.id, request.form.get("email", ""))
        db.session.commit()
        flash(_("Your e-mail preference is saved."), "success")
        return redirect(url_for("forum.notifications"))
    notes = notify.recent(current_user.id)
    readers = {}
    lines = []
    for note in notes:
        if note.program_id not in readers:
            readers[note.program_id] = reader_for(current_user, note.program_id)
        reader = readers[note.program_id]
        if not reader.member:
            continue
        lines.append({"note": note, "line": notify.describe(note, reader)})
    return render_template(
        "forum/notifications.html",
        lines=lines,
        email=notify.email_preference(current_user.id),
    )


@bp.get("/forum/notifications/<int:nid>")
@login_required
def open_notification(nid: int):
    note = db.session.get(ForumNotification, nid)
    if note is None or note.user_id != current_user.id:
        abort(404)
    note.read_at = note.read_at or utcnow()
    db.session.commit()
    return redirect(url_for("forum.topic", tid=note.topic_id, _anchor=f"post-{note.post_id}"))


@bp.post("/forum/notifications/read")
@login_required
def read_all():
    db.session.execute(
        sa.update(ForumNotification)
        .where(ForumNotification.user_id == current_user.id, ForumNotification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect(url_for("forum.notifications"))


@bp.route("/forum/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no session
def unsubscribe(token: str):
    user = notify.user_of_token(token)
    if user is None:
        abort(404)
    if request.method == "POST":
        notify.set_email_preference(user.id, "off")
        db.session.commit()
        return render_template("forum/unsubscribe.html", done=True, token=token)
    return render_template("forum/unsubscribe.html", done=False, token=token)


# --- attachments ---------------------------------------------------------------------------------


@bp.get("/forum/files/<int:aid>/<path:name>")
@login_required
@serves_uploaded_files
def attachment(aid: int, name: str):
    """A post's file for whoever reads the post (404 for anyone else). Images show inline;
    everything else downloads. The type is the one sniffed at upload, and the browser is told
    not to guess another (nosniff) nor run anything in it (a sandboxing CSP)."""
    item = attachments.in_reach(aid)
    path = attachments.path_of(item)
    if not path.is_file():
        abort(404)
    inline = item.content_type in attachments.INLINE
    mimetype = item.content_type
    if mimetype.startswith("text/"):
        mimetype += "; charset=utf-8"
    response = send_file(
        path,
        mimetype=mimetype,
        as_attachment=not inline,
        download_name=item.filename,
        conditional=True,
        etag=item.stored_name,
        max_age=3600,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
