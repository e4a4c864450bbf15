"""The report stage: results → JSON, terminal text and Markdown.

In: results, rankings and obligations. Out: bytes a person or a program reads. Renderers only
read; they never evaluate. The result format's JSON Schema is package data (``schemas/``).
"""
