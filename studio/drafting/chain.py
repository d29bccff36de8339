"""The drafting chains as LangChain runnables.

Composing (the default for base models such as the bundled one): retriever → material → compositions →
ranking.  Writing (a capable chat model): retriever → prompt → model → parser.

* retriever: the brand's knowledge index behind LangChain's retriever interface, one document per source;
* prompt: the prompt files rendered for the persona, segment, stage and channel (``prompts.draft_prompt``);
* model → parser: candidates written by the configured LangChain model, cleaned, checked and scored
  (``studio.drafting.writer``), the best one kept.

No Flask here: the index, settings and model are passed in.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from operator import itemgetter
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.language_models import BaseLanguageModel
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from prompts import Fact, build_draft_prompt
from studio.drafting.composer import compose
from studio.drafting.context import BrandContext
from studio.drafting.material import build_material
from studio.drafting.ranking import FluencyScorer, ScoreCache, rank
from studio.drafting.writer import LLMSettings, TextCallback, Variant, write_variant


class BrandKnowledgeRetriever(BaseRetriever):
    """The top documents of a brand's knowledge for a query, each as its best-matching chunk."""

    index: Any  # knowledge.index.KnowledgeIndex
    brand_slug: str
    k: int = 5
    on_date: date | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[Document]:
        hits = self.index.search(self.brand_slug, query, k=self.k * 2, on_date=self.on_date)
        documents, seen = [], set()
        for hit in hits:
            if hit.doc_id in seen:
                continue
            seen.add(hit.doc_id)
            documents.append(Document(page_content=hit.text, metadata={
                "doc_id": hit.doc_id, "chunk_id": hit.chunk_id, "title": hit.title, "type": hit.type}))
            if len(documents) == self.k:
                break
        return documents


def facts_from(documents: list[Document]) -> list[Fact]:
    """Retrieved documents numbered for citation, as the prompt shows them."""
    return [Fact(number=n, doc_id=d.metadata["doc_id"], title=d.metadata.get("title", ""), text=d.page_content)
            for n, d in enumerate(documents, start=1)]


def _render_prompt(values: dict):
    brand: BrandContext = values["brand"]
    return build_draft_prompt(
        brand_name=brand.name, persona=values["persona"], segment=values["segment"],
        channel_type=values["channel_type"], brief=values["brief"], facts=values["facts"],
        overrides_dir=brand.prompt_overrides,
        proven_posts=values["playbook"].examples if values.get("playbook") is not None else ())


def drafting_chain(retriever: BaseRetriever, settings: LLMSettings, *, model: BaseLanguageModel | None = None,
                   on_text: TextCallback | None = None) -> Runnable:
    """{"query", "brief", "brand", "persona", "segment", "channel_type"} → the same plus
    "documents", "facts", "prompt" and "variant" (raises GenerationFailed when nothing usable came back).

    "brief", "brand", "persona" and "segment" are a DraftBrief, a BrandContext, a PersonaProfile and a
    SegmentProfile."""

    def best_variant(values: dict):
        key_terms = list(values["brief"].products) + [fact.title for fact in values["facts"][:2]]
        return write_variant(values["prompt"], values["facts"], key_terms=key_terms, settings=settings,
                             model=model, on_text=on_text)

    return (RunnablePassthrough.assign(documents=itemgetter("query") | retriever)
            | RunnablePassthrough.assign(facts=itemgetter("documents") | RunnableLambda(facts_from))
            | RunnablePassthrough.assign(prompt=RunnableLambda(_render_prompt, name="draft_prompt"))
            | RunnablePassthrough.assign(variant=RunnableLambda(best_variant, name="model_and_parser")))


CROWDED_NOTE = "简报正文占了这条消息的大半篇幅，几个分群的版本差别不大；想让各群读到不同的内容，可以把简报写短些，或分群分别写"
CROWDED_SHARE = 0.7  # of the channel's length: what is left is about an opening, a closing and one fact


def crowded(material, brief) -> bool:
    """Whether the brief's own words leave its segments' variants little room to differ."""
    return len(brief.audience) > 1 and len(material.message) > CROWDED_SHARE * material.max_chars


def composing_chain(retriever: BaseRetriever, scorer: FluencyScorer | None, *, budget_s: float,
                    cache: ScoreCache | None = None) -> Runnable:
    """{"query", "brief", "brand", "persona", "segment", "channel_type"} → the same plus "documents",
    "facts", "material", "compositions" (best first) and "variant"; "note" says what ranking could not do."""

    def material(values: dict):
        # A persona document tells how the persona runs the group, not what to tell members.
        facts = [fact for fact, document in zip(values["facts"], values["documents"])
                 if document.metadata.get("type") != "persona"]
        built = build_material(values["brief"], values["brand"], values["persona"], values["segment"],
                               values["channel_type"], facts)
        hint = values.get("playbook")
        return replace(built, proven=hint.lines) if hint is not None else built

    def ranked(values: dict) -> dict:
        compositions, note = rank(compose(values["material"]), scorer, brand_name=values["brand"].name,
                                  budget_s=budget_s, cache=cache, proven=values["material"].proven)
        best = compositions[0]
        meta = {"sentences": best.record(), "plan": best.plan, "fluency": best.fluency,
                "candidates": [{"plan": c.plan, "score": round(c.score, 3), "fluency": c.fluency}
                               for c in compositions]}
        hint = values.get("playbook")
        if hint is not None:  # the generation record names the playbook entries the draft used
            meta["playbook"] = {"segment": hint.segment, "written_at": hint.written_at, "posts": list(hint.posts),
                                "lines_used": [p.source for p in best.parts if p.source in hint.lines]}
        variant = Variant(text=best.text, citations=best.citations, score=round(best.score, 3), meta=meta)
        if crowded(values["material"], values["brief"]):
            note = "；".join(part for part in (note, CROWDED_NOTE) if part)
        return {"compositions": compositions, "variant": variant, "note": note}

    return (RunnablePassthrough.assign(documents=itemgetter("query") | retriever)
            | RunnablePassthrough.assign(facts=itemgetter("documents") | RunnableLambda(facts_from))
            | RunnablePassthrough.assign(material=RunnableLambda(material, name="material"))
            | RunnableLambda(lambda values: {**values, **ranked(values)}, name="compose_and_rank"))
