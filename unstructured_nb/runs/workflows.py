"""Find the workflow a user means by a name or an id, with close matches when there is none."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from .. import hints
from ..client.protocol import ClientProtocol
from ..errors import NotFoundError, WorkflowLookupError
from ..models import Workflow

__all__ = ["lookup", "resolve_workflow"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


def lookup(workflows: Sequence[Workflow], name_or_id: str) -> Workflow:
    """The workflow of ``workflows`` whose id, or else exact name, is ``name_or_id``.

    Raises :class:`WorkflowLookupError` when none or several match, naming close matches
    or the available names. Needs no request, so a front end can check as the user types.
    """
    text = name_or_id.strip()
    for wf in workflows:
        if wf.id == text:
            return wf
    named = [wf for wf in workflows if wf.name == text]
    if len(named) == 1:
        return named[0]
    if named:
        ids = ", ".join(wf.id for wf in named)
        raise WorkflowLookupError(
            f"{len(named)} workflows are named {text!r} (ids: {ids})", hint="Pass the id of the one you mean instead of the name"
        )
    raise WorkflowLookupError(f"No workflow has the name or id {text!r}", hint=_suggestions(workflows, text))


def resolve_workflow(client: ClientProtocol, name_or_id: str) -> Workflow:
    """:func:`lookup` over the server's workflows; an id beyond the listed page is asked for directly."""
    workflows = client.list_workflows()
    try:
        return lookup(workflows, name_or_id)
    except WorkflowLookupError:
        if _UUID.fullmatch(name_or_id.strip()):
            try:
                return client.get_workflow(name_or_id.strip())
            except NotFoundError:
                pass
        raise


def _suggestions(workflows: Sequence[Workflow], text: str) -> str:
    names = sorted({wf.name for wf in workflows})
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(text.lower(), list(lowered), n=4, cutoff=0.5)
    if close:
        hint = "Did you mean " + ", ".join(repr(lowered[c]) for c in close) + "?"
    elif names:
        hint = "Available workflows: " + ", ".join(repr(n) for n in names[:8]) + (" ..." if len(names) > 8 else "") + "."
    else:
        hint = "This server has no workflows yet; create one with client.create_workflow(...)."
    return hint + f" List them with {hints.list_workflows()}"
