"""Web archives as files: WACZ packages written from a WARC, and WARC or WACZ files read
back (ours, or made elsewhere, e.g. with ArchiveWeb.page) with every check a file from
outside needs before its page becomes an entry.

A WACZ (Webrecorder's format, 1.1.1) is a ZIP holding ``archive/data.warc.gz`` (stored,
not deflated, so a viewer can read records by range), ``indexes/index.cdx`` (one CDXJ line
per response: SURT key, 14-digit time, JSON with the record's offset and length),
``pages/pages.jsonl`` (the pages a viewer lists; ours: the captured page),
``datapackage.json`` (every file with its SHA-256 and size) and
``datapackage-digest.json`` (the datapackage's own SHA-256).

Reading refuses, with the reason: a ZIP that is damaged, holds a path outside the package
(absolute, ``..``, backslashes), more files than a package needs, or expands beyond the
size limit or far beyond its own size (a zip bomb); a WACZ without a datapackage, or whose
files' hashes or sizes differ from it; a WARC record whose payload or block digest
differs from the one it declares; an archive with no web page in it.
"""

import datetime
import gzip
import hashlib
import json
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.capture.detection import CaptureRefused

WACZ_VERSION = "1.1.1"
WARC_IN_WACZ = "archive/data.warc.gz"
MAX_MEMBERS = 1000  # a page's package holds a handful; a thousand is generous
MAX_RATIO = 200  # a member expanding more than this (past 1 MiB) is a zip bomb
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ArchivedPage:
    """The page a web archive was made of: where it was, when, its HTML, and how many
    responses the archive holds in all."""

    url: str
    captured_at: str  # the WARC-Date, ISO 8601
    html: bytes
    responses: int


# Writing ---------------------------------------------------------------------------------


def surt(url: str) -> str:
    """The Sort-friendly URI Reordering Transform CDXJ indexes are keyed by:
    ``https://www.example.org/a?b=1`` → ``org,example)/a?b=1``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    key = ",".join(reversed(host.split(".")))
    if parts.port and parts.port not in (80, 443):
        key += f":{parts.port}"
    path = parts.path or "/"
    return f"{key}){path.lower()}" + (f"?{parts.query.lower()}" if parts.query else "")


def _timestamp(warc_date: str) -> str:
    return "".join(ch for ch in warc_date if ch.isdigit())[:14]


def cdxj_lines(warc: Path, filename: str) -> list[str]:
    """One CDXJ line per response record of a (gzipped) WARC, sorted by key and time."""
    lines = []
    with warc.open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            headers = record.http_headers
            fields = {
                "url": url,
                "mime": (headers.get_header("Content-Type") or "").split(";")[0].strip(),
                "status": headers.get_statuscode(),
                "digest": record.rec_headers.get_header("WARC-Payload-Digest") or "",
                "filename": filename,
            }
            record.content_stream().read()  # to the record's end, so its length is known
            fields["offset"] = str(records.get_record_offset())
            fields["length"] = str(records.get_record_length())
            time = _timestamp(record.rec_headers.get_header("WARC-Date") or "")
            lines.append(f"{surt(url)} {time} {json.dumps(fields, ensure_ascii=False)}")
    return sorted(lines)


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def write_wacz(warc: Path, output: Path, *, url: str, captured_at: str, title: str) -> Path:
    """A WACZ package of one captured page, its WARC stored as it is."""
    created = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    warc_bytes = warc.read_bytes()
    index = ("\n".join(cdxj_lines(warc, "data.warc.gz")) + "\n").encode()
    page = {"id": hashlib.sha1(url.encode()).hexdigest()[:16], "url": url, "ts": captured_at}
    if title:
        page["title"] = title
    pages = (
        json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})
        + "\n"
        + json.dumps(page, ensure_ascii=False)
        + "\n"
    ).encode()
    members = [
        (WARC_IN_WACZ, warc_bytes, zipfile.ZIP_STORED),
        ("indexes/index.cdx", index, zipfile.ZIP_DEFLATED),
        ("pages/pages.jsonl", pages, zipfile.ZIP_DEFLATED),
    ]
    package = {
        "profile": "data-package",
        "resources": [
            {
                "name": PurePosixPath(path).name,
                "path": path,
                "hash": _sha256(data),
                "bytes": len(data),
            }
            for path, data, _compression in members
        ],
        "wacz_version": WACZ_VERSION,
        "software": "RJ Archive capture",
        "created": created,
        "title": title or url,
        "mainPageURL": url,
        "mainPageDate": captured_at,
    }
    package_bytes = json.dumps(package, indent=2, ensure_ascii=False).encode()
    digest = {"path": "datapackage.json", "hash": _sha256(package_bytes)}
    members += [
        ("datapackage.json", package_bytes, zipfile.ZIP_DEFLATED),
        ("datapackage-digest.json", json.dumps(digest).encode(), zipfile.ZIP_DEFLATED),
    ]
    with zipfile.ZipFile(output, "w") as package_file:
        for path, data, compression in members:
            info = zipfile.ZipInfo(path, date_time=_zip_time(created))
            info.compress_type = compression
            package_file.writestr(info, data)
    return output


def _zip_time(iso: str) -> tuple[int, int, int, int, int, int]:
    moment = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


# Reading ---------------------------------------------------------------------------------


def archived_page(path: Path, is_wacz: bool) -> ArchivedPage:
    """The main page of a WARC or WACZ file, after its checks; CaptureRefused says why
    it cannot be had."""
    if not is_wacz:
        with path.open("rb") as stream:
            return _page_in_warc(stream, None)
    with _opened_wacz(path) as (package, datapackage):
        main = _main_page_address(package, datapackage)
        warcs = [name for name in package.namelist() if _is_warc_name(name)]
        if not warcs:
            raise CaptureRefused(_("the WACZ file holds no WARC file"))
        for name in warcs:
            with package.open(name) as stream:
                found = _page_in_warc(stream, main, quiet=len(warcs) > 1)
            if found is not None:
                return found
    raise CaptureRefused(_("the WACZ file holds no web page"))


def _is_warc_name(name: str) -> bool:
    return name.startswith("archive/") and name.endswith((".warc", ".warc.gz"))


@contextmanager
def _opened_wacz(path: Path):
    """A WACZ's ZIP and its datapackage, after the checks of its members and datapackage."""
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CaptureRefused(_("the WACZ file is not a readable ZIP package")) from None
    with package:
        _check_members(package, path.stat().st_size)
        yield package, _checked_datapackage(package)


def _check_members(package: zipfile.ZipFile, size: int):
    members = package.infolist()
    if len(members) > MAX_MEMBERS:
        raise CaptureRefused(
            _("the WACZ file holds %(count)d files, more than a web archive needs")
            % {"count": len(members)}
        )
    total = 0
    for member in members:
        name = member.filename
        parts = PurePosixPath(name).parts
        if (
            name.startswith("/")
            or "\\" in name
            or ".." in parts
            or ":" in (parts[0] if parts else "")
        ):
            raise CaptureRefused(
                _("the WACZ file holds a path outside the package (%(path)s)")
                % {"path": name[:200]}
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _CHUNK and ratio > MAX_RATIO:
            raise CaptureRefused(
                _("the WACZ file expands far beyond its size when read (a zip bomb?)")
            )
        total += member.file_size
    if total > max(settings.ARCHIVE_CAPTURE_MAX_BYTES, size) * 4:
        raise CaptureRefused(_("the WACZ file expands far beyond its size when read (a zip bomb?)"))


def _read_member(package: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with package.open(name) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise CaptureRefused(_("%(path)s in the WACZ file is too large") % {"path": name})
    return data


def _checked_datapackage(package: zipfile.ZipFile) -> dict:
    """The datapackage, once every file it lists is checked against it."""
    names = set(package.namelist())
    if "datapackage.json" not in names:
        raise CaptureRefused(_("the WACZ file has no datapackage.json"))
    raw = _read_member(package, "datapackage.json", 4 * _CHUNK)
    try:
        datapackage = json.loads(raw)
        resources = list(datapackage["resources"])
    except (ValueError, KeyError, TypeError):
        raise CaptureRefused(_("the WACZ file's datapackage.json cannot be read")) from None
    if "datapackage-digest.json" in names:
        try:
            declared = json.loads(_read_member(package, "datapackage-digest.json", _CHUNK))["hash"]
        except (ValueError, KeyError, TypeError):
            raise CaptureRefused(
                _("the WACZ file's datapackage-digest.json cannot be read")
            ) from None
        if not _same_hash(declared, raw):
            raise CaptureRefused(_("the WACZ file's datapackage.json differs from its digest"))
    for resource in resources:
        try:
            path, declared = str(resource["path"]), str(resource["hash"])
        except (KeyError, TypeError):
            raise CaptureRefused(_("the WACZ file's datapackage.json cannot be read")) from None
        if path not in names:
            raise CaptureRefused(
                _("the WACZ file lacks %(path)s, which its datapackage lists")
                % {"path": path[:200]}
            )
        known = _declared_hash(declared)
        if known is None:
            raise CaptureRefused(
                _("the WACZ file's datapackage uses an unknown hash (%(hash)s)")
                % {"hash": declared.partition(":")[0][:20]}
            )
        algorithm, expected = known
        digest, size = hashlib.new(algorithm), 0
        with package.open(path) as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        if digest.hexdigest() != expected or ("bytes" in resource and resource["bytes"] != size):
            raise CaptureRefused(
                _("%(path)s in the WACZ file differs from the hash its datapackage declares")
                % {"path": path[:200]}
            )
    return datapackage


def _declared_hash(declared) -> tuple[str, str] | None:
    """A datapackage's "algorithm:hex" as (algorithm, hex), if the algorithm is known."""
    algorithm, _colon, expected = str(declared).partition(":")
    return (algorithm, expected.lower()) if algorithm in ("sha256", "md5", "sha1") else None


def _same_hash(declared, data: bytes) -> bool:
    known = _declared_hash(declared)
    return known is not None and hashlib.new(known[0], data).hexdigest() == known[1]


def _main_page_address(package: zipfile.ZipFile, datapackage: dict) -> str | None:
    """The first page its pages list names (else the datapackage's main page)."""
    if "pages/pages.jsonl" in package.namelist():
        for line in _read_member(package, "pages/pages.jsonl", 16 * _CHUNK).splitlines():
            try:
                page = json.loads(line)
            except ValueError:
                continue
            if isinstance(page, dict) and page.get("url"):
                return str(page["url"])
    return datapackage.get("mainPageURL")


def _page_in_warc(stream, wanted: str | None, quiet: bool = False) -> ArchivedPage | None:
    """The response for ``wanted`` (following redirects recorded in the WARC), or the
    first HTML page; every record's declared digests are checked on the way."""
    answers: dict[str, tuple[str, str, str, bytes]] = {}
    first_page, responses = None, 0
    try:
        for record in ArchiveIterator(stream, check_digests="raise"):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            responses += 1
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            status = record.http_headers.get_statuscode() or ""
            kind = (record.http_headers.get_header("Content-Type") or "").lower()
            body = record.content_stream().read()
            if status.startswith("3"):
                location = record.http_headers.get_header("Location") or ""
                answers.setdefault(url, (status, urljoin(url, location), "", b""))
            elif status.startswith("2") and "html" in kind:
                moment = record.rec_headers.get_header("WARC-Date") or ""
                answers.setdefault(url, (status, url, moment, body))
                if first_page is None:
                    first_page = url
    except ArchiveLoadFailed as failure:
        if "digest" in str(failure):
            raise CaptureRefused(
                _("a record of the WARC file differs from the digest it declares (%(detail)s)")
                % {"detail": str(failure)[:120]}
            ) from None
        raise CaptureRefused(_("the WARC file is damaged and cannot be read")) from None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile):
        raise CaptureRefused(_("the WARC file is damaged and cannot be read")) from None
    address = wanted if wanted in answers else first_page
    for _hop in range(11):
        if address is None or address not in answers:
            break
        status, target, moment, body = answers[address]
        if status.startswith("2"):
            return ArchivedPage(address, moment, body, responses)
        address = target
    if quiet:
        return None
    raise CaptureRefused(_("the WARC file holds no web page"))
