"""Python-Markdown extension: captioned figures and the lead paragraph.

- Every image becomes `<figure><img><figcaption>` with the image's title as caption, else
  its alt text (CONTRACT §3). An image inside a paragraph of text splits the paragraph, since
  a `<figure>` cannot live inside a `<p>`.
- With `extract_lead`, the first top-level paragraph is taken out of the body: it is the
  article's lead (sapo) when the editor wrote no `Tóm tắt`.
"""

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor


def _image_of(element: etree.Element) -> etree.Element | None:
    """The image an element shows on its own: an `<img>`, or a link around only one."""
    if element.tag == "img":
        return element
    if (element.tag == "a" and len(element) == 1 and element[0].tag == "img"
            and not (element.text or "").strip() and not (element[0].tail or "").strip()):
        return element[0]
    return None


def _figure(holder: etree.Element, image: etree.Element) -> etree.Element:
    figure = etree.Element("figure")
    caption = image.attrib.pop("title", "").strip() or image.get("alt", "").strip()
    holder.tail = None
    figure.append(holder)
    if caption:
        etree.SubElement(figure, "figcaption").text = caption
    return figure


class FigureProcessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            # Rebuilding a child list while iterating it would skip elements.
            for index in reversed(range(len(parent))):
                child = parent[index]
                if child.tag == "p" and any(_image_of(grandchild) is not None
                                            for grandchild in child):
                    parent[index:index + 1] = _split_paragraph(child)


def _split_paragraph(paragraph: etree.Element) -> list[etree.Element]:
    blocks: list[etree.Element] = []
    current = etree.Element("p")
    current.text = paragraph.text

    def close_current():
        if (current.text or "").strip() or len(current):
            blocks.append(current)

    for child in list(paragraph):
        image = _image_of(child)
        if image is None:
            current.append(child)
            continue
        tail = child.tail
        close_current()
        blocks.append(_figure(child, image))
        current = etree.Element("p")
        current.text = (tail or "").lstrip()
    close_current()
    for block in blocks:
        block.tail = "\n"
    return blocks


class LeadProcessor(Treeprocessor):
    """Takes the first top-level `<p>` out of the tree, keeping it for the reader."""

    def run(self, root: etree.Element) -> None:
        self.md.lead_element = None
        for child in root:
            if child.tag == "p":
                self.md.lead_element = child
                root.remove(child)
                return


class NewsExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"extract_lead": [False, "take the first paragraph out as the lead"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After inline processing (20), so images exist as elements.
        md.treeprocessors.register(FigureProcessor(md), "news_figures", 15)
        if self.getConfig("extract_lead"):
            md.treeprocessors.register(LeadProcessor(md), "news_lead", 14)


def _lead_html(markdown: Markdown) -> str | None:
    """Inner HTML of the lead taken out by the last `convert`, or None."""
    element = getattr(markdown, "lead_element", None)
    if element is None:
        return None
    html = markdown.serializer(element)
    for processor in markdown.postprocessors:
        html = processor.run(html)
    return html.removeprefix("<p>").removesuffix("</p>").strip()


_converters: dict[tuple[str, bool], Markdown] = {}


def _converter(markdown_settings: dict, extract_lead: bool) -> Markdown:
    # Building a Markdown object with its extensions costs more than converting a short
    # article, so one is kept per configuration and reset between files.
    cache_key = (repr(markdown_settings), extract_lead)
    if cache_key not in _converters:
        settings = dict(markdown_settings)
        extension_configs = dict(settings.pop("extension_configs", {}))
        extensions = [*settings.pop("extensions", []), *extension_configs,
                      NewsExtension(extract_lead=extract_lead)]
        _converters[cache_key] = Markdown(
            extensions=extensions, extension_configs=extension_configs, **settings
        )
    return _converters[cache_key]


def convert(text: str, markdown_settings: dict, *, extract_lead: bool) -> tuple[str, str | None]:
    """Body HTML and, with `extract_lead`, the lead's inner HTML."""
    markdown = _converter(markdown_settings, extract_lead)
    markdown.reset()
    body = markdown.convert(text)
    return body, _lead_html(markdown) if extract_lead else None
