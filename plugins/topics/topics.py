"""Topics on Pelican's objects: a `Topic` URL wrapper for each `Sự kiện`, the articles' boxes,
and a generator writing `su-kien/` and one paginated page per topic."""

from pelican.generators import Generator
from pelican.urlwrappers import URLWrapper

from tintuc.news_lists import group_lists
from tintuc.text import fold
from tintuc_plugins import shared

# How many of the topic's other articles the box on an article shows (its page lists all).
DEFAULT_COUNT = 10


class Topic(URLWrapper):
    """A "dòng sự kiện": `TOPIC_URL`/`TOPIC_SAVE_AS`, as Category has CATEGORY_URL."""


def name_topics(generator) -> None:
    """Every article's `Sự kiện` as one Topic object per name (case and marks aside, the first
    spelling met wins), before the lists and pages are made."""
    known: dict[str, Topic] = {}
    everything = (generator.articles + generator.hidden_articles + generator.drafts
                  + generator.translations)
    for article in everything:
        name = getattr(article, "topic", None)
        if isinstance(name, str) and name:
            topic = known.setdefault(fold(name), Topic(name, generator.settings))
            article.topic = article.metadata["topic"] = topic


class TopicsGenerator(Generator):
    """Collects the listed articles by topic (newest first) and writes the topic pages."""

    def generate_context(self) -> None:
        articles = self.context.get("articles") or []
        by_topic = group_lists(articles, lambda article: getattr(article, "topic", None))
        count = int(self.settings.get("NEWS_TOPIC_COUNT", DEFAULT_COUNT))
        everyone = articles + list(self.context.get("hidden_articles") or [])
        for article in everyone:
            topic = getattr(article, "topic", None)
            members = by_topic.get(topic, []) if isinstance(topic, Topic) else []
            article.topic_articles = [other for other in members if other is not article][:count]
        self.topics = sorted(by_topic.items(), key=lambda pair: (fold(pair[0].name),
                                                                  pair[0].name))
        self.context[shared.TOPICS] = self.topics

    def generate_output(self, writer) -> None:
        settings = self.settings
        if not (settings.get("TOPIC_SAVE_AS") and self.topics):
            return  # a site (or a theme's test site) without topics needs no topic templates
        template = self.get_template("topic")
        for topic, articles in self.topics:
            writer.write_file(topic.save_as, template, self.context, topic=topic,
                              articles=articles, dates=articles, template_name="topic",
                              url=topic.url, relative_urls=settings["RELATIVE_URLS"])
        if settings.get("TOPICS_SAVE_AS"):
            writer.write_file(settings["TOPICS_SAVE_AS"], self.get_template("topics"),
                              self.context, template_name="topics",
                              relative_urls=settings["RELATIVE_URLS"])


def topics_generator(pelican):
    return TopicsGenerator
