"""Attachments and the register on Pelican's objects."""

import os
import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from pelican.contents import Content
from pelican.generators import Generator

from tintuc.documents import by_year, kind_of, linked_files, size_text
from tintuc_plugins import pelican_compat, shared


@dataclass
class Attachment:
    """A file an article offers for download: its name as the article gives it, its kind and
    size, and the static file Pelican copies."""

    name: str
    kind: str
    size: int
    static: Content
    named: bool = True  # False when `name` is only the file's name

    @property
    def url(self) -> str:
        # Read when the page is drawn: by then an `{attach}` link has put the file in place.
        return self.static.url

    @property
    def size_text(self) -> str:
        return size_text(self.size)

    def __fingerprint__(self):
        # What a page shows of it, without reading where it goes (that would pin the file
        # before its article's `{attach}` link moves it; the article's own digest covers it).
        return (self.name, self.kind, self.size, self.static.source_path)


def _documents(generators) -> list[Content]:
    found = []
    for generator in generators:
        for name in ("articles", "translations", "hidden_articles", "hidden_translations",
                     "drafts", "pages", "hidden_pages"):
            found += getattr(generator, name, None) or []
    return found


def _static_for(document: Content, target: str, statics: dict) -> Content | None:
    path = unquote(urlsplit(target.split("}", 1)[-1].split("|", 2)[-1]).path)
    if path.startswith("/"):
        relative = posixpath.normpath(path.lstrip("/"))
    else:
        relative = posixpath.normpath(posixpath.join(document.relative_dir, path))
    return statics.get(relative)


def _attachment(static: Content, name: str) -> Attachment | None:
    kind = kind_of(static.source_path)
    if kind is None:
        return None
    source = static.source_path if os.path.isabs(static.source_path) else os.path.join(
        static.settings["PATH"], static.source_path)
    try:
        size = os.path.getsize(source)
    except OSError:
        return None
    return Attachment(name or os.path.basename(static.source_path), kind, size, static,
                      named=bool(name))


def list_attachments(generators) -> None:
    """Each document's `attachments`: its register file first, then the document files its
    lead and body link, in order, each once."""
    statics = generators[0].context.get("static_content", {})
    for document in _documents(generators):
        found: dict[int, Attachment] = {}
        register_file = getattr(document, "document_file", None)
        links = [("{static}/" + register_file, "")] if register_file else []
        text = (document.metadata.get("summary") or "") + pelican_compat.raw_text(document)
        for target, name in links + linked_files(text):
            static = _static_for(document, target, statics)
            if static is None:
                continue
            if id(static) in found:
                # Linked again: the name a link gives beats the file's own name.
                if name and not found[id(static)].named:
                    found[id(static)].name, found[id(static)].named = name, True
                continue
            attachment = _attachment(static, name)
            if attachment is not None:
                found[id(static)] = attachment
        setattr(document, shared.ATTACHMENTS, list(found.values()))


class DocumentRegister(Generator):
    """`van-ban/`: the documents (articles with a `Số hiệu`) by year of issue."""

    def generate_context(self) -> None:
        documents = [article for article in self.context.get("articles") or []
                     if getattr(article, "document_number", None)]
        self.years = by_year(documents, _issued)
        self.context[shared.DOCUMENT_YEARS] = self.years

    def generate_output(self, writer) -> None:
        settings = self.settings
        if not (self.years and settings.get("DOCUMENTS_SAVE_AS")):
            return
        template = self.get_template("documents")
        years = [year for year, _ in self.years]
        for index, (year, documents) in enumerate(self.years):
            values = {"year": year, "documents": documents, "years": years,
                      "kinds": sorted({doc.document_kind for doc in documents
                                       if getattr(doc, "document_kind", None)})}
            # The newest year is also the register's front page, which is its address.
            page_url = settings["DOCUMENTS_URL"] if index == 0 else \
                settings["DOCUMENTS_YEAR_URL"].format(year=year)
            if index == 0:
                writer.write_file(settings["DOCUMENTS_SAVE_AS"], template, self.context,
                                  relative_urls=settings["RELATIVE_URLS"], page_url=page_url,
                                  **values)
            writer.write_file(settings["DOCUMENTS_YEAR_SAVE_AS"].format(year=year), template,
                              self.context, relative_urls=settings["RELATIVE_URLS"],
                              page_url=page_url, **values)


def _issued(article):
    return getattr(article, "issued", None) or article.date


def register_generator(pelican):
    return DocumentRegister
