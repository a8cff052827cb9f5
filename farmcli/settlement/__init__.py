"""Settlement: the one path through the program — read the ledger, run the ledger validators
(`validate.VALIDATORS`), apply the policy and the scoring table, and hold the result (`Settlement`);
compare two settlements' records.

May import: `farmcli.model`, `farmcli.read`, `farmcli.policies`, `farmcli.scoring`.
"""
