"""Walking a ContentDirectory with paged BrowseDirectChildren, and matching items to files."""

from dataclasses import dataclass, field

MAX_PAGES = 500  # per container
MAX_CONTAINERS = 400  # per walk
MAX_DEPTH = 12


@dataclass
class Tree:
    objects: dict = field(default_factory=dict)  # id -> DidlObject (first seen); not view items
    refs: dict = field(default_factory=dict)  # view item id -> DidlObject (refID = a real item's id)
    children: dict = field(default_factory=dict)  # container id -> [DidlObject] in order
    item_paths: dict = field(default_factory=dict)  # item id -> [tuple of container titles]
    issues: list = field(default_factory=list)  # protocol problems found while walking
    bound_hits: list = field(default_factory=list)  # where the walk was cut short

    @property
    def truncated(self):
        """A bound was hit (symlink loop or runaway tree)."""
        return bool(self.bound_hits)

    @property
    def items(self):
        return [o for o in self.objects.values() if not o.is_container]

    @property
    def containers(self):
        return [o for o in self.objects.values() if o.is_container]


def browse_all(client, container_id, page_size, issues):
    """All children of a container, fetched `page_size` at a time.

    Paging problems (NumberReturned vs. the DIDL, TotalMatches changing, short totals)
    are appended to `issues`."""
    children = []
    total = None
    start = 0
    for _ in range(MAX_PAGES):
        page = client.browse(container_id, start=start, count=page_size)
        where = f"container {container_id!r} page at {start}"
        if page.number_returned != len(page.objects):
            issues.append(f"{where}: NumberReturned={page.number_returned} but the DIDL has "
                          f"{len(page.objects)} objects")
        if page_size and page.number_returned > page_size:
            issues.append(f"{where}: NumberReturned={page.number_returned} > "
                          f"RequestedCount={page_size}")
        if total is not None and page.total_matches != total:
            issues.append(f"{where}: TotalMatches changed {total} -> {page.total_matches}")
        total = page.total_matches
        children.extend(page.objects)
        start += len(page.objects)
        if not page.objects or start >= total or not page_size:
            break
    else:
        issues.append(f"container {container_id!r}: more than {MAX_PAGES} pages")
    if total is not None and len(children) != total:
        issues.append(f"container {container_id!r}: TotalMatches={total} but paging "
                      f"returned {len(children)} objects")
    return children


def walk(client, page_size):
    """Breadth-first walk from "0"; bounded in containers and depth."""
    tree = Tree()
    queue = [("0", ())]
    seen = set()
    while queue:
        container_id, path = queue.pop(0)
        if container_id in seen:
            continue
        if len(seen) >= MAX_CONTAINERS:
            tree.bound_hits.append(f"walk stopped after {MAX_CONTAINERS} containers")
            break
        seen.add(container_id)
        children = browse_all(client, container_id, page_size, tree.issues)
        tree.children[container_id] = children
        for obj in children:
            if obj.ref_id:
                # The same file shown in a view (Music, Video, Pictures): kept apart so that matching
                # files to items sees each file once, in the folder tree.
                tree.refs.setdefault(obj.id, obj)
                continue
            tree.objects.setdefault(obj.id, obj)
            if obj.is_container:
                if len(path) >= MAX_DEPTH:
                    tree.bound_hits.append(f"container {obj.id!r} deeper than {MAX_DEPTH}")
                else:
                    queue.append((obj.id, path + (obj.title,)))
            else:
                tree.item_paths.setdefault(obj.id, []).append(path)
    return tree


def match_files(tree, files):
    """{relpath: [items]}: items matched to corpus files by res size, else by title."""
    matches = {f.relpath: [] for f in files}
    by_size = {}
    for f in files:
        by_size.setdefault(f.size, []).append(f)
    for item in tree.items:
        sizes = [r.size for r in item.resources if r.size and r.size > 0]
        candidates = [f for s in sizes for f in by_size.get(s, [])]
        if len(candidates) > 1:
            candidates = [f for f in candidates if item.title in (f.title, f.stem)]
        if not candidates:
            candidates = [f for f in files if item.title in (f.title, f.stem)]
        if len(candidates) == 1:
            matches[candidates[0].relpath].append(item)
    return matches
