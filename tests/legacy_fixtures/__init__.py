"""A NukeViet mirror made in tmp (make_mirror.py) and what the importer tests share."""
