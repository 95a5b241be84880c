"""Fingerprints of page inputs (tintuc/fingerprint.py), without Pelican."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from jinja2 import DictLoader, Environment
from markupsafe import Markup

from tintuc.fingerprint import (
    Fingerprinter,
    Unfingerprintable,
    digest,
    template_inputs,
    template_reads,
)


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


def reads_of(source: str, **more: str):
    return template_reads(Environment(loader=DictLoader({"page.html": source, **more})),
                          "page.html", main_documents=frozenset({"article", "page"}))


@pytest.mark.parametrize("source", [
    "{% for item in articles_page.object_list %}{{ item.title }}{% endfor %}",
    "{{ articles|length }} {% if articles %}x{% endif %} {{ articles is defined }}",
    "{% if articles_previous_page %}{{ articles_previous_page.url }}{% endif %}"
    "{{ articles_next_page.number }}{{ articles_next_page.has_next() }}",
    "{{ articles_paginator.num_pages }}{{ articles_paginator.page(2).url }}"
    "{% for n in articles_paginator.page_range %}{{ n }}{% endfor %}",
    "{{ articles_page.paginator.num_pages }}{{ dates|count }}",
    "{{ 'x' if articles_next_page and not articles_previous_page else 'y' }}",
])
def test_uses_of_a_paginated_list_that_show_only_its_membership(source):
    assert reads_of(source).whole_lists == frozenset()


@pytest.mark.parametrize(("source", "listed"), [
    ("{{ articles[0].title }}", "articles"),
    ("{% for item in articles %}{{ item.url }}{% endfor %}", "articles"),
    ("{{ articles|map(attribute='title')|join }}", "articles"),
    ("{% set all = articles %}{{ all|length }}", "articles"),
    ("{{ articles_next_page.object_list[0].title }}", "articles"),
    ("{{ articles_paginator.object_list|first }}", "articles"),
    ("{{ articles_paginator.page(2).object_list }}", "articles"),
    ("{{ articles_page.paginator.object_list }}", "articles"),
    ("{{ dates|first }}", "dates"),
    ("{% include 'more.html' %}", "articles"),
])
def test_uses_of_a_paginated_list_that_read_its_items(source, listed):
    found = reads_of(source, **{"more.html": "{{ articles|last }}"})
    assert found.whole_lists == frozenset({listed})


def test_attributes_read_beyond_the_pages_own_document():
    found = reads_of("{{ article.newer_articles[0].title }}{{ page.translations }}"
                     "{% for item in items %}{{ item.older_articles }}{% endfor %}"
                     "{{ things|map(attribute='date.year')|list }}{{ x['related'] }}")
    assert {"title", "older_articles", "date", "year", "related"} <= found.foreign
    assert "newer_articles" not in found.foreign and "translations" not in found.foreign
    assert not found.any_attribute
    assert reads_of("{{ item[name] }}").any_attribute
    assert reads_of("{{ items|map(attribute=which)|list }}").any_attribute
    assert not reads_of("{{ items[0] }}{{ items[-1] }}").any_attribute
