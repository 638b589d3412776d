"""The map of notes: every note a link on a static SVG, laid out the same way every build, readable in any theme."""

from __future__ import annotations

import math
import random
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from notes_site.pages.graph import (
    GraphNode,
    graph_legend,
    group_colours,
    layout_graph,
    neighbourhood_svg,
    note_graph,
    site_map_svg,
)

PAPERS = [
    ("posts/clip.md", "CLIP", "2021/03/01/clip/", "multimodal"),
    ("posts/vit.md", "ViT", "2020/10/22/vit/", "cv"),
    ("posts/swin.md", "Swin Transformer", "2021/03/25/swin/", "cv"),
    ("posts/resnet.md", "ResNet", "2015/12/10/resnet/", "cv"),
    ("posts/transformer.md", "Attention Is All You Need", "2017/06/12/transformer/", "nlp"),
    ("posts/bert.md", "BERT", "2018/10/11/bert/", "nlp"),
    ("posts/gpt3.md", "GPT-3", "2020/05/28/gpt3/", "nlp"),
    ("posts/mae.md", "MAE: Masked Autoencoders Are Scalable Vision Learners", "2021/11/11/mae/", "cv"),
    ("posts/survey.md", "对比学习综述 <Survey> & notes", "2022/01/01/对比学习/", ""),
    ("posts/lonely.md", "A note nobody links", "2022/02/02/lonely/", "theory"),
]
LINKS = [
    ("posts/clip.md", "posts/vit.md"),
    ("posts/clip.md", "posts/transformer.md"),
    ("posts/vit.md", "posts/transformer.md"),
    ("posts/swin.md", "posts/vit.md"),
    ("posts/swin.md", "posts/resnet.md"),
    ("posts/bert.md", "posts/transformer.md"),
    ("posts/gpt3.md", "posts/transformer.md"),
    ("posts/gpt3.md", "posts/bert.md"),
    ("posts/mae.md", "posts/vit.md"),
    ("posts/survey.md", "posts/clip.md"),
    ("posts/survey.md", "posts/mae.md"),
]


def papers() -> list[GraphNode]:
    return [GraphNode(key, title, path, group) for key, title, path, group in PAPERS]


def random_notes(count: int, links: int, seed: int = 1) -> tuple[list[GraphNode], list[tuple[str, str]]]:
    rng = random.Random(seed)
    nodes = [GraphNode(f"n/{i:04d}.md", f"Note {i}", f"n/{i}/", rng.choice(["a", "b", "c", ""])) for i in range(count)]
    edges = [(rng.choice(nodes).key, rng.choice(nodes).key) for _ in range(links)]
    return nodes, edges


def clustered_notes(count: int, clusters: int, seed: int = 2) -> tuple[list[GraphNode], list[tuple[str, str]]]:
    """Notes that mostly link within their own topic, as a real collection does."""
    rng = random.Random(seed)
    nodes = [GraphNode(f"c/{i:04d}.md", f"Note {i}", f"c/{i}/", f"topic {i % clusters}") for i in range(count)]
    edges = []
    for i in range(count):
        for _ in range(2):
            j = rng.randrange(i % clusters, count, clusters) if rng.random() < 0.9 else rng.randrange(count)
            edges.append((nodes[i].key, nodes[j].key))
    return nodes, edges


def node_links(svg: str) -> list[dict]:
    """Each node of a map as the reader meets it: its link, title, circle and colour class."""
    found = []
    for group in ET.fromstring(svg).iter("g"):
        for link in group.findall("a"):
            circle = link.find("circle")
            label = link.find("text")
            found.append(
                {
                    "href": link.get("href"),
                    "title": link.find("title").text,
                    "classes": group.get("class").split(),
                    "x": float(circle.get("cx")),
                    "y": float(circle.get("cy")),
                    "r": float(circle.get("r")),
                    "label": None if label is None else label.text,
                    "current": link.get("aria-current"),
                }
            )
    return found


def drawn_links(svg: str) -> int:
    path = ET.fromstring(svg).find("path")
    return 0 if path is None else path.get("d").count("M")


@pytest.fixture(scope="module")
def random_map() -> tuple:
    nodes, edges = random_notes(300, 450)
    graph = note_graph(nodes, edges)
    return graph, site_map_svg(graph, root="../")


@pytest.fixture(scope="module")
def clustered_map() -> tuple:
    graph = note_graph(*clustered_notes(240, 6))
    return graph, layout_graph(graph)


def test_same_notes_in_another_order_give_the_same_svg():
    graph = note_graph(papers(), LINKS)
    shuffled = papers()
    random.Random(5).shuffle(shuffled)
    flipped = [(b, a) for a, b in reversed(LINKS)]
    again = note_graph(shuffled, flipped)
    assert site_map_svg(again, root="../") == site_map_svg(graph, root="../")
    assert neighbourhood_svg(again, "posts/vit.md", root="../../../../") == neighbourhood_svg(
        graph, "posts/vit.md", root="../../../../"
    )


def test_a_big_map_is_the_same_on_every_build(random_map):
    graph, svg = random_map
    nodes, edges = random_notes(300, 450)
    assert site_map_svg(note_graph(reversed(nodes), edges), root="../") == svg


def test_new_notes_elsewhere_do_not_reshuffle_the_linked_notes(clustered_map):
    graph, layout = clustered_map
    extra = [
        GraphNode("z/lonely.md", "Lonely", "z/lonely/"),
        GraphNode("z/a.md", "A", "z/a/"),
        GraphNode("z/b.md", "B", "z/b/"),
    ]
    grown = layout_graph(note_graph([*graph.nodes, *extra], [*graph.edges, ("z/a.md", "z/b.md")]))
    assert all(grown.positions[key] == where for key, where in layout.positions.items())


def test_every_note_is_a_link_to_its_page_from_the_page_showing_the_map():
    svg = site_map_svg(note_graph(papers(), LINKS), root="../")
    hrefs = {node["title"]: node["href"] for node in node_links(svg)}
    assert hrefs == {title: "../" + quote(path, safe="/&=:@!$'()*+,;~-._") for _, title, path, _ in PAPERS}
    assert hrefs["对比学习综述 <Survey> & notes"] == "../2022/01/01/%E5%AF%B9%E6%AF%94%E5%AD%A6%E4%B9%A0/"


def test_cjk_titles_are_kept_and_markup_in_titles_is_escaped():
    svg = site_map_svg(note_graph(papers(), LINKS), root="./")
    assert "对比学习综述 &lt;Survey&gt; &amp; notes" in svg
    assert "<Survey>" not in svg
    survey = next(node for node in node_links(svg) if node["href"].startswith("./2022/01/01/"))
    assert survey["title"] == "对比学习综述 <Survey> & notes"
    assert survey["label"].startswith("对比学习")


def test_control_characters_in_a_title_do_not_break_the_page():
    graph = note_graph([GraphNode("a.md", "Bell\x07 and tab\x0bhere", "a/"), GraphNode("b.md", "B", "b/")], [])
    svg = site_map_svg(graph, root="./")
    ET.fromstring(svg)
    assert "\x07" not in svg and "\x0b" not in svg


def test_only_links_between_known_notes_are_drawn_once_and_self_links_are_ignored():
    messy = LINKS + [
        ("posts/vit.md", "posts/clip.md"),  # the same link, the other way
        ("posts/clip.md", "posts/vit.md"),  # the same link again
        ("posts/bert.md", "posts/bert.md"),  # a note linking to itself
        ("posts/bert.md", "posts/deleted.md"),  # a link to a note that is gone
        ("posts/unknown.md", "posts/vit.md"),
    ]
    graph = note_graph(papers(), messy)
    assert len(graph.edges) == len(LINKS)
    assert all(a < b for a, b in graph.edges)
    assert graph.neighbours["posts/bert.md"] == ("posts/gpt3.md", "posts/transformer.md")
    assert drawn_links(site_map_svg(graph, root="./")) == len(LINKS)


def test_notes_of_one_category_share_a_colour_and_other_categories_get_other_colours():
    svg = site_map_svg(note_graph(papers(), LINKS), root="./")
    colour = {node["title"]: [c for c in node["classes"] if c.startswith("graph-group-")] for node in node_links(svg)}
    assert all(len(classes) == 1 for classes in colour.values())
    assert colour["ViT"] == colour["ResNet"] == colour["Swin Transformer"]
    assert colour["BERT"] == colour["GPT-3"]
    assert len({colour["ViT"][0], colour["BERT"][0], colour["CLIP"][0], colour["A note nobody links"][0]}) == 4
    assert colour["对比学习综述 <Survey> & notes"] == ["graph-group-none"]
    assert all("graph-node" in node["classes"] for node in node_links(svg))


def test_category_colours_follow_the_names_and_wrap_after_ten():
    colours = group_colours(["nlp", "cv", "", "cv", "rl"])
    assert colours == {"cv": 0, "nlp": 1, "rl": 2}
    many = group_colours(f"topic {i:02d}" for i in range(12))
    assert many["topic 10"] == 0 and many["topic 11"] == 1


def test_the_legend_lists_each_category_with_its_colour_and_count():
    legend = graph_legend(note_graph(papers(), LINKS))
    assert [(entry.group, entry.css_class, entry.count) for entry in legend] == [
        ("cv", "graph-group-0", 4),
        ("multimodal", "graph-group-1", 1),
        ("nlp", "graph-group-2", 3),
        ("theory", "graph-group-3", 1),
        ("", "graph-group-none", 1),
    ]


def assert_no_overlap(svg: str) -> None:
    nodes = node_links(svg)
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            assert math.dist((a["x"], a["y"]), (b["x"], b["y"])) >= a["r"] + b["r"], (a["title"], b["title"])


def test_no_two_notes_overlap_on_a_small_map():
    assert_no_overlap(site_map_svg(note_graph(papers(), LINKS), root="./"))


def test_no_two_notes_overlap_on_a_map_of_300_notes(random_map):
    assert_no_overlap(random_map[1])


def test_every_circle_lies_inside_the_picture(random_map):
    svg = random_map[1]
    left, top, width, height = map(float, ET.fromstring(svg).get("viewBox").split())
    for node in node_links(svg):
        assert left <= node["x"] - node["r"] and node["x"] + node["r"] <= left + width
        assert top <= node["y"] - node["r"] and node["y"] + node["r"] <= top + height


def test_linked_notes_end_up_closer_than_unlinked_ones(clustered_map):
    graph, layout = clustered_map
    where = layout.positions
    linked = [math.dist(where[a], where[b]) for a, b in graph.edges]
    rng = random.Random(3)
    pairs = [tuple(rng.sample(list(where), 2)) for _ in range(2000)]
    unlinked = [math.dist(where[a], where[b]) for a, b in pairs if (min(a, b), max(a, b)) not in set(graph.edges)]
    assert sum(linked) / len(linked) < 0.5 * sum(unlinked) / len(unlinked)


def test_notes_without_links_are_laid_out_apart_from_the_connected_ones():
    graph = note_graph(papers(), LINKS)
    layout = layout_graph(graph)
    lonely_y = layout.positions["posts/lonely.md"][1]
    assert all(lonely_y > y for key, (x, y) in layout.positions.items() if key != "posts/lonely.md")


def test_a_small_map_names_every_note_and_a_big_one_only_well_linked_notes(random_map):
    small = node_links(site_map_svg(note_graph(papers(), LINKS), root="./"))
    assert all(node["label"] for node in small)
    assert next(node["label"] for node in small if node["title"].startswith("MAE")).endswith("…")
    graph, svg = random_map
    labelled = [node for node in node_links(svg) if node["label"]]
    assert 0 < len(labelled) <= 40
    titles = {node.title: node.key for node in graph.nodes}
    assert all(len(graph.neighbours[titles[node["title"]]]) >= 3 for node in labelled)


def test_the_neighbourhood_map_shows_the_note_and_exactly_its_linked_notes():
    graph = note_graph(papers(), LINKS)
    svg = neighbourhood_svg(graph, "posts/vit.md", root="../../../../")
    nodes = node_links(svg)
    expected = {
        "ViT",
        "CLIP",
        "Attention Is All You Need",
        "Swin Transformer",
        "MAE: Masked Autoencoders Are Scalable Vision Learners",
    }
    assert {node["title"] for node in nodes} == expected
    center = [node for node in nodes if "graph-center" in node["classes"]]
    assert [node["title"] for node in center] == ["ViT"]
    assert center[0]["current"] == "page" and center[0]["href"] == "../../../../2020/10/22/vit/"
    assert all(node["label"] for node in nodes if node["title"] != "ViT")
    assert drawn_links(svg) == 4


def test_a_note_without_links_gets_no_neighbourhood_map():
    graph = note_graph(papers(), LINKS)
    assert neighbourhood_svg(graph, "posts/lonely.md", root="./") == ""
    with pytest.raises(KeyError, match="posts/missing.md"):
        neighbourhood_svg(graph, "posts/missing.md", root="./")


def test_maps_are_well_formed_accessible_and_self_contained(random_map):
    graph = note_graph(papers(), LINKS)
    for svg in (
        site_map_svg(graph, root="./"),
        site_map_svg(graph, root="./", title="Paper map", description="All my papers.", id_prefix="map"),
        neighbourhood_svg(graph, "posts/clip.md", root="../"),
        random_map[1],
    ):
        root = ET.fromstring(svg)
        assert root.tag == "svg" and root.get("role")
        ids = {element.get("id"): element for element in root.iter() if element.get("id")}
        assert root.get("aria-labelledby") in ids and ids[root.get("aria-labelledby")].tag == "title"
        assert ids[root.get("aria-describedby")].tag == "desc"
        assert "style=" not in svg and "fill=" not in svg and "stroke=" not in svg
        assert "http" not in svg
    custom = ET.fromstring(
        site_map_svg(graph, root="./", title="Paper map", description="All my papers.", id_prefix="map")
    )
    assert custom.find("title").text == "Paper map" and custom.find("title").get("id") == "map-title"
    assert custom.find("desc").text == "All my papers."


def test_an_empty_site_has_no_map():
    assert site_map_svg(note_graph([], []), root="./") == ""


def test_a_note_listed_twice_is_reported():
    with pytest.raises(ValueError, match="posts/vit.md"):
        note_graph(papers() + [GraphNode("posts/vit.md", "ViT again", "vit-again/")], [])
