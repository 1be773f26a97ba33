"""UPnP client side: SSDP through GSSDP and raw sockets, ContentDirectory through GUPnP."""

import socket
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import gi

gi.require_version("GSSDP", "1.6")
gi.require_version("GUPnP", "1.6")
gi.require_version("GUPnPAV", "1.0")
from gi.repository import GLib, GObject, GSSDP, GUPnP, GUPnPAV  # noqa: E402

MEDIA_SERVER = "urn:schemas-upnp-org:device:MediaServer:1"
CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
CMS = "urn:schemas-upnp-org:service:ConnectionManager:1"
SSDP_GROUP = ("239.255.255.250", 1900)
DIDL_NS = "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"


# --- GLib main loop ----------------------------------------------------------

def iterate_until(predicate, timeout):
    """Run the default GLib main context until predicate() is true or `timeout` s pass."""
    context = GLib.MainContext.default()
    # A periodic no-op source so that a blocking iteration wakes up to re-check.
    tick = GLib.timeout_add(50, lambda: True)
    try:
        deadline = time.monotonic() + timeout
        while not predicate() and time.monotonic() < deadline:
            context.iteration(True)
    finally:
        GLib.source_remove(tick)
    return predicate()


# --- SSDP through GSSDP --------------------------------------------------------

class SsdpWatcher:
    """GSSDP ResourceBrowsers for some targets on one interface.

    Records, per target, the LOCATIONs seen in answers/alive messages and the USNs
    that went away (ssdp:byebye).
    """

    def __init__(self, iface, targets):
        self.client = GSSDP.Client.new_full(iface, None, 0, GSSDP.UDAVersion.VERSION_1_0)
        self.available = {t: set() for t in targets}
        self.gone = {t: set() for t in targets}
        self._browsers = []
        for target in targets:
            browser = GSSDP.ResourceBrowser.new(self.client, target)
            browser.connect("resource-available", self._on_available, target)
            browser.connect("resource-unavailable", self._on_unavailable, target)
            self._browsers.append(browser)

    def _on_available(self, _browser, _usn, locations, target):
        self.available[target].update(locations)

    def _on_unavailable(self, _browser, usn, target):
        self.gone[target].add(usn)

    def start(self):
        for browser in self._browsers:
            browser.set_active(True)  # sends M-SEARCH for its target
        return self

    def stop(self):
        for browser in self._browsers:
            browser.set_active(False)

    def locations(self, target, port):
        """LOCATIONs for `target` served on `port` (filters out other servers)."""
        return sorted(loc for loc in self.available[target] if f":{port}/" in loc)

    def wait_for(self, port, timeout):
        """Wait until every target has a LOCATION on `port`; return {target: [locations]}."""
        iterate_until(lambda: all(self.locations(t, port) for t in self.available), timeout)
        return {t: self.locations(t, port) for t in self.available}


# --- SSDP through a plain socket ----------------------------------------------

def raw_msearch(local_ip, target, mx=1, listen=2.5, unicast_to=None):
    """Send one M-SEARCH from local_ip to the SSDP group (or to unicast_to:1900).

    Returns the answers heard within `listen` s, each (first line, {HEADER: value}).
    """
    dest = (unicast_to, 1900) if unicast_to else SSDP_GROUP
    request = ("M-SEARCH * HTTP/1.1\r\n"
               f"HOST: {dest[0]}:{dest[1]}\r\n"
               'MAN: "ssdp:discover"\r\n'
               f"MX: {mx}\r\n"
               f"ST: {target}\r\n"
               "USER-AGENT: Linux/6 UPnP/1.0 HearthE2E/1.0\r\n\r\n").encode()
    answers = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP) as sock:
        sock.bind((local_ip, 0))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(local_ip))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
        sock.sendto(request, dest)
        answers = _receive(sock, listen)
    return answers


def _receive(sock, seconds, limit=200):
    """Parsed datagrams arriving on sock within `seconds` (at most `limit`)."""
    messages = []
    deadline = time.monotonic() + seconds
    while len(messages) < limit:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sock.settimeout(remaining)
        try:
            data, _addr = sock.recvfrom(65536)
        except socket.timeout:
            break
        messages.append(parse_http_message(data.decode(errors="replace")))
    return messages


class NotifyListener:
    """A plain socket on port 1900 joined to the SSDP group on one interface address.

    Open it only while needed: with SO_REUSEADDR, unicast datagrams to port 1900 go
    to one of the bound sockets only, so an open listener can steal unicast M-SEARCHes.
    """

    def __init__(self, local_ip):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("", SSDP_GROUP[1]))
        membership = socket.inet_aton(SSDP_GROUP[0]) + socket.inet_aton(local_ip)
        self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)

    def notifies(self, seconds, done=lambda msgs: False):
        """NOTIFY messages heard within `seconds` (stops early once done(messages))."""
        found = []
        deadline = time.monotonic() + seconds
        while not done(found) and time.monotonic() < deadline:
            for first, headers in _receive(self.sock, min(0.2, deadline - time.monotonic())):
                if first.startswith("NOTIFY "):
                    found.append(headers)
        return found

    def close(self):
        self.sock.close()


def parse_http_message(text):
    lines = text.split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().upper()] = value.strip()
    return lines[0], headers


# --- GUPnP control point -----------------------------------------------------

class UPnPFault(Exception):
    """A SOAP action failed; `code` is the UPnP error code GUPnP reported."""

    def __init__(self, code, message):
        super().__init__(f"UPnP error {code}: {message}")
        self.code = code


class MediaServerClient:
    """Finds one MediaServer (by HTTP port) with a GUPnP ControlPoint and calls its services."""

    def __init__(self, iface):
        # Port 0: GUPnP picks a port, then listens on it for each address of the interface; that fails now and
        # then when an outgoing connection of the test (curl, a NOTIFY) holds that port on 127.0.0.1. Another
        # pick succeeds.
        for attempt in range(5):
            try:
                self.context = GUPnP.Context.new_full(iface, None, 0, GSSDP.UDAVersion.VERSION_1_0)
                break
            except GLib.Error as e:
                if attempt == 4 or "Could not create HTTP server" not in str(e):
                    raise
        self.control_point = GUPnP.ControlPoint.new(self.context, MEDIA_SERVER)
        self.devices = []
        self.control_point.connect("device-proxy-available",
                                   lambda _cp, dev: self.devices.append(dev))
        self.device = None
        self.cds = None
        self.cms = None

    def discover(self, port, timeout=10):
        """Wait for the device whose LOCATION is on `port`; return it or None."""
        self.control_point.set_active(True)

        def find():
            for dev in self.devices:
                if f":{port}/" in dev.get_location():
                    return dev
            return None

        iterate_until(lambda: find() is not None, timeout)
        self.device = find()
        if self.device is not None:
            self.cds = self.device.get_service(CDS)
            self.cms = self.device.get_service(CMS)
        return self.device

    def call(self, proxy, action_name, args, out):
        """Call an action synchronously. args: [(name, value)]; out: [(name, GType)] → dict."""
        action = GUPnP.ServiceProxyAction.new_from_list(
            action_name, [a[0] for a in args], [_gvalue(a[1]) for a in args])
        try:
            proxy.call_action(action, None)
            ok, values = action.get_result_list([o[0] for o in out], [o[1] for o in out])
        except GLib.Error as err:
            raise UPnPFault(err.code, err.message) from err
        if not ok:
            raise UPnPFault(0, f"{action_name}: could not read the out arguments")
        return dict(zip([o[0] for o in out], values))

    def browse(self, object_id, flag="BrowseDirectChildren", start=0, count=0,
               filter_="*", sort=""):
        """One Browse call → BrowseResult (with the DIDL-Lite parsed)."""
        out = self.call(self.cds, "Browse",
                        [("ObjectID", object_id), ("BrowseFlag", flag), ("Filter", filter_),
                         ("StartingIndex", start), ("RequestedCount", count),
                         ("SortCriteria", sort)],
                        [("Result", GObject.TYPE_STRING), ("NumberReturned", GObject.TYPE_UINT),
                         ("TotalMatches", GObject.TYPE_UINT), ("UpdateID", GObject.TYPE_UINT)])
        return BrowseResult(out["Result"], out["NumberReturned"], out["TotalMatches"],
                            out["UpdateID"], parse_didl(out["Result"]))

    def search(self, container_id, criteria, start=0, count=0, filter_="*", sort=""):
        """One Search call → BrowseResult."""
        out = self.call(self.cds, "Search",
                        [("ContainerID", container_id), ("SearchCriteria", criteria), ("Filter", filter_),
                         ("StartingIndex", start), ("RequestedCount", count), ("SortCriteria", sort)],
                        [("Result", GObject.TYPE_STRING), ("NumberReturned", GObject.TYPE_UINT),
                         ("TotalMatches", GObject.TYPE_UINT), ("UpdateID", GObject.TYPE_UINT)])
        return BrowseResult(out["Result"], out["NumberReturned"], out["TotalMatches"],
                            out["UpdateID"], parse_didl(out["Result"]))

    def get_protocol_info(self):
        return self.call(self.cms, "GetProtocolInfo", [],
                         [("Source", GObject.TYPE_STRING), ("Sink", GObject.TYPE_STRING)])


def _gvalue(value):
    if isinstance(value, int):
        return GObject.Value(GObject.TYPE_UINT, value)
    return GObject.Value(GObject.TYPE_STRING, value)


# --- DIDL-Lite -----------------------------------------------------------------

@dataclass
class Resource:
    uri: str
    protocol_info: str  # exactly as sent
    mime: str
    dlna_profile: str
    size: int  # -1 when absent
    duration: str  # as sent, "" when absent
    width: int
    height: int


@dataclass
class DidlObject:
    id: str
    parent_id: str
    is_container: bool
    title: str
    upnp_class: str
    child_count: int = -1
    artist: str = None
    album: str = None
    genre: str = None
    track: int = -1
    date: str = None
    album_art: str = None  # upnp:albumArtURI
    ref_id: str = None  # an item shown in a view (music/album/…): the id of the real object
    resources: list = field(default_factory=list)


@dataclass
class BrowseResult:
    didl: str
    number_returned: int
    total_matches: int
    update_id: int
    objects: list


def parse_didl(xml):
    """Parse DIDL-Lite with GUPnPAV's parser; raw res attributes come from ElementTree.

    ElementTree also proves the document is well-formed XML (GUPnPAV uses libxml2's
    recovering parser)."""
    raw_res = _raw_resources(xml)
    if not raw_res:
        return []  # GUPnPAV refuses an empty <DIDL-Lite/> (a valid empty page)
    objects = []
    parser = GUPnPAV.DIDLLiteParser.new()
    parser.connect("object-available",
                   lambda _p, obj: objects.append(_didl_object(obj, raw_res)))
    parser.parse_didl(xml)
    return objects


def _raw_resources(xml):
    root = ET.fromstring(xml)
    expect_tag = f"{{{DIDL_NS}}}DIDL-Lite"
    if root.tag != expect_tag:
        raise ValueError(f"DIDL root element is {root.tag}, not {expect_tag}")
    result = {}
    for obj in root:
        result[obj.get("id")] = [dict(res.attrib, uri=(res.text or "").strip())
                                 for res in obj.findall(f"{{{DIDL_NS}}}res")]
    return result


def _didl_object(obj, raw_res):
    is_container = isinstance(obj, GUPnPAV.DIDLLiteContainer)
    item = DidlObject(
        id=obj.get_id(), parent_id=obj.get_parent_id(), is_container=is_container,
        title=obj.get_title(), upnp_class=obj.get_upnp_class())
    if is_container:
        item.child_count = obj.get_child_count()
        item.album_art = obj.get_album_art()  # an album's cover
        return item
    item.artist = obj.get_artist()
    item.album = obj.get_album()
    item.genre = obj.get_genre()
    item.track = obj.get_track_number()
    item.date = obj.get_date()
    item.album_art = obj.get_album_art()
    item.ref_id = obj.get_ref_id() or None
    raws = raw_res.get(item.id, [])
    for index, res in enumerate(obj.get_resources()):
        info = res.get_protocol_info()
        raw = raws[index] if index < len(raws) else {}
        item.resources.append(Resource(
            uri=res.get_uri(), protocol_info=raw.get("protocolInfo", ""),
            mime=info.get_mime_type() if info else None,
            dlna_profile=info.get_dlna_profile() if info else None,
            size=res.get_size64(), duration=raw.get("duration", ""),
            width=res.get_width(), height=res.get_height()))
    return item


def parse_duration(text):
    """'H+:MM:SS[.F+]' (res@duration) → seconds, or None."""
    try:
        hours, minutes, seconds = text.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except (ValueError, AttributeError):
        return None
