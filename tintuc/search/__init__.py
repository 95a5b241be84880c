"""Search (CONTRACT §6, docs/search.md): what the Pagefind index holds and how it is made,
without Pelican.

- `records`: one article's record (its text folded, its marks, its date), and a shard's words.
- `shards`: the records cached, years grouped into shards, one Pagefind bundle per shard made
  or found in the cache, and linked into the output.
- `settings`: the SEARCH_INDEX setting, checked.

The Pelican side (which articles, when, in a forked process beside the rendering) is the
search_index plugin (plugins/search_index).
"""
