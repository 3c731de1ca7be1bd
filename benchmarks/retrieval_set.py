"""The labelled retrieval set of ``bench_search``: questions over the sample documents, each with the text that answers it.

Documents: ``notebooks/data`` (the tutorials' sample data) and ``benchmarks/retrieval``
(five more, written for this set, in Markdown, text and HTML). Questions are phrased in
other words than the answer where a reader would (``How long does the battery hold?`` for
"The battery lasts about eleven hours"), and some use the document's own words. A
question is answered when one of the top chunks comes from ``file`` and contains ``answer``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted([*(ROOT / "notebooks" / "data").iterdir(), *(ROOT / "benchmarks" / "retrieval").iterdir()])

#: (question, file, a piece of the answering chunk's text)
QUESTIONS: list[tuple[str, str, str]] = [
    ("By how much did the cooperative's membership grow?", "annual-report.pdf", "twelve percent"),
    ("How many bikes were fixed by members?", "annual-report.pdf", "four hundred bicycles"),
    ("How many hours did volunteers put in?", "annual-report.pdf", "three thousand hours"),
    ("Where was the second workshop opened?", "annual-report.pdf", "old mill"),
    ("Which survey site has nesting birds on granite?", "field-notes.md", "Gull Rock"),
    ("How much warmer did the water get?", "field-notes.md", "two degrees"),
    ("When will the sediment be sampled again?", "field-notes.md", "autumn"),
    ("Who is reserving the boat, and for when?", "meeting-minutes.txt", "book the boat"),
    ("What did the sediment analysis find about organic matter?", "meeting-minutes.txt", "organic content"),
    ("When is the next team meeting?", "meeting-minutes.txt", "Tuesday at ten"),
    ("What revenue did the South region make in the second quarter?", "sales.csv", "2860"),
    ("What time does the bakery open on a Saturday?", "bakery.md", "seven on Saturdays"),
    ("How long does the bread dough prove in the fridge?", "bakery.md", "sixteen hours"),
    ("How are products with nuts marked?", "bakery.md", "red label"),
    ("What happens to a butter delivery that is too warm?", "bakery.md", "refused"),
    ("Who trains the new bakers?", "bakery.md", "Marta"),
    ("How much money was set aside for the bridge repair?", "city-council.txt", "4.2 million"),
    ("Which bus will go from the station to the hospital?", "city-council.txt", "route 14"),
    ("Until what time will the library stay open on Wednesdays?", "city-council.txt", "until nine"),
    ("When must loud music at the night market stop?", "city-council.txt", "eleven in the evening"),
    ("How much will an hour of parking in the centre cost?", "city-council.txt", "one euro fifty"),
    ("How long does the battery hold on one charge?", "laptop-guide.html", "eleven hours"),
    ("Which side of the laptop has the card reader?", "laptop-guide.html", "microSD"),
    ("Is coffee spilled on the keyboard covered by the warranty?", "laptop-guide.html", "Accidental damage"),
    ("How do I restore the factory settings?", "laptop-guide.html", "volume-down"),
    ("What is the screen resolution?", "laptop-guide.html", "2880 by 1800"),
    ("What should I do about blight on my tomatoes?", "garden-club.md", "infected leaves"),
    ("Where and when is the seed exchange held?", "garden-club.md", "church hall"),
    ("What mix does Priya suggest for compost?", "garden-club.md", "brown material"),
    ("What does a year of club membership cost?", "garden-club.md", "twelve pounds"),
    ("How can I make an appointment at the clinic?", "clinic-faq.txt", "reception desk"),
    ("What documents do I need on my first visit?", "clinic-faq.txt", "photo identity document"),
    ("Can I walk in for a flu shot?", "clinic-faq.txt", "walk-in flu vaccinations"),
    ("What if I arrive late for my appointment?", "clinic-faq.txt", "fifteen minutes late"),
    ("Where can I park my car at the clinic?", "clinic-faq.txt", "twelve parking spaces"),
]
