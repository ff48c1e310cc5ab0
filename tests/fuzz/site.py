"""What a user can send: every form and every query-string link on every page, found by walking
the site as each persona the way a browser would (links and forms in the HTML), so a new page
or a new field is fuzzed without editing the test."""

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# Paths the walk never follows: Django's own admin is not ours to fuzz, static files are files.
# The API (/api/…) is JSON, not pages: its inputs are fuzzed against its own schema
# (tests/api/test_errors.py, and schemathesis).
NOT_OURS = ("/admin/", "/static/", "/media/", "/api/")


@dataclass(frozen=True)
class Field:
    """One named control of a form as the browser sees it."""

    name: str
    kind: str  # input type ("text", "number", "date", "checkbox", "file", …), "textarea", "select"
    value: str = ""  # what the page pre-fills (or the checkbox's value)
    options: tuple[str, ...] = ()  # a select's option values
    checked: bool = False
    max_length: int | None = None
    multiple: bool = False


@dataclass(frozen=True)
class Target:
    """Something to send: a form (or a link's query string) with the page and persona it was
    found on. `route` names the URL pattern the request goes to."""

    method: str
    url: str  # a path (a POST keeps its action's query string)
    fields: tuple[Field, ...]
    persona: str
    page: str
    route: str

    @property
    def signature(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, self.route, tuple(sorted({f.name for f in self.fields})))


@dataclass
class _Form:
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)


class PageParser(HTMLParser):
    """The links and forms of one HTML page (stdlib parser, as forgiving as a browser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._textarea: dict[str, str] | None = None
        self._text: list[str] = []
        self._select: dict[str, str] | None = None
        self._options: list[str] = []
        self._selected = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if a.get("hx-get") and tag != "form":
            # htmx fetches a fragment; a control with a name sends its own value along.
            url = a["hx-get"]
            if a.get("name"):
                url += ("&" if "?" in url else "?") + urlencode({a["name"]: a.get("value", "")})
            self.links.append(url)
        elif tag == "form":
            self._form = _Form(a.get("method", "get").lower() or "get", a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower() or "text"
            if kind in ("submit", "button", "reset", "image"):
                return
            self._form.fields.append(
                Field(
                    a["name"],
                    kind,
                    a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                    checked="checked" in a,
                    max_length=int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None,
                    multiple="multiple" in a,
                )
            )
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a, []
        elif tag == "select" and a.get("name"):
            self._select, self._options, self._selected = a, [], ""
        elif tag == "option" and self._select is not None:
            self._options.append(a.get("value", ""))
            if "selected" in a:
                self._selected = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            a = self._textarea
            self._form.fields.append(
                Field(
                    a["name"],
                    "textarea",
                    "".join(self._text).lstrip("\n"),
                    max_length=int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None,
                )
            )
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            options = tuple(self._options)
            self._form.fields.append(
                Field(
                    self._select["name"],
                    "select",
                    self._selected or (options[0] if options else ""),
                    options=options,
                    multiple="multiple" in self._select,
                )
            )
            self._select = None


def route_of(path: str) -> str | None:
    """The URL pattern a path goes to, as "namespace:name" (or its route when unnamed)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


def all_routes() -> Iterator[tuple[str, str]]:
    """Every URL pattern of the project except Django's admin: (route text, view name)."""

    def walk(resolver: URLResolver, prefix: str, ns: str) -> Iterator[tuple[str, str]]:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                inner = ns + (f"{p.namespace}:" if p.namespace else "")
                yield from walk(p, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                yield route, ns + p.name if p.name else route

    for route, name in walk(get_resolver(), "/", ""):
        if not route.startswith(NOT_OURS):
            yield route, name


def _guess_kind(value: str) -> str:
    """A query parameter has no declared type; guess one from the value the page put there."""
    if value.lstrip("-").isdigit():
        return "number"
    if len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        return "date"
    return "text"


@dataclass
class Walk:
    """The result of walking the site: what answered 200 to whom, and everything to send."""

    seen: dict[str, set[str]] = field(default_factory=dict)  # route -> personas answered 200
    targets: dict[tuple[str, str, tuple[str, ...]], Target] = field(default_factory=dict)
    pages: int = 0

    def add(self, target: Target) -> None:
        self.targets.setdefault(target.signature, target)


def walk_site(clients: dict[str, Client], *, per_route: int = 12) -> Walk:
    """Breadth-first over links from the home page, as each persona. Persona names are
    "role/username"; people of one role share a budget of `per_route` concrete URLs per URL
    pattern, so the first person of a role sees the most and the others add what only they can
    reach (their own unit's violations, reports to sign off, …)."""
    result = Walk()
    budget: dict[tuple[str, str | None, frozenset[str]], int] = {}
    for persona, client in clients.items():
        role = persona.split("/")[0]
        visited: set[str] = set()
        queue = deque(["/"])
        while queue:
            url = queue.popleft()
            if url in visited:
                continue
            visited.add(url)
            path, query = urlsplit(url)[2:4]
            route = route_of(path)
            # A page with other parameters (a search, a filter) is another shape of the page.
            shape = (role, route, frozenset(k for k, _ in parse_qsl(query)))
            if route is None or budget.get(shape, 0) >= per_route:
                continue
            budget[shape] = budget.get(shape, 0) + 1
            response = client.get(url)
            result.pages += 1
            if response.status_code < 400:
                result.seen.setdefault(route, set()).add(persona)
            if response.status_code in (301, 302, 303) and response.get("Location"):
                queue.append(urljoin(url, response["Location"]))
                continue
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = PageParser()
            parser.feed(response.content.decode())
            for href in parser.links:
                absolute, _ = urldefrag(urljoin(url, href))
                parts = urlsplit(absolute)
                if parts.scheme or parts.netloc or parts.path.startswith(NOT_OURS):
                    continue
                queue.append(absolute)
                link_route = route_of(parts.path)
                if parts.query and link_route is not None:
                    result.add(
                        Target(
                            "get",
                            parts.path,
                            tuple(
                                Field(k, _guess_kind(v), v)
                                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                            ),
                            persona,
                            url,
                            link_route,
                        )
                    )
            for form in parser.forms:
                action = urljoin(url, form.action) if form.action else url
                parts = urlsplit(action)
                form_route = route_of(parts.path)
                if parts.netloc or form_route is None or parts.path.startswith(NOT_OURS):
                    continue
                # A GET form replaces the action's query string; a POST keeps it in the URL.
                target_url = parts.path
                if form.method != "get" and parts.query:
                    target_url += "?" + parts.query
                result.add(
                    Target(form.method, target_url, tuple(form.fields), persona, url, form_route)
                )
    return result
