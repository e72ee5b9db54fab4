"""Opening the configured document store (``PEERPREP_DOCUMENT_STORE``)."""

from __future__ import annotations

from documents.docstore import DocStore
from documents.leveldb_docstore import LevelDbDocStore
from documents.sql_docstore import SqlDocStore
from settings import Settings


def open_doc_store(settings: Settings) -> DocStore:
    """The store this process's documents live in; the caller closes it."""
    if settings.document_store == "sql":
        return SqlDocStore(settings.resolved_database_url)
    return LevelDbDocStore(settings.resolved_documents_dir)
