"""绩效评分 (SPEC §4): the 100-point self-evaluation, computed and audited from the ledger.

May import: `farmcli.model` only (the tables it scores are read for it by the settlement).
"""
