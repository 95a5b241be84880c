"""Fingerprints of page inputs (tintuc/fingerprint.py), without Pelican."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from jinja2 import DictLoader, Environment
from markupsafe import Markup

from tintuc.fingerprint import Fingerprinter, Unfingerprintable, digest, template_inputs


def test_equal_values_have_equal_fingerprints_and_others_differ():
    one, two = Fingerprinter(), Fingerprinter()
    value = {"tags": ["Đoàn", "Thanh niên"], "date": datetime(2022, 11, 13, 21, 12), "n": 3}
    assert one.of(value) == two.of({**value})
    others = [{**value, "n": 4}, {**value, "tags": ["Thanh niên", "Đoàn"]},
              {**value, "date": datetime(2022, 11, 13, 21, 13)},
              {**value, "date": datetime(2022, 11, 13, 21, 12,
                                         tzinfo=timezone(timedelta(hours=7)))}]
    assert len({one.of(value), *(two.of(other) for other in others)}) == 5


def test_the_parts_of_a_digest_keep_their_boundaries():
    assert digest(b"ab", b"c") != digest(b"a", b"bc")


def test_markup_and_plain_text_differ_as_they_print_differently():
    fingerprints = Fingerprinter()
    assert fingerprints.of("<b>Đoàn</b>") != fingerprints.of(Markup("<b>Đoàn</b>"))


def test_objects_of_unknown_kinds_are_refused_unless_taught_or_telling():
    class Photo:
        pass

    class Told:
        def __fingerprint__(self):
            return "ảnh-1"

    @dataclass(frozen=True)
    class Variant:
        width: int

    with pytest.raises(Unfingerprintable):
        Fingerprinter().of([Photo()])
    taught = Fingerprinter({Photo: lambda fingerprints, photo: b"photo"})
    assert taught.of(Photo()) == taught.of(Photo())
    assert Fingerprinter().of(Told()) == Fingerprinter().of(Told())
    assert Fingerprinter().of(Variant(360)) != Fingerprinter().of(Variant(720))


def test_template_inputs_follow_extends_includes_and_imports():
    environment = Environment(loader=DictLoader({
        "base.html": "{{ SITENAME }}{% block content %}{% endblock %}"
                     "{% include 'sidebar.html' %}{% include 'live.html' %}",
        "sidebar.html": "{% for name, url in LINKS %}{{ name }}{% endfor %}",
        "live.html": "{{ visitor_counter }}",
        "macros.html": "{% macro item(x) %}{{ x.title }}{{ SITEURL }}{% endmacro %}",
        "article.html": "{% extends 'base.html' %}"
                        "{% from 'macros.html' import item with context %}{% block content %}"
                        "{% set shown = article %}{{ item(shown) }}{% endblock %}",
        "chosen.html": "{% include page_kind ~ '.html' %}",
    }))
    found = template_inputs(environment, "article.html", skip=frozenset({"live.html"}))
    assert {"SITENAME", "LINKS", "article", "SITEURL"} <= found
    assert "visitor_counter" not in found and "shown" not in found
    assert template_inputs(environment, "chosen.html") is None
