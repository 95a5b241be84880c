"""Processing: each photo's entries from the cache, and one batch of work (on every worker)
for the roles the cache does not have yet."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from tintuc.images import Failure, Job, PhotoCache, PhotoSettings, entry_id, readable_stem, run_jobs
from tintuc.photos.references import Photo


@dataclass
class Processed:
    jobs: int  # photos processed by this build
    from_cache: int  # photos whose every role was in the cache
    workers: int  # processes that did the work (0: none needed)
    seconds: float  # the batch of work


def process(photos: Iterable[Photo], settings: PhotoSettings, cache_dir: str,
            workers: int) -> Processed:
    """Fills each photo's `entries` (or `failure`), from the cache or made now."""
    photos = list(photos)
    cache = PhotoCache(cache_dir)
    jobs, hits = [], 0
    for photo in photos:
        sha = cache.source_sha(photo.source)
        if sha is None:
            photo.failure = Failure("missing")
            continue
        missing = []
        stem = readable_stem(photo.relpath)
        for role in sorted(photo.roles):
            identifier = entry_id(sha, role, settings, stem)
            entry = cache.entry(identifier)
            if entry is None:
                missing.append((role, identifier))
            else:
                photo.entries[role] = entry
        if missing:
            jobs.append(Job(photo.source, stem, tuple(missing)))
        else:
            hits += 1
    started = time.perf_counter()
    by_source = {photo.source: photo for photo in photos}
    for result in run_jobs(jobs, settings, cache_dir, workers):
        photo = by_source[result.source]
        photo.failure = result.failure
        for made in result.entries:
            entry = cache.entry(made["id"])
            if entry is not None:
                photo.entries[made["role"]] = entry
    seconds = time.perf_counter() - started
    cache.save_index()
    return Processed(len(jobs), hits, min(workers, len(jobs)) or 0, seconds)
