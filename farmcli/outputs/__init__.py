"""Rendering a Settlement: the workbook, the Markdown report and the JSON document."""
