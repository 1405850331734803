"""A bounded check that an uploaded file is a plain, passive PDF.

Jurors and organisers open attachments on their own machines: a file is
accepted only when

* it is one PDF and nothing else (no bytes before ``%PDF-``, nothing but
  whitespace after the last ``%%EOF``, no HTML or ZIP hidden in it);
* a scan of every byte (every revision, and the inflated object streams) finds
  no active content: JavaScript, launch, remote go-to, submit-form, rich media,
  XFA, embedded files, file attachments, links that are not http(s) to a public
  host. Names are read after their ``#xx`` escapes are decoded;
* it abuses no resources: size, inflated stream sizes, nesting depth, the
  chain of cross-reference sections and the page count are capped *before*
  pypdf does any work, and pypdf's page-tree walk is ours (iterative, each
  object visited once);
* it is not encrypted.

Every refusal is a ``PdfRefused`` (a ``ValidationError``) with a translated
message and a ``code`` naming the category. pypdf's exceptions never escape.
"""

import io
import ipaddress
import re
import socket
import unicodedata
import zipfile
import zlib
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- Limits (each checked before the work it bounds) ----------------------------

MAX_PAGES = 500
MAX_DEPTH = 64  # nested dictionaries and arrays
MAX_XREF_SECTIONS = 64  # revisions chained by /Prev
MAX_INFLATED_STREAM = 64 * 1024 * 1024  # one stream, inflated
MAX_INFLATED_TOTAL = 256 * 1024 * 1024  # all streams, inflated
MAX_RATIO = 1000  # inflated / compressed, for streams inflating over 1 MB
MAX_TRAILING_BYTES = 4096  # whitespace allowed after the last %%EOF
MAX_NAME_BYTES = 255

# Names that make a PDF do something when it is opened or clicked.
ACTIVE_NAMES = {
    "JavaScript": "javascript",
    "JS": "javascript",
    "Launch": "launch",
    "GoToR": "remote_goto",
    "GoToE": "remote_goto",
    "SubmitForm": "submit_form",
    "ImportData": "submit_form",
    "RichMedia": "rich_media",
    "Rendition": "rich_media",
    "Movie": "rich_media",
    "XFA": "xfa",
    "EmbeddedFile": "embedded_file",
    "EmbeddedFiles": "embedded_file",
    "FileAttachment": "embedded_file",
    "Encrypt": "encrypted",
}
FILTERS_OTHER_THAN_FLATE = {
    "ASCIIHexDecode",
    "AHx",
    "ASCII85Decode",
    "A85",
    "LZWDecode",
    "LZW",
    "RunLengthDecode",
    "RL",
    "CCITTFaxDecode",
    "CCF",
    "JBIG2Decode",
    "DCTDecode",
    "DCT",
    "JPXDecode",
    "Crypt",
}
HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|meta|object|embed|img)",
    re.IGNORECASE,
)
ZIP_MARKERS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x01\x02")
PRIVATE_SUFFIXES = (
    ".localhost",
    ".local",
    ".internal",
    ".intranet",
    ".lan",
    ".home",
    ".corp",
    ".localdomain",
    ".home.arpa",
)

MESSAGES = {
    "empty": _("The file is empty."),
    "not_pdf": _(
        "This file is not a PDF (whatever its name says). "
        "Export your document as PDF and try again."
    ),
    "polyglot": _(
        "This file is a PDF with another kind of file (a web page or an "
        "archive) hidden in it. Export your document as PDF again and send "
        "that file."
    ),
    "encrypted": _("The PDF is protected by a password: send it without one."),
    "javascript": _(
        "This PDF contains JavaScript, which we do not accept. Export or print "
        "it again as PDF without scripts."
    ),
    "launch": _(
        "This PDF asks to launch a program when opened or clicked. Send a PDF "
        "without such actions."
    ),
    "remote_goto": _(
        "This PDF links to another file on a disk or network share. Send a "
        "PDF without such links."
    ),
    "submit_form": _(
        "This PDF contains a form that sends data somewhere. Flatten or print "
        "it to PDF again."
    ),
    "rich_media": _(
        "This PDF contains embedded media (video, sound, Flash). Send a PDF "
        "with text and images only."
    ),
    "xfa": _("This PDF is an XFA form, which we do not accept. Print it to PDF again."),
    "embedded_file": _(
        "This PDF has other files embedded in it. Send each document as its "
        "own PDF instead."
    ),
    "unsafe_link": _(
        "This PDF contains a link that is not an ordinary web address "
        "(http or https to a public site). Remove that link and try again."
    ),
    "bomb": _(
        "This PDF's content inflates to far more than its size (a compression "
        "bomb or an oversized image). Export it again at a lower resolution."
    ),
    "too_many_pages": _("This PDF has more than %(limit)s pages."),
    "too_deep": _(
        "This PDF's structure is nested too deeply to be read safely. Export "
        "it again as PDF."
    ),
    "xref": _(
        "This PDF's table of contents (its cross-reference sections) is too "
        "long or loops on itself. Export it again as PDF."
    ),
    "damaged": _(
        "This PDF is damaged and cannot be read safely. Export your document "
        "as PDF again and try again."
    ),
}


class PdfRefused(ValidationError):
    """A refusal with the applicant's message; ``code`` names the category."""

    def __init__(self, code, **params):
        super().__init__(MESSAGES[code], code=code, params=params or None)


# --- Lexing the object syntax ---------------------------------------------------

_STREAM_START = re.compile(rb"\bstream(?:\r\n|\n|\r)")
_ENDSTREAM = re.compile(rb"endstream")
_OBJ_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_NAME = re.compile(rb"/([^\s/\[\]<>(){}%]*)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_DELIMS = re.compile(rb"[()<>\[\]/%]")
_STRING_PLAIN = re.compile(rb"[^()\\]+")
_STRING_ESCAPES = {
    ord("n"): b"\n",
    ord("r"): b"\r",
    ord("t"): b"\t",
    ord("b"): b"\b",
    ord("f"): b"\f",
    ord("("): b"(",
    ord(")"): b")",
    ord("\\"): b"\\",
}


def _decode_name(raw):
    return _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode(
        "latin-1"
    )


def _read_literal_string(data, start):
    """Return (decoded bytes, index after the closing parenthesis)."""
    out = bytearray()
    depth = 1
    i = start + 1
    size = len(data)
    while i < size:
        plain = _STRING_PLAIN.match(data, i)
        if plain:  # copy a run of ordinary bytes at C speed
            out += plain.group()
            i = plain.end()
            if i >= size:
                break
        char = data[i]
        if char == 0x5C:  # backslash
            i += 1
            if i >= size:
                break
            nxt = data[i]
            if nxt in _STRING_ESCAPES:
                out += _STRING_ESCAPES[nxt]
                i += 1
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", data[i : i + 3]).group()
                out.append(int(digits, 8) & 0xFF)
                i += len(digits)
            elif nxt in (0x0A, 0x0D):  # line continuation
                i += 1
                if nxt == 0x0D and i < size and data[i] == 0x0A:
                    i += 1
            else:
                out.append(nxt)
                i += 1
            continue
        if char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(char)
        i += 1
    return bytes(out), size


class _Scan:
    """What the lexer saw in the object syntax of one chunk of bytes."""

    def __init__(self):
        self.names = set()
        self.uris = []  # decoded strings after a /URI key
        self.uri_refs = 0  # /URI keys pointing at another object
        self.counts = []  # values after /Count
        self.max_depth = 0
        self.html = False


def _lex(data, scan):
    """Lex ``data`` (object syntax, streams already cut out) into ``scan``.

    Handles strings (so names inside text are not taken for keys), comments,
    hex strings and the nesting of dictionaries and arrays.
    """
    depth = 0
    i = 0
    size = len(data)
    last_name = None
    while True:
        match = _DELIMS.search(data, i)
        if match is None:
            break
        i = match.start()
        char = data[i]
        if char == 0x28:  # (
            text, i = _read_literal_string(data, i)
            if last_name == "URI":
                scan.uris.append(text)
            last_name = None
            continue
        if char == 0x25:  # % comment
            end = data.find(b"\n", i)
            end = size if end < 0 else end
            if HTML_MARKERS.search(data, i, end):
                scan.html = True
            i = end
            continue
        if char == 0x2F:  # /Name
            name_match = _NAME.match(data, i)
            name = _decode_name(name_match.group(1))
            scan.names.add(name)
            i = name_match.end()
            if name in ("URI", "Count"):
                following = data[i : i + 40].lstrip()
                if name == "URI" and re.match(rb"\d+\s+\d+\s+R\b", following):
                    scan.uri_refs += 1
                if name == "Count":
                    number = re.match(rb"[+-]?\d+", following)
                    if number:
                        scan.counts.append(int(number.group()[:20]))
            last_name = name
            continue
        if char == 0x3C:  # < or <<
            if data[i + 1 : i + 2] == b"<":
                depth += 1
                scan.max_depth = max(scan.max_depth, depth)
                if depth > MAX_DEPTH:
                    raise PdfRefused("too_deep")
                i += 2
                last_name = None
                continue
            end = data.find(b">", i)
            end = size if end < 0 else end
            if last_name == "URI":
                hex_digits = re.sub(rb"[^0-9A-Fa-f]", b"", data[i + 1 : end])
                if len(hex_digits) % 2:
                    hex_digits += b"0"
                scan.uris.append(bytes.fromhex(hex_digits.decode()))
            last_name = None
            i = end + 1
            continue
        if char == 0x3E:  # >>
            if data[i + 1 : i + 2] == b">":
                depth = max(depth - 1, 0)
                i += 2
            else:
                i += 1
            continue
        if char == 0x5B:  # [
            depth += 1
            scan.max_depth = max(scan.max_depth, depth)
            if depth > MAX_DEPTH:
                raise PdfRefused("too_deep")
        elif char == 0x5D:  # ]
            depth = max(depth - 1, 0)
        i += 1
    if HTML_MARKERS.search(data):
        # Outside strings and streams an HTML tag has nothing to do in a PDF.
        stripped = re.sub(rb"\((?:[^()\\]|\\.)*\)", b"", data)
        if HTML_MARKERS.search(stripped):
            scan.html = True


def _inflate(payload, *, budget):
    """Inflate a Flate stream, never producing more than ``budget`` bytes.

    Returns (inflated bytes or None when it is not worth keeping, size).
    Raises ``PdfRefused("bomb")`` past the budget or the ratio.
    """
    inflater = zlib.decompressobj()
    produced = 0
    chunks = []
    keep = True
    remaining = payload
    step = 1024 * 1024
    while remaining:
        try:
            out = inflater.decompress(remaining, step)
        except zlib.error:
            break
        produced += len(out)
        if produced > min(budget, MAX_INFLATED_STREAM):
            raise PdfRefused("bomb")
        if produced > 1024 * 1024 and produced > MAX_RATIO * max(len(payload), 1):
            raise PdfRefused("bomb")
        if keep:
            chunks.append(out)
            if produced > 8 * 1024 * 1024:
                keep = False
                chunks = []
        remaining = inflater.unconsumed_tail
        if inflater.eof:
            break
    return (b"".join(chunks) if keep else None), produced


def _split_streams(data):
    """Yield ("syntax", bytes) and ("stream", dict bytes, payload) parts."""
    position = 0
    while True:
        match = _STREAM_START.search(data, position)
        if match is None:
            yield ("syntax", data[position:], None)
            return
        end = _ENDSTREAM.search(data, match.end())
        if end is None:
            yield ("syntax", data[position:], None)
            return
        header_start = data.rfind(b"obj", position, match.start())
        header = data[header_start if header_start >= 0 else position : match.start()]
        yield ("syntax", data[position : match.start()], None)
        yield ("stream", header, data[match.end() : end.start()])
        position = end.end()


def _scan_bytes(data, scan, *, budget):
    """Scan the object syntax and inflate the streams. Returns the budget left."""
    for kind, part, payload in _split_streams(data):
        if kind == "syntax":
            _lex(part, scan)
            continue
        header_scan = _Scan()
        _lex(part, header_scan)
        scan.names |= header_scan.names
        scan.uris += header_scan.uris
        scan.uri_refs += header_scan.uri_refs
        scan.counts += header_scan.counts
        is_object_stream = "ObjStm" in header_scan.names
        flate = bool(header_scan.names & {"FlateDecode", "Fl"})
        others = header_scan.names & FILTERS_OTHER_THAN_FLATE
        if is_object_stream:
            if others:
                # An object stream we cannot read is one we cannot vouch for.
                raise PdfRefused("damaged")
            if flate:
                inflated, produced = _inflate(payload, budget=budget)
                budget -= produced
                if inflated is None:
                    raise PdfRefused("bomb")
            else:
                inflated = payload
            _scan_bytes(inflated, scan, budget=budget)
        elif flate:
            _inflated, produced = _inflate(payload, budget=budget)
            budget -= produced
        if budget < 0:
            raise PdfRefused("bomb")
    return budget


# --- Links ----------------------------------------------------------------------


def _host_is_public(host):
    host = host.rstrip(".").lower()
    if not host or host == "localhost" or host.endswith(PRIVATE_SUFFIXES):
        return False
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
        if re.fullmatch(r"[0-9a-fx.]+", host):
            # Shorthand and octal/hex forms such as 0x7f.1 or 2130706433.
            try:
                address = ipaddress.ip_address(socket.inet_aton(host))
            except OSError:
                address = None
    if address is not None:
        return address.is_global
    if "." not in host:
        return False  # a bare name resolves inside someone's network
    return all(
        re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label)
        for label in host.encode("idna").decode("ascii").split(".")
    )


def uri_is_safe(raw):
    """True for an http(s) address to a public host, without credentials."""
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
        text = raw.decode("utf-16", "replace")
    else:
        text = raw.decode("latin-1")
    text = text.strip()
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in text):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        if parts.scheme.lower() not in ("http", "https") or parts.username:
            return False
        return _host_is_public(host)
    except (ValueError, UnicodeError):
        return False


# --- The structure, through pypdf -----------------------------------------------


def _follow_xref_chain(data):
    """Refuse a chain of /Prev sections that loops or is too long."""
    tail = data[-2048:]
    found = re.findall(rb"startxref\s+(\d+)", tail)
    if not found:
        return
    offset = int(found[-1][:20])
    seen = set()
    while True:
        if offset in seen or len(seen) >= MAX_XREF_SECTIONS:
            raise PdfRefused("xref")
        seen.add(offset)
        if offset >= len(data):
            return
        window = data[offset : offset + 64 * 1024]
        if window.startswith(b"xref"):
            trailer = window.find(b"trailer")
            if trailer < 0:
                return
            end = window.find(b"startxref", trailer)
            section = window[trailer : end if end > 0 else None]
        elif _OBJ_HEADER.match(window):
            end = window.find(b"stream")
            section = window[: end if end > 0 else None]
        else:
            return
        previous = re.search(rb"/Prev\s+(\d+)", section)
        if previous is None:
            return
        offset = int(previous.group(1)[:20])


def _check_structure(data):
    """Read the file with pypdf: not encrypted, a sane page tree."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfRefused("encrypted")
        root = reader.trailer["/Root"].get_object()
        pages = root["/Pages"]
        stack = [(pages, 0)]
        seen = set()
        leaves = 0
        while stack:
            node, depth = stack.pop()
            if isinstance(node, IndirectObject):
                key = (node.idnum, node.generation)
                if key in seen:
                    raise PdfRefused("damaged")
                seen.add(key)
            node = node.get_object()
            if depth > MAX_DEPTH:
                raise PdfRefused("too_deep")
            kids = node.get("/Kids")
            if kids is None or node.get("/Type") == "/Page":
                leaves += 1
                if leaves > MAX_PAGES:
                    raise PdfRefused("too_many_pages", limit=MAX_PAGES)
                continue
            kids = kids.get_object()
            if len(kids) > MAX_PAGES:
                raise PdfRefused("too_many_pages", limit=MAX_PAGES)
            stack.extend((kid, depth + 1) for kid in kids)
        if leaves < 1:
            raise PdfRefused("not_pdf")
    except PdfRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf's errors never escape
        raise PdfRefused("damaged") from exc


# --- The check ------------------------------------------------------------------


def check_pdf_bytes(data):
    """Raise ``PdfRefused`` unless ``data`` is a plain, passive PDF."""
    if not data:
        raise PdfRefused("empty")
    if not data.startswith(b"%PDF-"):
        if b"%PDF-" in data[:1024]:
            raise PdfRefused("polyglot")
        raise PdfRefused("not_pdf")
    last_eof = data.rfind(b"%%EOF")
    if last_eof < 0:
        raise PdfRefused(
            "damaged" if re.search(rb"\d+\s+\d+\s+obj", data) else "not_pdf"
        )
    trailing = data[last_eof + 5 :]
    if len(trailing) > MAX_TRAILING_BYTES or trailing.strip(b"\x00\t\n\f\r "):
        raise PdfRefused("polyglot")
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise PdfRefused("polyglot")
    _follow_xref_chain(data)
    scan = _Scan()
    try:
        _scan_bytes(data, scan, budget=MAX_INFLATED_TOTAL)
    except RecursionError as exc:
        raise PdfRefused("too_deep") from exc
    if scan.html:
        raise PdfRefused("polyglot")
    # Archive headers outside the streams (a ZIP spliced between objects).
    for kind, part, _payload in _split_streams(data):
        if kind == "syntax" and any(marker in part for marker in ZIP_MARKERS):
            raise PdfRefused("polyglot")
    for name in sorted(scan.names):
        if name in ACTIVE_NAMES:
            raise PdfRefused(ACTIVE_NAMES[name])
    if scan.uri_refs or not all(uri_is_safe(uri) for uri in scan.uris):
        raise PdfRefused("unsafe_link")
    if HTML_MARKERS.search(data, 0, 1024):
        # Browsers sniff the first bytes: a tag there makes a web page of it.
        raise PdfRefused("polyglot")
    if any(count > MAX_PAGES for count in scan.counts):
        raise PdfRefused("too_many_pages", limit=MAX_PAGES)
    _check_structure(data)


# --- Names ----------------------------------------------------------------------

WINDOWS_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"COM{n}" for n in "123456789¹²³"),
    *(f"LPT{n}" for n in "123456789¹²³"),
}
_UNSAFE_CHARS = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')


def safe_pdf_name(name, *, default="document"):
    """Return ``name`` made safe to store and serve, ending in ``.pdf``.

    NFKC first (a fullwidth slash becomes a slash, then goes); no control,
    format or bidi characters; no path separators or reserved characters; no
    Windows device names; no inner extension left to fool a viewer
    (``cv.exe.pdf`` keeps ``cv_exe.pdf``); at most 255 bytes in UTF-8.
    """
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = "".join(
        " " if category in ("Cc", "Zl", "Zp") else char
        for char, category in ((char, unicodedata.category(char)) for char in text)
        if category not in ("Cf", "Cs", "Co", "Cn")
    )
    text = _UNSAFE_CHARS.sub("_", text)
    text = " ".join(text.split())
    stem = text[:-4] if text.lower().endswith(".pdf") else text
    stem = stem.replace(".", "_").strip(" _")
    if not stem:
        stem = default
    if stem.split("_")[0].upper().rstrip(" ") in WINDOWS_DEVICES or (
        stem.upper() in WINDOWS_DEVICES
    ):
        stem = "_" + stem
    budget = MAX_NAME_BYTES - len(".pdf")
    encoded = stem.encode("utf-8")
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", "ignore").rstrip(" _")
    stem = stem[:196]
    return stem + ".pdf"
