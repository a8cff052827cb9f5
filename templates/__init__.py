# Report templates (Jinja2), installed as the package `farmcli_templates`.
