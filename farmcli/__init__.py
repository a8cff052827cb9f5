"""farmcli: settle the money of China's cultivated-land protection policies.

The layers, in the order a ledger flows through them (each folder's docstring says
what it may import; `tests/test_layers.py` checks it):

    read → model → policies, scoring → settlement → outputs → cli

`model` is the vocabulary all of them share (tables, findings, money, names,
parameters). cli.py is the only module that prints or exits.
"""

__version__ = "0.1.0"
