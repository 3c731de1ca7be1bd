"""The embedding providers and models of the platform's embed node, with their dimensions and chunk-size limits.

Shared data, like ``filetypes``: the front ends check ``--embed`` against it before sending,
and the local engine validates embed nodes with it. Figures are from the platform's
"Chunk sizing and embedding models" table (docs.unstructured.io, concepts/embedding): a
workflow with an embedder must keep its chunker's ``max_characters`` at or below the
model's limit, which the platform sets at 3.5 characters per token of the model's input
limit (512 tokens -> 1792 characters). ``local`` is this package's own subtype: a static
embedding model shipped inside the ``wordllama`` wheel, run by the local engine only.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_MODELS",
    "LOCAL_MODEL",
    "LOCAL_SUBTYPE",
    "MODELS",
    "PLATFORM_SUBTYPES",
    "EmbeddingModel",
    "find_model",
    "max_chunk_characters",
]

#: Characters per token the platform assumes when it turns a model's token limit into a chunk size.
CHARS_PER_TOKEN = 3.5


@dataclass(frozen=True)
class EmbeddingModel:
    """One model of one provider (``subtype`` of the embed node)."""

    subtype: str
    name: str
    dimensions: int
    tokens: int | None  # the model's input limit; None: none (the local static model averages any length)

    @property
    def max_characters(self) -> int | None:
        """The largest chunker ``max_characters`` the platform accepts before this model."""
        return None if self.tokens is None else int(self.tokens * CHARS_PER_TOKEN)


PLATFORM_SUBTYPES = ("azure_openai", "bedrock", "ibm", "togetherai", "voyageai")
LOCAL_SUBTYPE = "local"
LOCAL_MODEL = "wordllama-l2-supercat-256"

MODELS: tuple[EmbeddingModel, ...] = (
    EmbeddingModel("azure_openai", "text-embedding-3-small", 1536, 8191),
    EmbeddingModel("azure_openai", "text-embedding-3-large", 3072, 8191),
    EmbeddingModel("azure_openai", "text-embedding-ada-002", 1536, 8191),
    EmbeddingModel("bedrock", "cohere.embed-english-v3", 1024, 512),
    EmbeddingModel("bedrock", "cohere.embed-multilingual-v3", 1024, 512),
    EmbeddingModel("bedrock", "amazon.titan-embed-text-v1", 1536, 8192),
    EmbeddingModel("bedrock", "amazon.titan-embed-text-v2:0", 1024, 8192),
    EmbeddingModel("bedrock", "amazon.titan-embed-image-v1", 1024, 256),
    EmbeddingModel("ibm", "ibm/slate-125m-english-rtrvr-v2", 768, 512),
    EmbeddingModel("ibm", "ibm/slate-30m-english-rtrvr-v2", 384, 512),
    EmbeddingModel("ibm", "intfloat/multilingual-e5-large", 1024, 512),
    EmbeddingModel("togetherai", "togethercomputer/m2-bert-80M-32k-retrieval", 768, 32768),
    EmbeddingModel("togetherai", "BAAI/bge-base-en-v1.5", 768, 512),
    EmbeddingModel("togetherai", "BAAI/bge-large-en-v1.5", 1024, 512),
    EmbeddingModel("voyageai", "voyage-3", 1024, 32000),
    EmbeddingModel("voyageai", "voyage-3-large", 1024, 32000),
    EmbeddingModel("voyageai", "voyage-3-lite", 512, 32000),
    EmbeddingModel("voyageai", "voyage-code-3", 1024, 32000),
    EmbeddingModel("voyageai", "voyage-finance-2", 1024, 32000),
    EmbeddingModel("voyageai", "voyage-law-2", 1024, 16000),
    EmbeddingModel(LOCAL_SUBTYPE, LOCAL_MODEL, 256, None),
)

#: The model an embed node gets when only its provider is named.
DEFAULT_MODELS = {
    "azure_openai": "text-embedding-3-small",
    "bedrock": "amazon.titan-embed-text-v2:0",
    "ibm": "ibm/slate-125m-english-rtrvr-v2",
    "togetherai": "togethercomputer/m2-bert-80M-32k-retrieval",
    "voyageai": "voyage-3",
    LOCAL_SUBTYPE: LOCAL_MODEL,
}


def find_model(subtype: str, name: str) -> EmbeddingModel | None:
    """The known model ``name`` of provider ``subtype`` (None when this table does not list it)."""
    for model in MODELS:
        if model.subtype == subtype and model.name == name:
            return model
    return None


def max_chunk_characters(subtype: str, name: str) -> int | None:
    """The chunker ``max_characters`` limit before this model, or None when there is none (or it is unknown)."""
    model = find_model(subtype, name)
    return None if model is None else model.max_characters
