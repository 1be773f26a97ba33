"""HTTP client side: curl for media requests, raw SOAP posts, device descriptions."""

import http.client
import os
import re
import subprocess
import tempfile
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass

DEVICE_NS = "urn:schemas-upnp-org:device-1-0"
SERVICE_NS = "urn:schemas-upnp-org:service-1-0"
SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
CONTROL_NS = "urn:schemas-upnp-org:control-1-0"


@dataclass
class Response:
    status: int
    headers: dict  # lower-case name -> value (last one wins)
    body: bytes

    def header(self, name):
        return self.headers.get(name.lower())


def curl(url, method="GET", headers=None, timeout=10):
    """One request with the curl CLI (--path-as-is, so '..' reaches the server)."""
    with tempfile.TemporaryDirectory() as tmp:
        head_file = os.path.join(tmp, "head")
        body_file = os.path.join(tmp, "body")
        argv = ["curl", "-sS", "--path-as-is", "--max-time", str(timeout),
                "-D", head_file, "-o", body_file]
        argv += ["-I"] if method == "HEAD" else ["-X", method]
        for name, value in (headers or {}).items():
            argv += ["-H", f"{name}: {value}"]
        argv.append(url)
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout + 5,
                              check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"curl {method} {url} exited {proc.returncode}: "
                               f"{proc.stderr.strip()}")
        with open(head_file, "rb") as fh:
            head = fh.read().decode("latin-1")
        body = b""
        if os.path.exists(body_file):
            with open(body_file, "rb") as fh:
                body = fh.read()
    return _parse_head(head, body)


def _parse_head(head, body):
    # With redirects or 100-continue there may be several blocks; keep the last.
    block = [b for b in re.split(r"\r?\n\r?\n", head) if b.strip()][-1]
    lines = block.splitlines()
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    return Response(status, headers, body)


def http_get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.status, resp.read()


# --- device description --------------------------------------------------------

@dataclass
class ServiceEntry:
    service_type: str
    scpd_url: str
    control_url: str
    event_url: str


@dataclass
class Description:
    device_type: str
    friendly_name: str
    udn: str
    services: dict  # service type -> ServiceEntry (absolute URLs)
    icons: list  # (mimetype, absolute URL)


def fetch_description(location):
    _status, body = http_get(location)
    root = ET.fromstring(body)
    ns = {"d": DEVICE_NS}
    base = root.findtext("d:URLBase", default="", namespaces=ns).strip() or location
    device = root.find("d:device", ns)
    if device is None:
        raise ValueError("description has no <device>")
    services = {}
    for svc in device.findall("d:serviceList/d:service", ns):
        def url(tag, svc=svc):
            return urllib.parse.urljoin(base, svc.findtext(f"d:{tag}", "", ns).strip())
        entry = ServiceEntry(svc.findtext("d:serviceType", "", ns).strip(),
                             url("SCPDURL"), url("controlURL"), url("eventSubURL"))
        services[entry.service_type] = entry
    icons = [(icon.findtext("d:mimetype", "", ns).strip(),
              urllib.parse.urljoin(base, icon.findtext("d:url", "", ns).strip()))
             for icon in device.findall("d:iconList/d:icon", ns)]
    return Description(device.findtext("d:deviceType", "", ns).strip(),
                       device.findtext("d:friendlyName", "", ns).strip(),
                       device.findtext("d:UDN", "", ns).strip(), services, icons)


def scpd_actions(scpd_url):
    """Action names an SCPD declares."""
    _status, body = http_get(scpd_url)
    root = ET.fromstring(body)
    return {a.findtext(f"{{{SERVICE_NS}}}name", "").strip()
            for a in root.iter(f"{{{SERVICE_NS}}}action")}


def scpd_evented_variables(scpd_url):
    """Names of the state variables an SCPD marks sendEvents="yes"."""
    _status, body = http_get(scpd_url)
    root = ET.fromstring(body)
    return {v.findtext(f"{{{SERVICE_NS}}}name", "").strip()
            for v in root.iter(f"{{{SERVICE_NS}}}stateVariable")
            if v.get("sendEvents", "yes").lower() == "yes"}


# --- raw SOAP --------------------------------------------------------------------

def soap_envelope(inner):
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<s:Envelope xmlns:s="{SOAP_ENV_NS}" '
            's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
            f"<s:Body>{inner}</s:Body></s:Envelope>")


def browse_body(service_type, args):
    """u:Browse element with the given (name, value) arguments, in order."""
    inner = "".join(f"<{name}>{value}</{name}>" for name, value in args)
    return soap_envelope(f'<u:Browse xmlns:u="{service_type}">{inner}</u:Browse>')


def valid_browse_args(object_id="0"):
    return [("ObjectID", object_id), ("BrowseFlag", "BrowseDirectChildren"), ("Filter", "*"),
            ("StartingIndex", "0"), ("RequestedCount", "0"), ("SortCriteria", "")]


def soap_post(control_url, body, soapaction, timeout=10, quote=True,
              content_type='text/xml; charset="utf-8"'):
    """POST a SOAP body; soapaction None omits the SOAPACTION header. → Response."""
    parts = urllib.parse.urlsplit(control_url)
    headers = {"Content-Type": content_type}
    if soapaction is not None:
        headers["SOAPACTION"] = f'"{soapaction}"' if quote else soapaction
    data = body.encode() if isinstance(body, str) else body
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request("POST", path, body=data, headers=headers)
        resp = conn.getresponse()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def upnp_error_code(body):
    """The errorCode of a SOAP fault's UPnPError detail, or None."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    code = root.find(f".//{{{CONTROL_NS}}}UPnPError/{{{CONTROL_NS}}}errorCode")
    if code is None or not (code.text or "").strip().isdigit():
        return None
    return int(code.text.strip())
