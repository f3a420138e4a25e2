"""Demo data: the forum of a program a few weeks in (categories, discussions, a question the
expert answered, an anonymous one still waiting, a private question), so every forum page has
something to show. Written through the operations, so the search index and notifications are
what real use would make."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

from training.db import utcnow
from training.extensions import db
from training.forum import attachments
from training.forum import operations as ops
from training.forum.models import ForumPost, ForumTopic
from training.forum.present import Reader
from training.programs.models import Membership
from training.programs.roles import EXPERT, FACILITATOR, PARTICIPANT

CATEGORIES = [
    ("Rémunération", "Structures salariales, échelles, politique de rémunération."),
    ("Recrutement et rétention", "Trouver, accueillir et garder les bons talents."),
    ("Outils et pratiques", "Gabarits, logiciels RH, trucs qui marchent."),
]

TOPICS = [
    # (category, author index (-1: expert, -2: facilitator), anonymous, question, title, body,
    #  replies [(author index, anonymous, body)], days ago)
    (
        0,
        0,
        False,
        "experts",
        "Combien de classes d’emploi pour 25 employés ?",
        "Nous sommes 25 et nous avons aujourd’hui **une échelle par poste**. "
        "Est-ce trop ? Comment regrouper sans perdre la logique de progression ?",
        [
            (
                -1,
                False,
                "Pour une PME de cette taille, **4 à 6 classes** suffisent d’habitude. "
                "Regroupez par niveau de responsabilité plutôt que par titre, puis vérifiez "
                "l’équité interne avec une grille d’évaluation simple (4 facteurs).",
            ),
            (
                3,
                False,
                "Même situation chez nous : on est passés de 14 à 5 classes, ça a tout "
                "simplifié pour les augmentations.",
            ),
        ],
        12,
    ),
    (
        1,
        1,
        True,
        "experts",
        "Contre-offre d’un concurrent : faut-il suivre ?",
        "Une de nos meilleures développeuses a reçu une offre 15 % au-dessus. "
        "Faut-il égaler, ou est-ce un mauvais précédent ?",
        [],
        2,
    ),
    (
        2,
        2,
        False,
        None,
        "Gabarit d’entretien annuel à partager",
        "Voici le gabarit que nous utilisons depuis l’an dernier : 3 sections "
        "(bilan, objectifs, développement). Preneurs de commentaires !",
        [(4, False, "Merci ! On l’adapte cette semaine."), (5, True, "Très utile, merci.")],
        6,
    ),
    (
        None,
        -2,
        False,
        None,
        "Bienvenue dans le forum de la CoPA",
        "Ici, on pose ses questions librement. Vous pouvez publier **anonymement** "
        "envers les autres participant·e·s : l’animatrice et l’expert voient l’auteur. "
        "Rappel de la charte : ce qui est partagé ici reste ici.",
        [],
        20,
    ),
    (
        0,
        6,
        False,
        "experts_private",
        "Notre budget d’augmentation 2027",
        "Question privée : nous prévoyons 3,5 % de budget de mérite. "
        "Est-ce réaliste pour retenir nos techniciens ?",
        [],
        1,
    ),
]


def seed_forum(program, result) -> None:
    members = list(
        db.session.execute(
            db.select(Membership.user_id, Membership.role)
            .where(Membership.program_id == program.id)
            .order_by(Membership.id)
        )
    )
    participants = [uid for uid, role in members if role == PARTICIPANT]
    experts = [uid for uid, role in members if role == EXPERT]
    facilitators = [uid for uid, role in members if role == FACILITATOR]
    if len(participants) < 7 or not experts or not facilitators:
        return

    def reader(index: int) -> Reader:
        if index == -1:
            return Reader(experts[0], program.id, frozenset({EXPERT}))
        if index == -2:
            return Reader(facilitators[0], program.id, frozenset({FACILITATOR}))
        return Reader(participants[index], program.id, frozenset({PARTICIPANT}))

    host = reader(-2)
    cats = [ops.save_category(host, title, text) for title, text in CATEGORIES]
    now = utcnow()
    attached = False
    for cat, author, anon, question, title, body, replies, days in TOPICS:
        topic = ops.create_topic(
            reader(author),
            title,
            body,
            category_id=cats[cat].id if cat is not None else None,
            anonymous=anon,
            question=question,
        )
        answer = None
        for who, r_anon, text in replies:
            post = ops.reply(reader(who), topic, text, anonymous=r_anon)
            answer = answer or (post if who == -1 else None)
        if answer is not None:
            ops.accept(reader(-1), answer, topic)
            if not attached:
                _attach_examples(reader(-1), answer)
                attached = True
        if author == -2:
            ops.moderate_topic(host, topic, pinned=True)
        _age(topic, now - timedelta(days=days))
    db.session.flush()


def _age(topic: ForumTopic, start) -> None:
    """Spread the topic's posts back in time, an hour apart, from ``start``."""
    posts = list(
        db.session.scalars(
            db.select(ForumPost).where(ForumPost.topic_id == topic.id).order_by(ForumPost.id)
        )
    )
    for n, post in enumerate(posts):
        post.created_at = start + timedelta(hours=3 * n)
    topic.created_at = posts[0].created_at
    topic.last_post_at = posts[-1].created_at
    if topic.answered_at is not None and len(posts) > 1:
        topic.answered_at = posts[1].created_at


def _attach_examples(reader: Reader, post: ForumPost) -> None:
    """The expert's answer carries a chart and a template, so the demo shows attachments."""
    chart = Image.new("RGB", (480, 270), "white")
    draw = ImageDraw.Draw(chart)
    for i, height in enumerate((70, 105, 140, 180, 220)):
        x = 40 + i * 85
        draw.rectangle((x, 250 - height, x + 55, 250), fill=(13, 110, 253))
    draw.line((30, 250, 460, 250), fill="black", width=2)
    image = io.BytesIO()
    chart.save(image, "PNG")
    template = "classe,minimum,point milieu,maximum\n1,38000,42000,46000\n2,44000,49000,54000\n"
    files = [
        FileStorage(io.BytesIO(image.getvalue()), "echelle-salariale.png"),
        FileStorage(io.BytesIO(template.encode()), "gabarit-grille.csv"),
    ]
    attachments.bind(reader, post, attachments.store_all(reader, files))
