"""farmcli: settle the money of China's cultivated-land protection policies.

The layers, in the order a ledger flows through them (each folder's docstring says
what it may import; `tests/test_layers.py` checks it):

    ooxml, read → model → policies, scoring → settlement → outputs → cli

`model` is the vocabulary all of them share (tables, findings, money, names,
parameters); `ooxml` is the one reader of a zip package, under `read` and `outputs`. cli.py is the only module that prints or exits.
"""

__version__ = "0.1.0"

__all__ = ["settle", "check", "validate", "distribute", "Settlement", "Written", "Finding", "FarmcliError", "__version__"]


def __getattr__(name: str):
    # `import farmcli` stays light (the CLI's --help imports it): the library loads on first use.
    if name in ("settle", "check", "validate", "distribute", "Settlement", "Written"):
        from farmcli import api

        return getattr(api, name)
    if name in ("Finding", "FarmcliError"):
        from farmcli.model import findings

        return getattr(findings, name)
    raise AttributeError(f"module 'farmcli' has no attribute {name!r}")
