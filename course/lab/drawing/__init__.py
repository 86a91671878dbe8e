"""Server-side SVG for the ID Design Lab: the card's front and back (card.py), and a chart comparing designs
(chart.py), both drawn with the escaping primitives of svg.py. Pure: no request, no database.

Every piece of text is XML-escaped, because chart labels include the titles students give their designs.

Language: the card is a specimen of the student's own design for a made-up state, so what is printed on it (field
names, headings, specimen values) is written in the reader's language, as a Korean card prints Korean; so are the
notes drawn beside the card and every title and description a screen reader reads. What a machine reads stays as the
standards write it: the machine-readable zone (ICAO Doc 9303 allows only Latin capitals, digits and <), the card
access number and the personal number. Callers pass the lab in the reader's language (catalogue.localized_lab);
outside a request gettext returns English.
"""

from course.lab.drawing.card import card_back, card_front
from course.lab.drawing.chart import chart_for, comparison_chart

__all__ = ["card_back", "card_front", "chart_for", "comparison_chart"]
