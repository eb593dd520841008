"""Dutch NLP for buurtbot: classifier and extractors (see nlp/README.md)."""
