"""Minimal UPnP ContentDirectory client for the benchmark: device description, SOAP Browse, DIDL-Lite.

Only the standard library; loopback only (the caller passes 127.x URLs).
"""
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html import escape

NS_DEV = "urn:schemas-upnp-org:device-1-0"
NS_DIDL = "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_UPNP = "urn:schemas-upnp-org:metadata-1-0/upnp/"


@dataclass
class ContentDirectory:
    control_url: str
    service_type: str


def http_get(url: str, timeout: float = 5.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def wait_http(url: str, timeout: float = 30.0) -> bool:
    """Poll url until it answers 200 (or timeout)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            http_get(url, timeout=2)
            return True
        except Exception:
            time.sleep(0.1)
    return False


def content_directory(description_url: str) -> ContentDirectory:
    """Find the ContentDirectory service in a device description; resolve its controlURL."""
    root = ET.fromstring(http_get(description_url))
    base = root.findtext(f"{{{NS_DEV}}}URLBase") or description_url
    for svc in root.iter(f"{{{NS_DEV}}}service"):
        stype = svc.findtext(f"{{{NS_DEV}}}serviceType") or ""
        if ":service:ContentDirectory:" in stype:
            ctl = (svc.findtext(f"{{{NS_DEV}}}controlURL") or "").strip()
            return ContentDirectory(urllib.parse.urljoin(base, ctl), stype.strip())
    raise RuntimeError(f"no ContentDirectory service in {description_url}")


def browse_body(cd: ContentDirectory, object_id: str, start: int = 0, count: int = 50,
                flag: str = "BrowseDirectChildren", filt: str = "*") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
        f'<u:Browse xmlns:u="{cd.service_type}">'
        f"<ObjectID>{escape(object_id)}</ObjectID><BrowseFlag>{flag}</BrowseFlag>"
        f"<Filter>{escape(filt)}</Filter><StartingIndex>{start}</StartingIndex>"
        f"<RequestedCount>{count}</RequestedCount><SortCriteria></SortCriteria>"
        "</u:Browse></s:Body></s:Envelope>"
    ).encode()


def soap_headers(cd: ContentDirectory) -> dict:
    return {"Content-Type": 'text/xml; charset="utf-8"', "SOAPAction": f'"{cd.service_type}#Browse"'}


@dataclass
class Entry:
    kind: str  # "container" | "item"
    id: str
    title: str
    upnp_class: str
    child_count: int | None = None
    res: list = field(default_factory=list)  # [(url, size or None)]
    ref_id: str = ""


@dataclass
class BrowseResult:
    entries: list
    number_returned: int
    total_matches: int
    raw_bytes: int


def browse(cd: ContentDirectory, object_id: str, start: int = 0, count: int = 50,
           timeout: float = 10.0) -> BrowseResult:
    req = urllib.request.Request(cd.control_url, data=browse_body(cd, object_id, start, count),
                                 headers=soap_headers(cd), method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        raw = r.read()
    env = ET.fromstring(raw)
    result = nret = total = None
    for el in env.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "Result":
            result = el.text or ""
        elif tag == "NumberReturned":
            nret = int(el.text)
        elif tag == "TotalMatches":
            total = int(el.text)
    if result is None:
        raise RuntimeError(f"Browse {object_id}: no Result in response")
    return BrowseResult(parse_didl(result), nret or 0, total or 0, len(raw))


def parse_didl(text: str) -> list:
    if not text.strip():
        return []
    didl = ET.fromstring(text.encode())
    out = []
    for el in didl:
        kind = el.tag.rsplit("}", 1)[-1]
        if kind not in ("container", "item"):
            continue
        cc = el.get("childCount")
        res = []
        for r in el.findall(f"{{{NS_DIDL}}}res"):
            size = r.get("size")
            res.append(((r.text or "").strip(), int(size) if size and size.isdigit() else None))
        out.append(Entry(kind, el.get("id", ""), el.findtext(f"{{{NS_DC}}}title") or "",
                         el.findtext(f"{{{NS_UPNP}}}class") or "",
                         int(cc) if cc and cc.isdigit() else None, res, el.get("refID", "")))
    return out


def browse_all(cd: ContentDirectory, object_id: str, page: int = 500) -> tuple:
    """All children of a container, paging; returns (entries, total_matches)."""
    entries, start, total = [], 0, None
    while True:
        r = browse(cd, object_id, start, page)
        entries += r.entries
        total = r.total_matches if total is None else total
        start += r.number_returned
        if r.number_returned == 0 or start >= r.total_matches:
            return entries, total


@dataclass
class Walk:
    containers: list  # [(depth, Entry)] in BFS order, with child_count filled in
    unique_items: int  # items deduplicated by refID (else id): one per file
    requests: int
    truncated: bool
    items: dict  # key -> Entry (one per unique item)


def walk(cd: ContentDirectory, max_requests: int = 30000, max_seconds: float = 120.0) -> Walk:
    """Breadth-first walk of the whole tree from "0", bounded in requests and time.

    Servers present the same file in several views (folders, artists, albums...) as references
    (DIDL refID) to one object; items are counted once by refID, else id, so the figure is comparable
    across servers.
    """
    t_end = time.monotonic() + max_seconds
    queue, containers, items = [("0", 0)], [], {}
    by_id = {}  # container id -> Entry
    requests, truncated = 0, False
    while queue:
        if requests >= max_requests or time.monotonic() > t_end:
            truncated = True
            break
        oid, depth = queue.pop(0)
        try:
            entries, total = browse_all(cd, oid)
        except (OSError, TimeoutError):  # a Browse that takes longer than its timeout ends the walk
            truncated = True
            break
        requests += 1 + len(entries) // 500
        for e in entries:
            if e.kind == "container":
                if e.id not in by_id and e.id != "0":
                    by_id[e.id] = e
                    containers.append((depth + 1, e))
                    queue.append((e.id, depth + 1))
            else:
                items.setdefault(e.ref_id or e.id, e)
        # childCount is optional in DIDL-Lite: fill it from what we saw
        if oid in by_id and by_id[oid].child_count is None:
            by_id[oid].child_count = total
    return Walk(containers, len(items), requests, truncated, items)


def pick_container(w: Walk, title: str, min_children: int = 50):
    """The shallowest container titled `title` (case-insensitive) with >= min_children children,
    else the shallowest container with the most children >= min_children."""
    cands = [(d, c) for d, c in w.containers if (c.child_count or 0) >= min_children]
    named = [(d, c) for d, c in cands if c.title.strip().lower() == title.lower()]
    if named:
        return min(named, key=lambda dc: dc[0])[1]
    if cands:
        return max(cands, key=lambda dc: (dc[1].child_count, -dc[0]))[1]
    return None


def find_item_url(w: Walk, title_prefix: str):
    """res URL of the first item whose title starts with title_prefix (e.g. the big stream file)."""
    for e in w.items.values():
        if e.title.lower().startswith(title_prefix.lower()) and e.res:
            return e.res[0][0]
    return None
