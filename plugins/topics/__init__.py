"""Topics ("Dòng sự kiện", CONTRACT §1 `Sự kiện`): a page per topic listing its articles, and on
each article a box "Theo dòng sự kiện" with the topic's other articles (issue 17)."""

from pelican import signals

from .topics import name_topics, topics_generator


def register():
    signals.article_generator_pretaxonomy.connect(name_topics)
    signals.get_generators.connect(topics_generator)
