"""Photos: resized WebP/JPEG variants, `<picture>` in articles, thumbnails, og:image (issue 9).

See docs/photos.md. The work is in `tintuc.images` and `tintuc.photos` (pure, stage by stage);
`.finding` looks photos up among what Pelican read, `.photos` runs the stages at Pelican's
signals.
"""

from pelican import signals

from .photos import (
    check_settings,
    photo_files_generator,
    prepare_photos,
    replace_originals,
)


def register():
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(photo_files_generator)
    signals.all_generators_finalized.connect(prepare_photos)
    signals.finalized.connect(replace_originals)
