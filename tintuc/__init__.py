"""Pure logic of Tin tức: Vietnamese text, dates, front-matter and content problems.

Nothing in this package imports Pelican, so it is tested on its own and shared by the
reader plugin, `invoke check`, the search and the importer.
"""
