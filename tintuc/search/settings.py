"""The SEARCH_INDEX setting: its keys, their defaults, and what a wrong value says."""

from pathlib import Path

from tintuc.search.shards import SHARD_ARTICLES, SearchIndexFailed

SETTING = "SEARCH_INDEX"
DEFAULTS = {
    # False builds no index (the search page then says it cannot search).
    "enabled": True,
    # The bundles' folder inside OUTPUT_PATH (one subfolder per shard); the search page loads
    # them from SITEURL.
    "folder": "pagefind",
    # The fewest articles in a shard of older years (the newest year is a shard of its own):
    # fewer, bigger shards make a reader's first search lighter, smaller ones an edit in an
    # old year quicker to index (docs/search.md).
    "shard_articles": SHARD_ARTICLES,
}
CACHE_FOLDER = "search-index"


def settings_of(settings: dict) -> dict:
    config = {**DEFAULTS, **(settings.get(SETTING) or {})}
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise SearchIndexFailed(f"{SETTING}: khóa không có: {', '.join(unknown)}.")
    folder = Path(str(config["folder"]))
    if folder.is_absolute() or ".." in folder.parts or not folder.parts:
        raise SearchIndexFailed(f"{SETTING}[\"folder\"] phải là một thư mục con của OUTPUT_PATH.")
    shard_articles = config["shard_articles"]
    if isinstance(shard_articles, bool) or not isinstance(shard_articles, int) \
            or shard_articles < 1:
        raise SearchIndexFailed(f"{SETTING}[\"shard_articles\"] phải là một số nguyên dương "
                                f"(số bài ít nhất của một phần chỉ mục), không phải "
                                f"{shard_articles!r}.")
    return config


def cache_of(settings: dict) -> Path:
    """Where the records and the bundles are kept between builds."""
    return Path(settings["CACHE_PATH"]).resolve() / CACHE_FOLDER
