"""The OAI-PMH endpoint: its six verbs, their arguments, and every error of the
specification where it says (badVerb, badArgument, badResumptionToken,
cannotDisseminateFormat, idDoesNotExist, noRecordsMatch; noSetHierarchy never, since the
repository has sets)."""

import datetime

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from archive.web.languages import permalinks
from archive.web.oai import repository, tokens
from archive.web.oai.responses import (
    OAI_DC,
    OAI_DC_SCHEMA,
    PageReads,
    dublin_core,
    envelope,
    header,
    serialise,
    sub,
    utc,
)

VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
PREFIX = "oai_dc"


class ProtocolError(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


def page_size() -> int:
    return getattr(settings, "ARCHIVE_OAI_PAGE_SIZE", 50)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request):
    params = request.POST if request.method == "POST" else request.GET
    base_url = request.build_absolute_uri(reverse("oai"))
    try:
        verb, arguments = _arguments(params)
    except ProtocolError as error:
        root, _request = envelope(base_url, {})
        sub(root, "error", error.message, code=error.code)
        return _response(root)
    root, _request = envelope(base_url, {"verb": verb, **arguments})
    try:
        HANDLERS[verb](root, arguments, request)
    except ProtocolError as error:
        # The request element echoes arguments only when they were valid.
        root, _request = envelope(
            base_url,
            {} if error.code in ("badVerb", "badArgument") else {"verb": verb, **arguments},
        )
        sub(root, "error", error.message, code=error.code)
    return _response(root)


def _response(root) -> HttpResponse:
    return HttpResponse(serialise(root), content_type="text/xml; charset=utf-8")


def _arguments(params) -> tuple[str, dict]:
    verbs = params.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise ProtocolError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
    verb = verbs[0]
    required, optional = VERBS[verb]
    arguments = {}
    for name in params:
        if name == "verb":
            continue
        values = params.getlist(name)
        if name not in required | optional:
            raise ProtocolError("badArgument", f"“{name}” is not an argument of {verb}.")
        if len(values) != 1:
            raise ProtocolError("badArgument", f"The argument “{name}” is repeated.")
        arguments[name] = values[0]
    if "resumptionToken" in arguments:
        if len(arguments) != 1:
            raise ProtocolError(
                "badArgument", "A resumptionToken is the only argument allowed beside the verb."
            )
    else:
        missing = required - set(arguments)
        if missing:
            raise ProtocolError(
                "badArgument", f"{verb} needs the argument(s): {', '.join(sorted(missing))}."
            )
    return verb, arguments


# Verbs -----------------------------------------------------------------------------------


def identify(root, arguments, request):
    element = sub(root, "Identify")
    sub(element, "repositoryName", "RJ Archive: documents on Russia–Japan relations")
    sub(element, "baseURL", request.build_absolute_uri(reverse("oai")))
    sub(element, "protocolVersion", "2.0")
    sub(element, "adminEmail", settings.ARCHIVE_ADMIN_EMAIL)
    sub(element, "earliestDatestamp", utc(repository.earliest_datestamp()))
    sub(element, "deletedRecord", "persistent")
    sub(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")


def list_metadata_formats(root, arguments, request):
    if "identifier" in arguments:
        _existing(arguments["identifier"])
    element = sub(root, "ListMetadataFormats")
    format_element = sub(element, "metadataFormat")
    sub(format_element, "metadataPrefix", PREFIX)
    sub(format_element, "schema", OAI_DC_SCHEMA)
    sub(format_element, "metadataNamespace", OAI_DC)


def list_sets(root, arguments, request):
    if "resumptionToken" in arguments:
        raise ProtocolError("badResumptionToken", "ListSets is answered whole: no token applies.")
    element = sub(root, "ListSets")
    for spec, name in repository.all_sets():
        set_element = sub(element, "set")
        sub(set_element, "setSpec", spec)
        sub(set_element, "setName", name)


def get_record(root, arguments, request):
    _check_prefix(arguments["metadataPrefix"])
    record = _existing(arguments["identifier"])
    element = sub(sub(root, "GetRecord"), "record")
    _write_record(element, record, request, permalinks([record.entry])[0] if record.entry else "")


def list_identifiers(root, arguments, request):
    _list(root, arguments, request, "ListIdentifiers")


def list_records(root, arguments, request):
    _list(root, arguments, request, "ListRecords")


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


# Lists -----------------------------------------------------------------------------------


def _list(root, arguments, request, verb: str):
    state = _harvest_state(arguments)
    after = (
        (datetime.datetime.fromisoformat(state["after"][0]), state["after"][1])
        if state.get("after")
        else None
    )
    found = repository.records(
        start=datetime.datetime.fromisoformat(state["from"]) if state.get("from") else None,
        end=datetime.datetime.fromisoformat(state["end"]),
        spec=state.get("set"),
        after=after,
        limit=page_size() + 1,
    )
    if not found and not after:
        raise ProtocolError("noRecordsMatch", "No records match these arguments.")
    page, more = found[: page_size()], len(found) > page_size()
    element = sub(root, verb)
    links = permalinks([record.entry for record in page if record.entry is not None])
    urls = iter(links)
    reads = PageReads.of(page) if verb == "ListRecords" else None
    for record in page:
        if verb == "ListIdentifiers":
            header(element, record)
        else:
            url = next(urls) if record.entry is not None else ""
            _write_record(sub(element, "record"), record, request, url, reads)
    cursor = state.get("cursor", 0)
    if more or after:
        attributes = {"cursor": str(cursor)}
        if more:
            following = {**state, "after": page[-1].position, "cursor": cursor + len(page)}
            expires = datetime.datetime.now(datetime.UTC) + tokens.LIFETIME
            attributes["expirationDate"] = utc(expires)
            sub(element, "resumptionToken", tokens.issue(following), **attributes)
        else:
            sub(element, "resumptionToken", "", **attributes)


def _write_record(element, record, request, path: str, reads: PageReads | None = None):
    header(element, record)
    if not record.deleted:
        dublin_core(element, record, request.build_absolute_uri(path), reads)


def _harvest_state(arguments: dict) -> dict:
    if "resumptionToken" in arguments:
        try:
            return tokens.read(arguments["resumptionToken"])
        except tokens.BadToken as error:
            raise ProtocolError("badResumptionToken", str(error)) from None
    _check_prefix(arguments["metadataPrefix"])
    start, start_granularity = _datestamp(arguments.get("from"), "from", upper=False)
    end, end_granularity = _datestamp(arguments.get("until"), "until", upper=True)
    if start_granularity and end_granularity and start_granularity != end_granularity:
        raise ProtocolError("badArgument", "“from” and “until” must have the same granularity.")
    if start and end and start >= end:
        raise ProtocolError("badArgument", "“from” is after “until”.")
    now = datetime.datetime.now(datetime.UTC)
    # The harvest's end is fixed now: what changes during it is for the next harvest.
    end = min(end, now) if end else now
    spec = arguments.get("set")
    if spec and repository.entries_in_set(spec) is None:
        raise ProtocolError("noRecordsMatch", f"There is no set “{spec}”.")
    return {
        "verb_prefix": PREFIX,
        "from": start.isoformat() if start else None,
        "end": end.isoformat(),
        "set": spec,
        "after": None,
        "cursor": 0,
    }


def _datestamp(value: str | None, name: str, upper: bool):
    """A from/until argument as a UTC moment (until: the end of its day or second)."""
    if value is None:
        return None, None
    try:
        if len(value) == 10:
            day = datetime.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=datetime.UTC)
            return (day + datetime.timedelta(days=1) if upper else day), "day"
        if len(value) == 20 and value.endswith("Z"):
            moment = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=datetime.UTC
            )
            return (moment + datetime.timedelta(seconds=1) if upper else moment), "second"
    except ValueError:
        pass
    raise ProtocolError(
        "badArgument", f"“{name}” must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC)."
    )


def _check_prefix(prefix: str):
    if prefix != PREFIX:
        raise ProtocolError(
            "cannotDisseminateFormat", f"This repository disseminates {PREFIX} only."
        )


def _existing(identifier: str):
    entry_id = repository.entry_id_of(identifier)
    found = repository.record(entry_id) if entry_id is not None else None
    if found is None:
        raise ProtocolError("idDoesNotExist", f"There is no record “{identifier}”.")
    return found
