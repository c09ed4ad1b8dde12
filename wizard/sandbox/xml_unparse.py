"""xmltodict 1.0.4's ``unparse`` as moto's serializer calls it, written into a list instead of SAX events.

moto writes every EC2, query (IAM, STS, ...) and S3 answer with ``xmltodict.unparse(body,
full_document=..., short_empty_elements=True, pretty=False)``: a recursive ``_emit`` with 15
keyword arguments per element, an ``AttributesImpl`` per element, and ``XMLGenerator``'s calls
(``startElement``, ``characters``, ``endElement``, each writing to a ``StringIO``). That was ~8% of
the sandbox's CPU in the large account's re-run (py-spy, GIL samples, eleventh session: S3's and
EC2's answers).

``unparse`` below writes the same text: the same walk of the same dicts, lists and values in the
same order (xmltodict's ``_emit`` with its defaults: no namespaces, preprocessor or iterator
expansion, '@' attributes, '#text' content), the same name checks (xmltodict's ``_validate_name``,
looked up each time: moto_tuning keeps the names that passed), the same value conversions and
escaping (``XMLGenerator``'s ``escape`` and ``quoteattr``) and the same short empty elements
(``XMLGenerator``'s pending start tag, closed by whatever is written next; a comment is written
as xmltodict's generator writes it, the tag left pending). Any other call (other arguments, an
output file, pretty printing) is xmltodict's own.
tests/sandbox/test_xml_unparse.py compares both on moto's answers and on generated documents.
"""

from __future__ import annotations

from typing import Any, Callable

XMLTODICT_VERSION = "1.0.4"
_NOT_LISTED = (str, bytes, bytearray, memoryview, dict)  # values _emit wraps in a list of one
_installed = False


def install() -> None:
    """Put ``unparse`` in place of xmltodict's on the version it was written for (idempotent)."""
    global _installed
    from importlib.metadata import version

    import xmltodict

    if _installed or version("xmltodict") != XMLTODICT_VERSION:
        return
    xmltodict.unparse = _lean(xmltodict.unparse, xmltodict)
    _installed = True


def _lean(original: Callable[..., Any], xmltodict: Any) -> Callable[..., Any]:
    from xml.sax.saxutils import escape, quoteattr

    convert = xmltodict._convert_value_to_string

    passed: set[str] = set()  # element names xmltodict's check let through (a name's check has one answer)

    def write_document(input_dict: Any, full_document: bool) -> str:
        out: list[str] = []
        write = out.append
        pending = False  # a start tag written without its ">" (XMLGenerator's short empty elements)

        def leaf(key: str, text: str) -> None:
            """An element of text alone (a string, None or a value xmltodict converts): no attributes, no children."""
            nonlocal pending
            if pending:
                write(">")
                pending = False
            if text:  # XMLGenerator.characters writes nothing for ""
                write("<" + key + ">" + text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                      + "</%s>" % key)
            else:
                write("<" + key + "/>")

        def emit(key: Any, value: Any, depth: int) -> None:
            nonlocal pending
            if isinstance(key, str) and key == "#comment":
                for text in value if isinstance(value, list) else [value]:
                    text = None if text is None else convert(text)
                    if text:  # _XMLGenerator.comment: written as it comes, a pending start tag left open
                        write(f"<!--{escape(xmltodict._validate_comment(text))}-->")
                return
            if type(key) is not str or key not in passed:
                xmltodict._validate_name(key, "element")
                if type(key) is str and len(passed) < 100_000:
                    passed.add(key)
            if not hasattr(value, "__iter__") or isinstance(value, _NOT_LISTED):
                value = (value,)
            for index, v in enumerate(value):
                if full_document and depth == 0 and index > 0:
                    raise ValueError("document with multiple roots")
                if not isinstance(v, dict):  # {"#text": v}, converted; None: {}
                    leaf(key, "" if v is None else convert(v))
                    continue
                cdata = None
                attrs: dict = {}
                children = []
                for ik, iv in v.items():
                    if ik == "#text":
                        cdata = None if iv is None else convert(iv)
                        continue
                    if isinstance(ik, str) and ik.startswith("@"):
                        if ik == "@xmlns" and isinstance(iv, dict):
                            for name, uri in iv.items():
                                xmltodict._validate_name(name, "attribute")
                                attrs["xmlns{}".format(f":{name}" if name else "")] = (
                                    "" if uri is None else convert(uri))
                            continue
                        if iv is None:
                            iv = ""
                        elif not isinstance(iv, str):
                            iv = convert(iv)
                        name = ik[1:]
                        xmltodict._validate_name(name, "attribute")
                        attrs[name] = iv
                        continue
                    if isinstance(iv, list) and not iv:
                        continue  # an empty list writes no element
                    children.append((ik, iv))
                if pending:
                    write(">")
                write("<" + key)
                for name, text in attrs.items():
                    write(" %s=%s" % (name, quoteattr(text)))
                pending = True
                for child_key, child_value in children:
                    if type(child_value) is str and type(child_key) is str and child_key in passed:
                        leaf(child_key, child_value)  # the commonest element, without emit's walk
                    else:
                        emit(child_key, child_value, depth + 1)
                if cdata:  # XMLGenerator.characters writes nothing for ""
                    if pending:
                        write(">")
                        pending = False
                    write(cdata.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;"))
                if pending:
                    write("/>")
                    pending = False
                else:
                    write("</%s>" % key)

        if full_document:
            write('<?xml version="1.0" encoding="utf-8"?>\n')
        seen_root = False
        for key, value in input_dict.items():
            if key != "#comment" and full_document and seen_root:
                raise ValueError("Document must have exactly one root.")
            emit(key, value, 0)
            if key != "#comment":
                seen_root = True
        if full_document and not seen_root:
            raise ValueError("Document must have exactly one root.")
        return "".join(out)

    def unparse(input_dict: Any, output: Any = None, encoding: str = "utf-8", full_document: bool = True,
                short_empty_elements: bool = False, comment_key: str = "#comment", **kwargs: Any) -> Any:
        if (output is not None or encoding != "utf-8" or not short_empty_elements or comment_key != "#comment"
                or any(name != "pretty" or value for name, value in kwargs.items())):
            return original(input_dict, output, encoding, full_document, short_empty_elements, comment_key,
                            **kwargs)
        return write_document(input_dict, full_document)

    unparse.xmltodict_unparse = original  # type: ignore[attr-defined]  # for the tests and sandbox_ab
    return unparse
