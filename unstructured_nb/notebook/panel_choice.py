"""What the panel's Run starts: an existing workflow, a template, or custom job nodes, as validated traits.

:class:`RunChoice` is the panel's "Run with" choice without any widget. Its values are
traits (an unknown mode, strategy, chunker or template is refused with a ``TraitError``);
what an on-demand choice sends is :meth:`RunChoice.job_options`, the keywords of
``runs.start_job``, the same ones ``%unstructured_run --template`` / ``--strategy`` /
``--chunk`` / ``--max-characters`` / ``--embed`` gives it. Its checks are the ones of
``runs.nodes_from_options`` (no second rule set), worded for the panel's controls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from traitlets import Bool, Enum, HasTraits, Int, List, TraitError, Unicode, validate

from ..embedders import find_model
from ..errors import UsageError, user_message
from ..runs import JobSpec, nodes_from_options
from ..runs.jobspec import embed_node

__all__ = ["CHUNKINGS", "MODES", "STRATEGIES", "RunChoice"]

#: (label, value) of the "Run with" choice.
MODES = (("Workflow", "workflow"), ("Template", "template"), ("Custom", "custom"))
#: (label, value) of the partition strategies the Custom controls offer.
STRATEGIES = (("fast", "fast"), ("hi_res", "hi_res"), ("auto", "auto"), ("ocr_only", "ocr_only"))
#: (label, value) of the chunkers; "basic" is the platform's chunk_by_character.
CHUNKINGS = (
    ("none", "none"),
    ("by title", "by_title"),
    ("basic", "by_character"),
    ("by page", "by_page"),
    ("by similarity", "by_similarity"),
)
#: What the Custom controls call the chunker's sizes, in the errors of nodes_from_options.
_NAMES = {"max_characters": "Max characters"}
_MAX_TYPED = 12  # digits: anything longer is not a chunk size


class RunChoice(HasTraits):
    """The "Run with" choice: ``mode`` (workflow, template or custom) and each mode's values.

    ``templates`` is the server's list (dicts with ``id`` and ``name``), ``template`` the
    chosen id (one of them). ``strategy``, ``chunk`` (``none`` for no chunking),
    ``max_characters`` (None: the chunker's default) and ``embed`` are the custom job's.
    ``local``: the server is a local engine, whose embedder is the local model.
    ``max_characters_text`` is what was typed, kept with its problem when it is no number.
    """

    #: The traits whose change changes what Run would start.
    CHANGES = ("mode", "template", "templates", "strategy", "chunk", "max_characters", "typing_problem", "embed", "local")

    mode = Enum([v for _, v in MODES], default_value="workflow")
    templates: List[dict[str, Any]] = List()
    template = Unicode(None, allow_none=True)
    templates_loaded = Bool(False)
    strategy = Enum([v for _, v in STRATEGIES], default_value="fast")
    chunk = Enum([v for _, v in CHUNKINGS], default_value="none")
    max_characters = Int(None, allow_none=True)
    max_characters_text = Unicode("")
    typing_problem = Unicode("")
    embed = Bool(False)
    local = Bool(True)

    @validate("template")
    def _known_template(self, proposal: Any) -> Any:
        value = proposal["value"]
        if value is not None and value not in self.template_ids():
            known = ", ".join(repr(i) for i in self.template_ids()[:8]) or "none"
            raise TraitError(f"No template has the id {value!r} (this server offers: {known})")
        return value

    @validate("templates")
    def _template_list(self, proposal: Any) -> Any:
        value = proposal["value"]
        if not all(isinstance(t, Mapping) and t.get("id") for t in value):
            raise TraitError("templates must be the server's list: objects with an 'id'")
        return [dict(t) for t in value]

    # -- setting ----------------------------------------------------------------------------------
    def set_templates(self, templates: Sequence[Mapping[str, Any]]) -> None:
        """The server's templates, sorted by name; the chosen one is kept while it exists (else the first)."""
        with self.hold_trait_notifications():
            keep = self.template
            self.template = None
            self.templates = sorted(
                [dict(t) for t in templates], key=lambda t: (str(t.get("name") or t["id"]).lower(), str(t["id"]))
            )
            ids = self.template_ids()
            self.template = keep if keep in ids else (ids[0] if ids else None)
            self.templates_loaded = True

    def select_template(self, name_or_id: str) -> None:
        """Choose a template by id, else by exact name (case-insensitive); raises UsageError for neither."""
        text = name_or_id.strip()
        for t in self.templates:
            if str(t["id"]) == text:
                self.template = str(t["id"])
                return
        named = [t for t in self.templates if str(t.get("name") or "").lower() == text.lower()]
        if len(named) != 1:
            known = ", ".join(label for label, _ in self.template_options()) or "none"
            raise UsageError(f"No template has the id or name {text!r}; this server offers: {known}")
        self.template = str(named[0]["id"])

    def set_max_characters(self, text: str) -> None:
        """The Max characters field as typed: empty is the chunker's default, else a whole number."""
        typed = text.strip().replace(",", "").replace("_", "")
        with self.hold_trait_notifications():
            self.max_characters_text = text
            if not typed:
                self.max_characters, self.typing_problem = None, ""
            elif typed.lstrip("-").isdigit() and len(typed) <= _MAX_TYPED:
                self.max_characters, self.typing_problem = int(typed), ""
            else:
                self.max_characters = None
                self.typing_problem = (
                    f"Max characters must be a whole number of characters, such as 1000; {text.strip()[:40]!r} is not"
                )

    # -- reading ----------------------------------------------------------------------------------
    def template_ids(self) -> list[str]:
        return [str(t["id"]) for t in self.templates]

    def template_options(self) -> list[tuple[str, str]]:
        """(label, id) per template: its name, with the id where it differs."""
        out = []
        for t in self.templates:
            name, tid = str(t.get("name") or ""), str(t["id"])
            out.append((name if name == tid else f"{name or '(unnamed)'} ({tid})", tid))
        return out

    def template_info(self) -> str:
        for t in self.templates:
            if t["id"] == self.template:
                return str(t.get("description") or "")
        return ""

    def chunk_options(self) -> list[tuple[str, str]]:
        """The chunkers, with "by similarity" marked as the platform's only when the server is a local engine."""
        return [
            (f"{label} (platform only)" if local_only else label, value) for label, value, local_only in _chunkers(self.local)
        ]

    def embedder_label(self) -> str:
        """The embedder an Embed tick adds: the local model on a local engine, the platform's default elsewhere."""
        settings = embed_node("default", local=self.local)
        subtype, model_name = settings["subtype"], settings["settings"]["model_name"]
        model = find_model(subtype, model_name)
        dims = f", {model.dimensions} dimensions" if model is not None else ""
        return f"{'local model' if self.local else subtype} {model_name}{dims}"

    def job_options(self) -> dict[str, Any]:
        """What Run passes to ``runs.start_job`` (the keywords ``%unstructured_run``'s flags become)."""
        if self.mode == "template":
            return {"template": self.template} if self.template else {}
        if self.mode != "custom":
            return {}
        chunked = self.chunk != "none"
        options = {
            "strategy": self.strategy,
            "chunk": self.chunk if chunked else None,
            "max_characters": self.max_characters if chunked else None,
            "embed": True if chunked and self.embed else None,
        }
        return {k: v for k, v in options.items() if v is not None}

    def nodes(self) -> list[dict[str, Any]]:
        """The custom job's nodes; raises UsageError, worded for the panel, for values the platform refuses."""
        if self.typing_problem and self.chunk != "none":
            raise UsageError(self.typing_problem)
        options = self.job_options()
        return nodes_from_options(
            strategy=options.get("strategy"),
            chunk=options.get("chunk"),
            max_characters=options.get("max_characters"),
            embed="default" if options.get("embed") else None,
            local=self.local,
            names=_NAMES,
        )

    def error(self) -> str:
        """A mistake in the chosen mode's values, for the error area ('' when there is none)."""
        if self.mode == "template" and self.templates_loaded and not self.templates:
            return (
                "This server offers no templates. Choose Workflow to run one of its workflows, or Custom to pick "
                "the strategy, chunking and embedding yourself"
            )
        if self.mode == "custom":
            try:
                self.nodes()
            except UsageError as exc:
                return user_message(exc)
        return ""

    def todo(self) -> str:
        """What is still to choose before Run, for the status line ('' when nothing is)."""
        if self.mode == "template" and not self.templates_loaded:
            return "Reload the templates list (the button beside it)."
        if self.mode == "template" and self.templates and not self.template:
            return "Choose a template."
        return ""

    def label(self) -> str:
        """What the status line calls the choice: ``template 'partition'``, ``partition fast -> chunk_by_title``."""
        if self.mode == "template" and self.template:
            names = {tid: name for name, tid in self.template_options()}
            return f"template {names.get(self.template or '', self.template)!r}"
        if self.mode == "custom":
            try:
                return "custom " + JobSpec.of_nodes(self.nodes()).name
            except UsageError:
                return "custom nodes"
        return ""


def _chunkers(local: bool) -> list[tuple[str, str, bool]]:
    return [(label, value, local and value == "by_similarity") for label, value in CHUNKINGS]
