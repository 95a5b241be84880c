"""Photos, stage by stage (docs/photos.md), without Pelican:

- `tintuc.images`: the settings, making the variants, the cache, `<picture>` HTML;
- `references`: which file an `<img>` or a featured image points at, and what each photo is
  needed for;
- `processing`: what the cache has, and one batch of work for the rest;
- `pages`: the `<img>` of a document rewritten, and the `photo()` of the templates;
- `report`: what editors are told, with the article's file and line.

The Pelican side (plugins/photos) finds the documents and static files, calls these in turn
and logs what they say.
"""
