"""Swap the article lists of tags, categories and authors for set-backed ones, in place."""


class MemberList(list):
    """A list whose `in` is a set lookup by identity (Content objects compare by identity)."""

    def __init__(self, items):
        super().__init__(items)
        self._members = {id(item) for item in self}

    def __contains__(self, item) -> bool:
        return id(item) in self._members


def index_taxonomy_lists(generator) -> None:
    # In place: the generator's context holds these very containers.
    for tag, articles in list(generator.tags.items()):
        generator.tags[tag] = MemberList(articles)
    for pairs in (generator.categories, generator.authors):
        for index, (name, articles) in enumerate(pairs):
            pairs[index] = (name, MemberList(articles))
