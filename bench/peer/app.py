"""The Jinja2 peer of bench/run: the catalog and entity pages of a platform repository, written
in FastAPI + Jinja2 under uvicorn, with the same HTML Homeport sends.

    uvicorn --app-dir bench/peer app:app      (PEER_PLATFORM=<platform repository>)

It loads the repository the way Homeport does for the parts these pages show (Backstage
Locations from catalog/locations.yaml with globs, entities, relations both ways, refs
lowercased and sorted), keeps the rendered pages in a dict (the first request of a URL renders
it), and answers 404 for any page it does not implement. PyYAML's C loader reads the files.
Only for benchmarks: it trusts its input and checks nothing.
"""
import glob
import math
import os
from urllib.parse import quote

import yaml
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from jinja2 import Environment, FileSystemLoader
from markupsafe import escape

PAGE_SIZE = 100
SORT_FIELDS = ["name", "kind", "type", "owner", "lifecycle"]
RELATION_TYPES = [
    ("ownedBy", "Owned by"), ("ownerOf", "Owner of"), ("partOf", "Part of"), ("hasPart", "Has part"),
    ("dependsOn", "Depends on"), ("dependencyOf", "Dependency of"), ("providesApi", "Provides API"),
    ("apiProvidedBy", "API provided by"), ("consumesApi", "Consumes API"), ("apiConsumedBy", "API consumed by"),
    ("memberOf", "Member of"), ("hasMember", "Has member"), ("childOf", "Child of"), ("parentOf", "Parent of"),
]
RANK = {name: index for index, (name, _) in enumerate(RELATION_TYPES)}
LABEL = dict(RELATION_TYPES)
INVERSE = {}
for index in range(0, len(RELATION_TYPES), 2):
    a, b = RELATION_TYPES[index][0], RELATION_TYPES[index + 1][0]
    INVERSE[a], INVERSE[b] = b, a
# (field, relation, default kind, is a list), per kind, as Backstage's processor reads them.
FIELDS = {
    "component": [("owner", "ownedBy", "group", False), ("system", "partOf", "system", False),
                  ("subcomponentOf", "partOf", "component", False), ("providesApis", "providesApi", "api", True),
                  ("consumesApis", "consumesApi", "api", True), ("dependsOn", "dependsOn", None, True),
                  ("dependencyOf", "dependencyOf", None, True)],
    "api": [("owner", "ownedBy", "group", False), ("system", "partOf", "system", False)],
    "resource": [("owner", "ownedBy", "group", False), ("system", "partOf", "system", False),
                 ("dependsOn", "dependsOn", None, True), ("dependencyOf", "dependencyOf", None, True)],
    "system": [("owner", "ownedBy", "group", False), ("domain", "partOf", "domain", False)],
    "domain": [("owner", "ownedBy", "group", False), ("subdomainOf", "partOf", "domain", False)],
    "group": [("parent", "childOf", "group", False), ("children", "parentOf", "group", True),
              ("members", "hasMember", "user", True)],
    "user": [("memberOf", "memberOf", "group", True)],
}
CORE_KINDS = {"component", "api", "system", "domain", "resource", "group", "user", "location"}
NAV = [("Overview", "/", "overview"), ("Catalog", "/catalog", "catalog"), ("Decisions", "/adr", "adrs"),
       ("Inventory", "/inventory", "inventory"), ("Observability", "/observability", "observability"),
       ("Diagnostics", "/diagnostics", "diagnostics"), ("New app", "/apps/new", "newApp"),
       ("Requests", "/requests", "requests")]


def display_kind(kind):
    return "API" if kind == "api" else kind[:1].upper() + kind[1:]


def parse_ref(text, default_kind, default_namespace):
    text = text.strip(" \t")
    kind, rest = default_kind, text
    if ":" in rest:
        kind, rest = rest.split(":", 1)
    namespace = default_namespace
    if "/" in rest:
        namespace, rest = rest.split("/", 1)
    if not kind or not namespace or not rest:
        return None
    return (kind.lower(), namespace.lower(), rest.lower())


def ref_text(ref):
    return f"{ref[0]}:{ref[1]}/{ref[2]}"


def ref_path(ref):
    return f"/catalog/{ref[0]}/{ref[1]}/{ref[2]}"


class Raw(str):
    """HTML we rendered, put in as it is ({{{body}}} in Mustache)."""


def mustache_escape(value):
    """Escapes as swift-mustache does: & < > " and '."""
    if isinstance(value, Raw):
        return value
    if value is None:
        return ""
    text = str(escape(value))
    return text.replace("&#34;", "&quot;") if "&#34;" in text else text


def write_yaml(node, indent=0):
    """The spec as Homeport's YAMLWriter shows it (block style, plain scalars where safe)."""
    lines = []
    pad = " " * indent
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict) and value:
                lines.append(f"{pad}{key}:")
                lines.extend(write_yaml(value, indent + 2))
            elif isinstance(value, list) and value:
                lines.append(f"{pad}{key}:")
                lines.extend(write_yaml(value, indent + 2))
            else:
                lines.append(f"{pad}{key}: {scalar(value)}")
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)) and item:
                nested = write_yaml(item, indent + 2)
                lines.append(f"{pad}- {nested[0].strip()}")
                lines.extend(nested[1:])
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return lines


def scalar(value):
    if isinstance(value, list):
        return "[]"
    if isinstance(value, dict):
        return "{}"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)


class Platform:
    def __init__(self, root):
        self.root = root
        parsed = []
        seen = set()
        visited = set()
        queue = ["catalog/locations.yaml"]
        while queue:
            level = [f for f in queue if f not in visited]
            visited.update(level)
            queue = []
            for file in level:
                folder = os.path.dirname(file)
                with open(os.path.join(root, file), "rb") as handle:
                    loader = yaml.CSafeLoader(handle)
                    documents = []
                    while loader.check_node():
                        node = loader.get_node()
                        documents.append((node.start_mark.line + 1, loader.construct_document(node)))
                    loader.dispose()
                for line, document in documents:
                    if not isinstance(document, dict):
                        continue
                    entity = self.entity(document)
                    entity["source"] = f"{file}:{line}"
                    if entity["ref"] in seen:
                        continue
                    seen.add(entity["ref"])
                    if entity["ref"][0] == "location":
                        for target in (document.get("spec") or {}).get("targets") or []:
                            relative = os.path.normpath(os.path.join(folder, target))
                            if any(c in target for c in "*?["):
                                matches = glob.glob(os.path.join(root, relative))
                                queue.extend(sorted(os.path.relpath(m, root) for m in matches))
                            else:
                                queue.append(relative)
                    parsed.append(entity)
        self.entities = sorted(parsed, key=lambda e: e["ref"])
        self.index = {e["ref"]: i for i, e in enumerate(self.entities)}
        # Page counts of the TechDocs sites, for the entity pages' "Read the documentation" link
        # (Homeport renders the sites at load; the peer serves no docs page, so it only counts them).
        self.docs_pages = {}
        for entity in self.entities:
            pages = self.count_docs_pages(entity)
            if pages is not None:
                self.docs_pages[entity["ref"]] = pages
        edges = {}
        for entity in parsed:
            source = entity["ref"]
            for rtype, target in entity["declared"]:
                position = self.index.get(target)
                edges.setdefault(source, []).append((RANK[rtype], position if position is not None else 1 << 62,
                                                     target, rtype, position is not None))
                if position is not None:
                    inverse = INVERSE[rtype]
                    edges.setdefault(target, []).append((RANK[inverse], self.index[source], source, inverse, True))
        self.relations = {}
        for ref, items in edges.items():
            items.sort(key=lambda e: (e[0], e[1], e[2]))
            unique = []
            for item in items:
                relation = (item[3], item[2], item[4])
                if not unique or unique[-1] != relation:
                    unique.append(relation)
            self.relations[ref] = unique
        self.kinds = sorted({e["ref"][0] for e in self.entities})
        self.types = sorted({e["type"] for e in self.entities if e["type"] is not None})
        self.owners = sorted({e["owner"] for e in self.entities if e["owner"] is not None})
        self.lifecycles = sorted({e["lifecycle"] for e in self.entities if e["lifecycle"] is not None})
        self.tags = sorted({t for e in self.entities for t in e["tags"]})
        self.by_kind = {}
        for position, entity in enumerate(self.entities):
            self.by_kind.setdefault(entity["ref"][0], []).append(position)
        self.by_name = sorted(range(len(self.entities)), key=lambda p: (self.entities[p]["name"].lower(), p))

    @staticmethod
    def entity(document):
        metadata = document.get("metadata") or {}
        spec = document.get("spec") or {}
        kind = str(document.get("kind", ""))
        namespace = str(metadata.get("namespace", "default"))
        name = str(metadata.get("name", ""))
        ref = (kind.lower(), namespace.lower(), name.lower())
        declared = []
        for field, rtype, default_kind, is_list in FIELDS.get(ref[0], []):
            value = spec.get(field)
            if value is None:
                continue
            for item in (value if is_list else [value]):
                target = parse_ref(str(item), default_kind, namespace)
                if target:
                    declared.append((rtype, target))
        owner = spec.get("owner")
        return {
            "ref": ref, "kind": kind, "name": name, "namespace": namespace,
            "title": metadata.get("title"), "description": metadata.get("description"),
            "tags": [str(t) for t in metadata.get("tags") or []],
            "links": [(str(l.get("url")), l.get("title")) for l in metadata.get("links") or []],
            "labels": [(str(k), str(v)) for k, v in (metadata.get("labels") or {}).items()],
            "annotations": [(str(k), str(v)) for k, v in (metadata.get("annotations") or {}).items()],
            "type": None if spec.get("type") is None else str(spec.get("type")),
            "lifecycle": None if spec.get("lifecycle") is None else str(spec.get("lifecycle")),
            "owner": parse_ref(str(owner), "group", namespace) if owner is not None else None,
            "spec": spec, "declared": declared,
        }

    def count_docs_pages(self, entity):
        """The pages of an entity's `dir:` TechDocs site: the entries of mkdocs.yml's nav, else the
        Markdown files of its docs folder; None without such a site."""
        target = dict(entity["annotations"]).get("backstage.io/techdocs-ref", "")
        if not target.startswith("dir:"):
            return None
        site = os.path.join(self.root, os.path.dirname(entity["source"].rsplit(":", 1)[0]), target[4:])
        try:
            with open(os.path.join(site, "mkdocs.yml"), "rb") as handle:
                config = yaml.load(handle, Loader=yaml.CSafeLoader) or {}
        except OSError:
            return None

        def leaves(items):
            count = 0
            for item in items or []:
                value = next(iter(item.values())) if isinstance(item, dict) else item
                count += leaves(value) if isinstance(value, list) else 1
            return count

        if config.get("nav"):
            return leaves(config["nav"])
        docs = os.path.join(site, config.get("docs_dir", "docs"))
        return sum(name.endswith(".md") for _, _, names in os.walk(docs) for name in names)

    def display_name(self, entity):
        return entity["title"] or entity["name"]

    def link(self, ref):
        position = self.index.get(ref)
        if position is None:
            return {"label": ref_text(ref), "href": ref_path(ref), "exists": False}
        entity = self.entities[position]
        label = self.display_name(entity)
        if entity["ref"][1] != "default":
            label = f"{entity['namespace']}/{label}"
        return {"label": label, "href": ref_path(ref), "exists": True}


def catalog_url(parameters):
    query = "&".join(f"{name}={quote(value, safe='-._~')}" for name, value in parameters if value is not None)
    return f"/catalog?{query}" if query else "/catalog"


def tag_href(tag):
    return catalog_url([("kind", "all"), ("tag", tag)])


def catalog_model(platform, kind, page):
    """The unfiltered catalog sorted by name, of one kind (None: all), at one page."""
    order = platform.by_name
    if kind is not None:
        members = set(platform.by_kind.get(kind, []))
        order = [p for p in order if p in members]
    total = len(order)
    page_count = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(page, page_count)
    start = (page - 1) * PAGE_SIZE
    shown = order[start:start + PAGE_SIZE]
    kind_value = kind or "all"

    def parameters(sort="name", descending=False, page_number=None):
        return [("kind", kind_value), ("type", None), ("owner", None), ("lifecycle", None), ("tag", None),
                ("q", None), ("sort", None if sort == "name" else sort), ("order", "desc" if descending else None),
                ("page", str(page_number) if page_number and page_number > 1 else None)]

    counts = {}
    for entity in platform.entities:
        counts[entity["ref"][0]] = counts.get(entity["ref"][0], 0) + 1
    kinds = [{"label": display_kind(k) if k in CORE_KINDS else k, "count": counts.get(k, 0),
              "href": catalog_url([("kind", k)]), "current": k == kind}
             for k in sorted(platform.kinds, key=lambda k: (0 if k == "component" else 1, k))]
    kinds.append({"label": "All", "count": len(platform.entities), "href": catalog_url([("kind", "all")]),
                  "current": kind is None})
    filters = [
        {"name": "type", "label": "Type", "options": [{"value": t, "label": t} for t in platform.types]},
        {"name": "owner", "label": "Owner",
         "options": [{"value": ref_text(o), "label": platform.link(o)["label"]} for o in platform.owners]},
        {"name": "lifecycle", "label": "Lifecycle", "options": [{"value": v, "label": v} for v in platform.lifecycles]},
        {"name": "tag", "label": "Tag", "options": [{"value": t, "label": t} for t in platform.tags]},
    ]
    headers = [{"label": field.capitalize(), "href": catalog_url(parameters(field, field == "name")),
                "ariaSort": "ascending" if field == "name" else "none"} for field in SORT_FIELDS]
    rows = []
    for position in shown:
        entity = platform.entities[position]
        system = next((r[1] for r in platform.relations.get(entity["ref"], [])
                       if r[0] == "partOf" and r[1][0] == "system"), None)
        rows.append({
            "link": platform.link(entity["ref"]),
            "kind": display_kind(entity["ref"][0]) if entity["ref"][0] in CORE_KINDS else entity["kind"],
            "type": entity["type"] or "", "owner": platform.link(entity["owner"]) if entity["owner"] else None,
            "lifecycle": entity["lifecycle"] or "", "system": platform.link(system) if system else None,
            "tags": [{"name": t, "href": tag_href(t)} for t in entity["tags"]],
            "description": entity["description"] or "",
        })
    first = 0 if total == 0 else start + 1
    return {
        "text": "", "kind": kind_value, "kinds": kinds, "filters": filters, "headers": headers, "rows": rows,
        "total": total, "isEmpty": total == 0, "isFiltered": kind is not None, "from": first,
        "to": first + len(rows) - (0 if total == 0 else 1), "page": page, "pageCount": page_count,
        "previousHref": catalog_url(parameters(page_number=page - 1)) if page > 1 else None,
        "nextHref": catalog_url(parameters(page_number=page + 1)) if page < page_count else None,
    }


def entity_model(platform, entity):
    groups = {}
    owned = []
    for rtype, target, _ in platform.relations.get(entity["ref"], []):
        position = platform.index.get(target)
        if rtype == "ownerOf" and position is not None:
            other = platform.entities[position]
            link = platform.link(target)
            owned.append({"label": link["label"], "href": link["href"],
                          "kind": display_kind(other["ref"][0]) if other["ref"][0] in CORE_KINDS else other["kind"],
                          "type": other["type"], "lifecycle": other["lifecycle"], "description": other["description"]})
            continue
        groups.setdefault(rtype, []).append(platform.link(target))
    owned.sort(key=lambda row: (row["kind"], row["label"].lower()))
    spec = dict(entity["spec"])
    spec.pop("definition", None)
    return {
        "name": entity["name"], "displayName": platform.display_name(entity),
        "kind": display_kind(entity["ref"][0]) if entity["ref"][0] in CORE_KINDS else entity["kind"],
        "ref": ref_text(entity["ref"]), "namespace": entity["namespace"], "description": entity["description"],
        "type": entity["type"], "lifecycle": entity["lifecycle"],
        "owner": platform.link(entity["owner"]) if entity["owner"] else None,
        "tags": [{"name": t, "href": tag_href(t)} for t in entity["tags"]],
        "links": [{"url": url, "title": title or url} for url, title in entity["links"]],
        "labels": [{"key": k, "value": v} for k, v in entity["labels"]],
        "annotations": [{"key": k, "value": v} for k, v in entity["annotations"]],
        "hasMetadata": bool(entity["labels"] or entity["annotations"]),
        "relationGroups": [{"label": LABEL[name], "targets": groups[name]} for name, _ in RELATION_TYPES
                           if name in groups],
        "source": entity["source"], "owned": owned, "graph": graph_model(platform, entity),
        "docsHref": ref_path(entity["ref"]) + "/docs" if entity["ref"] in platform.docs_pages else None,
        "docsPages": platform.docs_pages.get(entity["ref"]), "specYAML": "\n".join(write_yaml(spec)) + "\n" if spec else None,
    }


GRAPH_INNER_LIMIT, GRAPH_CHILD_LIMIT, GRAPH_NODE_LIMIT, GRAPH_SYSTEM_LIMIT = 12, 3, 30, 40
GRAPH_KINDS = ["component", "api", "system", "domain", "resource", "group", "user", "other"]


def graph_kind_class(kind):
    return "g-" + kind if kind in CORE_KINDS and kind != "location" else "g-other"


def graph_model(platform, entity):
    """Homeport's RelationGraphModel: the entity in the middle, its relations on an inner ring and
    theirs on an outer one (a system: its parts and how they relate), drawn as inline SVG."""
    root = entity["ref"]
    nodes = [(root, 0)]
    position = {root: 0}
    edges, rows, inner = [], [], []
    more = 0

    def add(relation, source, ring):
        rtype, target, exists = relation
        if not exists:
            return False

        def row():
            return {"from": platform.link(nodes[source][0]), "relation": LABEL[rtype].lower(),
                    "to": platform.link(target)}

        existing = position.get(target)
        if existing is not None:
            # A relation between two drawn nodes is drawn once, in either direction.
            if source == 0 or existing == 0:
                rows.append(row())
            elif existing != source and (source, existing) not in edges and (existing, source) not in edges:
                edges.append((source, existing))
                rows.append(row())
            return False
        position[target] = len(nodes)
        edges.append((source, len(nodes)))
        nodes.append((target, ring))
        rows.append(row())
        return True

    direct = platform.relations.get(root, [])
    if root[0] == "system":
        parts = 0
        for relation in direct:
            if relation[0] == "hasPart" and parts >= GRAPH_SYSTEM_LIMIT:
                more += 1
                continue
            if add(relation, 0, 1) and relation[0] == "hasPart":
                parts += 1
        for index in range(1, max(1, len(nodes))):
            for relation in platform.relations.get(nodes[index][0], []):
                if position.get(relation[1], -1) > index:
                    add(relation, index, 1)
        caption = f"{platform.display_name(entity)}, its parts and how they relate"
    else:
        for relation in direct:
            if len(inner) >= GRAPH_INNER_LIMIT and relation[1] not in position:
                more += 1
                continue
            if add(relation, 0, 1):
                inner.append(len(nodes) - 1)
        for parent in inner:
            children = 0
            for relation in platform.relations.get(nodes[parent][0], []):
                if relation[1] == root:
                    continue
                if relation[1] in position:
                    add(relation, parent, 2)
                    continue
                if children >= GRAPH_CHILD_LIMIT or len(nodes) >= GRAPH_NODE_LIMIT or not relation[2]:
                    if relation[2]:
                        more += 1
                    continue
                if add(relation, parent, 2):
                    children += 1
        caption = f"{platform.display_name(entity)}, its relations and theirs"
    if len(nodes) <= 1:
        return None
    kinds = {graph_kind_class(ref[0]) for ref, _ in nodes}
    legend = [{"kind": display_kind(kind), "className": "g-" + kind}
              for kind in GRAPH_KINDS if "g-" + kind in kinds]
    return {"svg": Raw(graph_svg(platform, nodes, edges, more)), "rows": rows, "legend": legend,
            "moreNote": f"{more} more not drawn" if more else None, "caption": caption}


def graph_svg(platform, nodes, edges, more):
    rings = {}
    for index, (_, ring) in enumerate(nodes):
        if ring > 0:
            rings.setdefault(ring, []).append(index)
    radii = [0.0, 190.0 if 2 not in rings else 150.0, 290.0]
    outer = radii[max(rings) if rings else 0]
    width = 1000.0
    height = 2 * outer + (110 if more else 80)
    center = (width / 2, outer + 40)
    point = [(center[0], center[1], 0.0)] * len(nodes)
    for ring, members in rings.items():
        for order, index in enumerate(members):
            angle = -math.pi / 2 + 2 * math.pi * (order + 0.5) / len(members)
            point[index] = (center[0] + radii[ring] * math.cos(angle), center[1] + radii[ring] * math.sin(angle), angle)

    def number(value):
        return "%.1f" % value

    svg = [f'<svg class="relation-graph" viewBox="0 0 {int(width)} {int(height)}" aria-hidden="true" focusable="false">']
    for a, b in ((point[x], point[y]) for x, y in edges):
        svg.append(f'<line class="g-edge" x1="{number(a[0])}" y1="{number(a[1])}" x2="{number(b[0])}" y2="{number(b[1])}"/>')
    for index, (ref, _) in enumerate(nodes):
        x, y, angle = point[index]
        found = platform.index.get(ref)
        name = platform.display_name(platform.entities[found]) if found is not None else ref[2]
        label = mustache_escape(name if len(name) <= 24 else name[:23] + "…")
        kind = graph_kind_class(ref[0])
        if index == 0:
            svg.append(f'<g class="g-node g-center {kind}"><circle cx="{number(x)}" cy="{number(y)}" r="12"/>')
            svg.append(f'<text x="{number(x)}" y="{number(y + 32)}" text-anchor="middle">{label}</text></g>')
            continue
        right = math.cos(angle) >= -0.01
        svg.append(f'<a href="{mustache_escape(ref_path(ref))}" tabindex="-1"><g class="g-node {kind}">')
        svg.append(f'<circle cx="{number(x)}" cy="{number(y)}" r="8"/>')
        svg.append(f'<text x="{number(x + (12 if right else -12))}" y="{number(y + 5)}" '
                   f'text-anchor="{"start" if right else "end"}">{label}</text>')
        svg.append("</g></a>")
    if more:
        svg.append(f'<text class="g-more" x="{number(center[0])}" y="{number(height - 16)}" '
                   f'text-anchor="middle">+{more} more</text>')
    return "".join(svg) + "</svg>"


environment = Environment(
    loader=FileSystemLoader(os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")),
    autoescape=False, finalize=mustache_escape, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
platform = Platform(os.environ["PEER_PLATFORM"])
layout = environment.get_template("layout.html")
pages = {}
# The headers Homeport and bench/run's nginx add to every page.
SECURITY_HEADERS = {
    "Content-Security-Policy": os.environ.get("PEER_CSP", "default-src 'self'"),
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
}
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


def page(template, model, title, section):
    body = environment.get_template(template).render(**model)
    nav = [{"label": label, "href": href, "current": name == section} for label, href, name in NAV]
    return layout.render(title=title, nav=nav, body=Raw(body), hasProblems=False, refresh=False, userName=None)


def cached(request, render):
    key = request.url.path + "?" + request.url.query
    html = pages.get(key)
    if html is None:
        html = pages[key] = render().encode()
    return HTMLResponse(html, headers=SECURITY_HEADERS)


@app.get("/healthz")
def healthz():
    """"ok" and the worker's process id, so that a client can tell when every worker answers."""
    return PlainTextResponse(f"ok {os.getpid()}")


@app.get("/catalog")
def catalog(request: Request):
    params = request.query_params
    if set(params) - {"kind", "page"}:
        return PlainTextResponse("the peer renders unfiltered catalog pages only", status_code=404)
    kind_value = params.get("kind", "component").strip().lower() or "component"
    number = max(1, int(params.get("page", "1") or 1))
    return cached(request, lambda: page(
        "catalog.html", catalog_model(platform, None if kind_value == "all" else kind_value, number), "Catalog",
        "catalog"))


@app.get("/catalog/{kind}/{namespace}/{name}")
def entity(request: Request, kind: str, namespace: str, name: str):
    position = platform.index.get((kind.lower(), namespace.lower(), name.lower()))
    if position is None:
        return PlainTextResponse("not found", status_code=404)
    item = platform.entities[position]
    return cached(request, lambda: page("entity.html", entity_model(platform, item), platform.display_name(item),
                                        "catalog"))
