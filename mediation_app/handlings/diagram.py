"""A workflow drawn as SVG with Graphviz (Debian's graphviz, through the graphviz package)."""

from __future__ import annotations

import re

import graphviz
from flask_babel import gettext as _

from ..formatting import workflow_text
from ..labels import label
from ..workflow import Definition

OUTCOME_COLOURS = {"success": "#1e7d4f", "failure": "#b3261e", "withdrawn": "#66737f"}


def _deadline_text(state) -> str:
    if not state.deadline:
        return ""
    if state.deadline.unit == "working":
        return "\\n" + _("Deadline: %(days)s working days", days=state.deadline.days)
    return "\\n" + _("Deadline: %(days)s days", days=state.deadline.days)


TITLES = re.compile(r"<title>[^<]*</title>")


def render_svg(definition: Definition) -> str:
    graph = graphviz.Digraph(format="svg")
    graph.attr(rankdir="LR", fontname="Noto Sans CJK SC", bgcolor="transparent")
    graph.attr("node", fontname="Noto Sans CJK SC", fontsize="11", shape="box", style="rounded")
    graph.attr("edge", fontname="Noto Sans CJK SC", fontsize="9")
    for state in definition.states:
        colour = OUTCOME_COLOURS.get(state.outcome or "", "#1d5fa8")
        graph.node(state.name, f"{workflow_text(state.label)}{_deadline_text(state)}", color=colour,
                   penwidth="2" if state.initial or state.is_terminal else "1",
                   peripheries="2" if state.is_terminal else "1")
    for transition in definition.transitions:
        roles = "、".join(label("role", role) for role in transition.roles)
        needs = "、".join(label("guard", guard) for guard in transition.requires)
        guards = "\\n" + _("Needs: %(guards)s", guards=needs) if needs else ""
        for source in transition.sources:
            graph.edge(source, transition.target,
                       label=f"{workflow_text(transition.label)}\\n[{roles}]{guards}")
    svg = graph.pipe(encoding="utf-8")
    # Graphviz titles each node and edge with its internal name (a hover tooltip): drop them
    return TITLES.sub("", svg[svg.index("<svg"):])
