"""Integrations with other tools: a spaCy pipeline component and Dask.

Each needs its tool installed and is imported on its own:
``purposeclf.integrations.spacy_component`` (registered with spaCy as the
``purposeclf`` factory) and ``purposeclf.integrations.dask`` (public as
:mod:`purposeclf.dask`).
"""
