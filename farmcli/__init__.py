"""farmcli: settle the money of China's cultivated-land protection policies.

The library path is: ledger.read_ledger → policy.settle → outputs.*;
cli.py is the only module that prints or exits.
"""

__version__ = "0.1.0"
